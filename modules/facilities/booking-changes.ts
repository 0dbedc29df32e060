import { and, eq, sql } from "drizzle-orm";
import type { Actor } from "../../core/audit/actor.ts";
import type { Db } from "../../core/db/database.ts";
import { recordChange } from "../../core/events/record-change.ts";
import { enqueueJob } from "../../core/jobs/enqueue-job.ts";
import { newReferenceNumber } from "../../core/reference/reference-number.ts";
import { cancelPayment, paymentsOfSubject, refundPayment } from "../payments/index.ts";
import { issueDigitalKeyJob, revokeDigitalKeyJob } from "./jobs.ts";
import { bookingProblems } from "./problems.ts";
import { type Booking, bookings } from "./schema.ts";

/** Steps several booking operations share: locking, confirming, cancelling, and the events they publish. */

export const BOOKING_SUBJECT = "facilities_booking";

export const bookingPath = (id: string) => `/my/bookings/${id}`;

/** A booking reference such as "R7XM-4RPA". */
export const newBookingReference = () => newReferenceNumber("R");

export function bookingEventPayload(booking: Booking): Record<string, unknown> {
  return {
    bookingId: booking.id,
    unitId: booking.unitId,
    source: booking.source,
    status: booking.status,
    residentId: booking.residentId,
    groupId: booking.groupId,
    lotteryRoundId: booking.lotteryRoundId,
    startsAt: booking.startsAt.toISOString(),
    endsAt: booking.endsAt.toISOString(),
    cancelReason: booking.cancelReason,
  };
}

/** The booking, locked for the rest of the transaction so two changes to it cannot interleave. */
export async function lockBooking(tx: Db, tenantId: string, bookingId: string): Promise<Booking> {
  const [booking] = await tx
    .select()
    .from(bookings)
    .where(and(eq(bookings.id, bookingId), eq(bookings.tenantId, tenantId)))
    .for("update");
  if (!booking) {
    throw bookingProblems.notFound();
  }
  return booking;
}

/** 本予約: the booking is confirmed (paid or free) and its door code is issued by a job. */
export async function confirmBookingRow(
  tx: Db,
  o: { booking: Booking; actor: Actor; requestId?: string | null },
): Promise<Booking> {
  const [confirmed] = await tx
    .update(bookings)
    .set({ status: "confirmed", confirmedAt: sql`now()`, confirmBy: null, updatedAt: sql`now()` })
    .where(eq(bookings.id, o.booking.id))
    .returning();
  await recordChange(tx, {
    tenantId: o.booking.tenantId,
    actor: o.actor,
    action: "facilities.booking.confirm",
    resource: { type: "facilities_booking", id: o.booking.id },
    before: { status: o.booking.status },
    after: { status: "confirmed" },
    event: { name: "facilities.booking_confirmed", payload: bookingEventPayload(confirmed!) },
    requestId: o.requestId ?? null,
  });
  await enqueueJob(tx, {
    job: issueDigitalKeyJob,
    payload: { bookingId: o.booking.id },
    tenantId: o.booking.tenantId,
    singletonKey: `issue-${o.booking.id}`,
  });
  return confirmed!;
}

/**
 * Whether a lottery booking still belongs to its round: before the round's first-come time a lapsed or
 * cancelled award goes back to the lottery as a hold; after it, the slot is freed like any other booking.
 */
export function returnsToLottery(booking: Booking, now: Date): boolean {
  return (
    booking.source === "lottery" && (booking.lotteryReleaseAt === null || booking.lotteryReleaseAt > now)
  );
}

/**
 * A lottery award lost by its winner (unpaid or cancelled) before the round's first-come time: the slot goes
 * back to being the lottery's hold, so the round's release opens it, not the winner's cancellation.
 */
export async function revertToLotteryHold(
  tx: Db,
  booking: Booking,
  settled: { refundAmount: number | null } = { refundAmount: null },
): Promise<Booking> {
  const [reverted] = await tx
    .update(bookings)
    .set({
      status: "held",
      residentId: null,
      groupId: null,
      userCategory: null,
      fee: 0,
      confirmBy: null,
      confirmedAt: null,
      // Kept so that a late or repeated payment report for the lost award is known to be settled.
      refundAmount: settled.refundAmount,
      updatedAt: sql`now()`,
    })
    .where(eq(bookings.id, booking.id))
    .returning();
  return reverted!;
}

/** Ends a live booking as cancelled, frees the slot and queues the revocation of its door code. */
export async function cancelBookingRow(
  tx: Db,
  o: {
    booking: Booking;
    actor: Actor;
    reason: NonNullable<Booking["cancelReason"]>;
    refundAmount: number | null;
    requestId?: string | null;
  },
): Promise<Booking> {
  const [cancelled] = await tx
    .update(bookings)
    .set({
      status: "cancelled",
      cancelledAt: sql`now()`,
      cancelReason: o.reason,
      refundAmount: o.refundAmount,
      updatedAt: sql`now()`,
    })
    .where(eq(bookings.id, o.booking.id))
    .returning();
  await recordChange(tx, {
    tenantId: o.booking.tenantId,
    actor: o.actor,
    action: "facilities.booking.cancel",
    resource: { type: "facilities_booking", id: o.booking.id },
    before: { status: o.booking.status },
    after: { status: "cancelled", reason: o.reason, refundAmount: o.refundAmount },
    event: { name: "facilities.booking_cancelled", payload: bookingEventPayload(cancelled!) },
    requestId: o.requestId ?? null,
  });
  if (o.booking.status === "confirmed") {
    await enqueueRevokeDigitalKey(tx, o.booking);
  }
  return cancelled!;
}

/** Queues the revocation of a confirmed booking's door code. */
export async function enqueueRevokeDigitalKey(tx: Db, booking: Booking): Promise<void> {
  await enqueueJob(tx, {
    job: revokeDigitalKeyJob,
    payload: { bookingId: booking.id },
    tenantId: booking.tenantId,
    singletonKey: `revoke-${booking.id}`,
  });
}

/**
 * The city cancels live bookings it overrides (行政使用, or a closure or schedule change staff made): every
 * unfinished payment request is withdrawn, what was paid is refunded in full, and the booking is cancelled
 * with the reason, which tells the subscriber to notify the resident.
 */
export async function cancelWithFullRefund(
  tx: Db,
  o: {
    tenantId: string;
    actor: Actor;
    bookings: readonly Booking[];
    reason: "official_use" | "facility_change";
    refundNote: string;
    requestId?: string | null;
  },
): Promise<Booking[]> {
  const cancelled: Booking[] = [];
  for (const booking of o.bookings) {
    const subject = { module: "facilities", type: BOOKING_SUBJECT, id: booking.id };
    const requested = await paymentsOfSubject({ db: tx, tenantId: o.tenantId, subject });
    const paid = requested.find((p) => p.state === "success");
    for (const payment of requested.filter((p) => !p.finished)) {
      await cancelPayment({ tx, tenantId: o.tenantId, actor: o.actor, paymentId: payment.id });
    }
    const refundable = paid ? paid.amount - paid.refundedAmount : 0;
    if (paid && refundable > 0) {
      await refundPayment({
        tx,
        tenantId: o.tenantId,
        actor: o.actor,
        paymentId: paid.id,
        amount: refundable,
        expectedRefundable: refundable,
        reason: o.refundNote,
        requestId: o.requestId ?? null,
      });
    }
    cancelled.push(
      await cancelBookingRow(tx, {
        booking,
        actor: o.actor,
        reason: o.reason,
        refundAmount: paid ? refundable : null,
        requestId: o.requestId,
      }),
    );
  }
  return cancelled;
}
