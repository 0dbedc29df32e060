import { and, eq, inArray } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { cancelBookingRow } from "../booking-changes.ts";
import { bookings } from "../schema.ts";

/**
 * Cancels the given lottery holds that are still unawarded (or were reverted by the expiry job), so the
 * slots open first-come. Returns how many were released.
 */
export async function releaseLotteryHolds(
  tx: Db,
  o: { tenantId: string; actor: Actor; bookingIds: string[] },
): Promise<number> {
  if (o.bookingIds.length === 0) {
    return 0;
  }
  const holds = await tx
    .select()
    .from(bookings)
    .where(
      and(
        eq(bookings.tenantId, o.tenantId),
        inArray(bookings.id, o.bookingIds),
        eq(bookings.status, "held"),
        eq(bookings.source, "lottery"),
      ),
    )
    .for("update");
  for (const booking of holds) {
    await cancelBookingRow(tx, {
      booking,
      actor: o.actor,
      reason: "lottery_released",
      // A winner's cancellation that refunded by the table stays recorded as settled.
      refundAmount: booking.refundAmount,
    });
  }
  return holds.length;
}
