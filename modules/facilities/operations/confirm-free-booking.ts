import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { confirmBookingRow, lockBooking } from "../booking-changes.ts";
import { bookingProblems } from "../problems.ts";
import type { Booking } from "../schema.ts";

export type ConfirmFreeBookingOptions = {
  db: Db;
  tenantId: string;
  actor: Actor;
  residentId: string;
  bookingId: string;
  now?: Date;
  requestId?: string | null;
};

/** A lottery winner confirms a 仮予約 that costs nothing (a paid one is confirmed by its payment). */
export async function confirmFreeBooking(o: ConfirmFreeBookingOptions): Promise<Booking> {
  const now = o.now ?? new Date();
  return o.db.transaction(async (tx) => {
    const booking = await lockBooking(tx, o.tenantId, o.bookingId);
    if (booking.residentId !== o.residentId) {
      throw bookingProblems.notFound();
    }
    if (
      booking.status !== "provisional" ||
      booking.fee > 0 ||
      (booking.confirmBy && booking.confirmBy < now)
    ) {
      throw bookingProblems.notChangeable({
        ja: "この予約はここでは確定できません",
        en: "This booking cannot be confirmed here",
      });
    }
    return confirmBookingRow(tx, { booking, actor: o.actor, requestId: o.requestId });
  });
}
