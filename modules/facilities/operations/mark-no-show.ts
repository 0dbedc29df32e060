import { eq, sql } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { bookingEventPayload, lockBooking } from "../booking-changes.ts";
import { rulesOf } from "../data.ts";
import { bookingProblems } from "../problems.ts";
import { type Booking, bookings, penalties } from "../schema.ts";

export type MarkNoShowOptions = {
  db: Db;
  tenantId: string;
  actor: Actor;
  bookingId: string;
  now?: Date;
  requestId?: string | null;
};

/** Staff record that nobody came to a confirmed booking that has started: the rules' no-show points follow. */
export async function markNoShow(o: MarkNoShowOptions): Promise<Booking> {
  const now = o.now ?? new Date();
  return o.db.transaction(async (tx) => {
    const booking = await lockBooking(tx, o.tenantId, o.bookingId);
    if (booking.status !== "confirmed" || booking.source === "official_use" || booking.noShowAt) {
      throw bookingProblems.notChangeable({
        ja: "確定済みの予約にだけ無断欠席を記録できます（記録済みを除く）",
        en: "Only a confirmed booking not yet marked can be marked as a no-show",
      });
    }
    if (booking.startsAt > now) {
      throw bookingProblems.notChangeable({
        ja: "利用開始前の予約は無断欠席にできません",
        en: "A booking that has not started cannot be a no-show",
      });
    }
    const rules = await rulesOf(tx, o.tenantId);
    const [marked] = await tx
      .update(bookings)
      .set({ noShowAt: now, updatedAt: sql`now()` })
      .where(eq(bookings.id, booking.id))
      .returning();
    if (rules.penalties.noShowPoints > 0) {
      await tx.insert(penalties).values({
        tenantId: o.tenantId,
        residentId: booking.residentId,
        groupId: booking.groupId,
        bookingId: booking.id,
        kind: "no_show",
        points: rules.penalties.noShowPoints,
      });
    }
    await recordChange(tx, {
      tenantId: o.tenantId,
      actor: o.actor,
      action: "facilities.booking.no_show",
      resource: { type: "facilities_booking", id: booking.id },
      after: { noShowAt: now, points: rules.penalties.noShowPoints },
      event: { name: "facilities.booking_no_show_marked", payload: bookingEventPayload(marked!) },
      requestId: o.requestId ?? null,
    });
    return marked!;
  });
}
