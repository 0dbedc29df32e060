import { and, eq, gt, inArray, lt } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { problems } from "../../../core/http/problem.ts";
import {
  bookingEventPayload,
  cancelWithFullRefund,
  newBookingReference,
  returnsToLottery,
} from "../booking-changes.ts";
import { unitWithFacility } from "../data.ts";
import { formatSlot } from "../present.ts";
import { bookingProblems, sqlState } from "../problems.ts";
import { type Booking, bookings, liveBookingStatuses } from "../schema.ts";

export type BookOfficialUseOptions = {
  db: Db;
  tenantId: string;
  actor: Actor;
  unitId: string;
  startsAt: Date;
  endsAt: Date;
  purpose: string;
  requestId?: string | null;
};

/**
 * 行政使用: the city takes a unit for a time, overriding bookings. In one transaction every overlapping live
 * booking is cancelled with its paid fee refunded in full (the residents are told by a subscriber), and the
 * official booking is inserted.
 */
export async function bookOfficialUse(
  o: BookOfficialUseOptions,
): Promise<{ booking: Booking; cancelled: Booking[] }> {
  if (!(o.endsAt > o.startsAt)) {
    throw problems.invalidRequest([
      {
        pointer: "/endsAt",
        detail: "Must be after the start",
        detailJa: "開始より後の時刻を指定してください",
      },
    ]);
  }
  try {
    return await o.db.transaction(async (tx) => {
      await unitWithFacility(tx, o.tenantId, o.unitId);
      const overlapping = await tx
        .select()
        .from(bookings)
        .where(
          and(
            eq(bookings.tenantId, o.tenantId),
            eq(bookings.unitId, o.unitId),
            inArray(bookings.status, [...liveBookingStatuses]),
            lt(bookings.startsAt, o.endsAt),
            gt(bookings.endsAt, o.startsAt),
          ),
        )
        .for("update");
      if (overlapping.some((b) => b.source === "official_use")) {
        // Another department's official use is not overridden silently: they settle it between them.
        throw bookingProblems.notChangeable({
          ja: "この時間帯はすでに行政使用で押さえられています",
          en: "This time is already booked for official use",
        });
      }
      const now = new Date();
      const lotteryHold = overlapping.find((b) => b.status === "held" && returnsToLottery(b, now));
      if (lotteryHold) {
        // Cancelling the hold would leave the round's draw unable to award the slot; the round's staff
        // take the slot out of the lottery first, or official use waits for the first-come release.
        const slot = (lang: "ja" | "en") => formatSlot(lotteryHold.startsAt, lotteryHold.endsAt, lang);
        throw bookingProblems.notChangeable({
          ja: `この時間帯（${slot("ja")}）は抽選の対象枠です（抽選回 ${lotteryHold.lotteryRoundId}）。抽選の残り枠が先着順に開放されるまで行政使用にできません`,
          en: `This time (${slot("en")}) is held for a lottery (round ${lotteryHold.lotteryRoundId}). Official use must wait until the lottery releases its leftovers first-come`,
        });
      }
      const cancelled = await cancelWithFullRefund(tx, {
        tenantId: o.tenantId,
        actor: o.actor,
        bookings: overlapping,
        reason: "official_use",
        refundNote: "official use (行政使用)",
        requestId: o.requestId,
      });
      const [official] = await tx
        .insert(bookings)
        .values({
          tenantId: o.tenantId,
          unitId: o.unitId,
          reference: newBookingReference(),
          startsAt: o.startsAt,
          endsAt: o.endsAt,
          status: "confirmed",
          source: "official_use",
          purpose: o.purpose,
          confirmedAt: new Date(),
        })
        .returning();
      await recordChange(tx, {
        tenantId: o.tenantId,
        actor: o.actor,
        action: "facilities.booking.official_use",
        resource: { type: "facilities_booking", id: official!.id },
        after: {
          unitId: o.unitId,
          startsAt: o.startsAt,
          endsAt: o.endsAt,
          purpose: o.purpose,
          overridden: cancelled.map((b) => b.id),
        },
        event: { name: "facilities.booking_confirmed", payload: bookingEventPayload(official!) },
        requestId: o.requestId ?? null,
      });
      return { booking: official!, cancelled };
    });
  } catch (error) {
    if (sqlState(error) === "23P01") {
      // A booking slipped in between the lock and the insert: the member tries again.
      throw bookingProblems.slotTaken();
    }
    throw error;
  }
}
