import { and, asc, eq, lt, sql } from "drizzle-orm";
import { systemActor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { cancelPayment, paymentsOfSubject } from "../../payments/index.ts";
import {
  BOOKING_SUBJECT,
  bookingEventPayload,
  lockBooking,
  returnsToLottery,
  revertToLotteryHold,
} from "../booking-changes.ts";
import { bookings } from "../schema.ts";

export type ExpireProvisionalBookingsOptions = { db: Db; now?: Date; batchSize?: number };

/**
 * Unpaid 仮予約 past their deadline: the payment request is withdrawn and the booking expires, freeing the
 * slot; a lottery award goes back to a lottery hold instead while its round has not reached its first-come
 * time, so the slot stays closed until the lottery releases it (after that time the award expires like any
 * booking, since the round's release may already have run). A booking whose payment is at the provider right now is left for a later run (the payments
 * module settles that attempt), and one already paid is left for the payment subscriber to confirm.
 */
export async function expireProvisionalBookings(o: ExpireProvisionalBookingsOptions): Promise<{
  expired: number;
  reverted: number;
  skipped: number;
  failed: { bookingId: string; error: unknown }[];
}> {
  const now = o.now ?? new Date();
  const due = await o.db
    .select({ id: bookings.id, tenantId: bookings.tenantId })
    .from(bookings)
    .where(and(eq(bookings.status, "provisional"), lt(bookings.confirmBy, now)))
    .orderBy(asc(bookings.confirmBy))
    .limit(o.batchSize ?? 200);
  const result = {
    expired: 0,
    reverted: 0,
    skipped: 0,
    failed: [] as { bookingId: string; error: unknown }[],
  };
  for (const { id, tenantId } of due) {
    // One booking that cannot be expired (its transaction failed) must not hold up the others.
    const outcome = await o.db
      .transaction(async (tx) => {
        const booking = await lockBooking(tx, tenantId, id);
        if (booking.status !== "provisional" || !booking.confirmBy || booking.confirmBy >= now) {
          return "skipped" as const;
        }
        const subject = { module: "facilities", type: BOOKING_SUBJECT, id };
        const requested = await paymentsOfSubject({ db: tx, tenantId, subject });
        if (requested.some((p) => ["success", "started", "submitted"].includes(p.state))) {
          return "skipped" as const;
        }
        for (const payment of requested.filter((p) => p.state !== "cancelled")) {
          await cancelPayment({ tx, tenantId, actor: systemActor, paymentId: payment.id });
        }
        const backToLottery = returnsToLottery(booking, now);
        const changed = backToLottery
          ? await revertToLotteryHold(tx, booking)
          : (
              await tx
                .update(bookings)
                .set({ status: "expired", updatedAt: sql`now()` })
                .where(eq(bookings.id, id))
                .returning()
            )[0];
        await recordChange(tx, {
          tenantId,
          actor: systemActor,
          action: "facilities.booking.expire",
          resource: { type: "facilities_booking", id },
          before: { status: "provisional", residentId: booking.residentId, confirmBy: booking.confirmBy },
          after: { status: changed!.status },
          event: {
            name: "facilities.booking_expired",
            // The resident who lost it, even when the hold went back to the lottery.
            payload: {
              ...bookingEventPayload(changed!),
              residentId: booking.residentId,
              groupId: booking.groupId,
            },
          },
        });
        return backToLottery ? ("reverted" as const) : ("expired" as const);
      })
      .catch((error: unknown) => {
        result.failed.push({ bookingId: id, error });
        return null;
      });
    if (outcome) {
      result[outcome]++;
    }
  }
  return result;
}
