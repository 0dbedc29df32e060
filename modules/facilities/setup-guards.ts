import { and, eq, gt, inArray } from "drizzle-orm";
import type { z } from "zod";
import type { Actor } from "../../core/audit/actor.ts";
import { tokyoDate } from "../../core/calendar/business-days.ts";
import type { Db } from "../../core/db/database.ts";
import { ProblemError, problems } from "../../core/http/problem.ts";
import { fieldErrors } from "../../core/http/validation.ts";
import { cancelWithFullRefund, returnsToLottery } from "./booking-changes.ts";
import { type ClosureCalendar, closedReason, findBlock } from "./calendar.ts";
import { formatSlot } from "./present.ts";
import type { UnitSchedule } from "./rules.ts";
import { type Booking, bookings, facilities, liveBookingStatuses } from "./schema.ts";

/** Checks the setup operations share: valid input, the facility in the city, bookings a change falls on. */

/** The input parsed by the module's schema, or a 400 listing every bad field in Japanese and English. */
export function parseSettings<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw problems.invalidRequest(fieldErrors(parsed.error.issues));
  }
  return parsed.data;
}

/** The facility, locked so that two changes to its calendar or units cannot interleave. */
export async function lockFacility(tx: Db, tenantId: string, facilityId: string) {
  const [facility] = await tx
    .select()
    .from(facilities)
    .where(and(eq(facilities.id, facilityId), eq(facilities.tenantId, tenantId)))
    .for("update");
  if (!facility) {
    throw problems.notFound();
  }
  return facility;
}

export type AffectedBooking = Pick<Booking, "id" | "reference" | "unitId" | "startsAt" | "endsAt">;

/** A change refused because it falls on live bookings; the page lists them and offers to cancel them. */
export class AffectedBookingsProblem extends ProblemError {
  readonly affected: AffectedBooking[];
  constructor(affected: AffectedBooking[]) {
    const list = (lang: "ja" | "en") =>
      affected.map((b) => `${b.reference} ${formatSlot(b.startsAt, b.endsAt, lang)}`).join(", ");
    super(
      409,
      "bookings_affected",
      {
        ja: `この変更は ${affected.length} 件の予約に重なります。取り消して全額返金・通知するか、変更を見直してください`,
        en: `This change falls on ${affected.length} booking(s). Cancel them with a full refund and notice, or change it`,
      },
      { detail: `${list("en")} / ${list("ja")}` },
    );
    this.affected = affected;
  }
}

/** A facility's calendar and each unit's schedule, before or after a change. */
export type FacilitySetup = {
  calendar: ClosureCalendar;
  scheduleOf: (unitId: string) => UnitSchedule;
};

/**
 * The live bookings of the units not yet over that fitted the setup before the change and do not after it
 * (on a closed day, or off the unit's time blocks); bookings that already did not fit are not this change's
 * doing. Without `cancelAffected` they refuse the change (409 with their list); with it they are cancelled
 * by the same path as 行政使用: full refund, notice to the resident.
 */
export async function settleBookingsOffTheNewSetup(
  tx: Db,
  o: {
    tenantId: string;
    actor: Actor;
    unitIds: readonly string[];
    before: FacilitySetup;
    after: FacilitySetup;
    cancelAffected: boolean;
    requestId?: string | null;
  },
): Promise<Booking[]> {
  if (o.unitIds.length === 0) {
    return [];
  }
  const now = new Date();
  const live = await tx
    .select()
    .from(bookings)
    .where(
      and(
        eq(bookings.tenantId, o.tenantId),
        inArray(bookings.unitId, [...o.unitIds]),
        inArray(bookings.status, [...liveBookingStatuses]),
        gt(bookings.endsAt, now),
      ),
    )
    .orderBy(bookings.startsAt)
    .for("update");
  const fits = (setup: FacilitySetup, b: Booking) =>
    closedReason(setup.calendar, tokyoDate(b.startsAt)) === null &&
    findBlock(setup.scheduleOf(b.unitId), b.startsAt, b.endsAt) !== null;
  const affected = live.filter((b) => fits(o.before, b) && !fits(o.after, b));
  if (affected.length === 0) {
    return [];
  }
  if (!o.cancelAffected) {
    throw new AffectedBookingsProblem(affected);
  }
  const lotteryHold = affected.find((b) => b.status === "held" && returnsToLottery(b, now));
  if (lotteryHold) {
    // As for 行政使用: the round's draw must still be able to award its slots until it releases them.
    throw new ProblemError(409, "lottery_hold_affected", {
      ja: `${formatSlot(lotteryHold.startsAt, lotteryHold.endsAt, "ja")} は抽選の対象枠です（抽選回 ${lotteryHold.lotteryRoundId}）。抽選から外してから変更してください`,
      en: `${formatSlot(lotteryHold.startsAt, lotteryHold.endsAt, "en")} is held for a lottery (round ${lotteryHold.lotteryRoundId}). Take it out of the lottery first`,
    });
  }
  return cancelWithFullRefund(tx, {
    tenantId: o.tenantId,
    actor: o.actor,
    bookings: affected,
    reason: "facility_change",
    refundNote: "facility closure or schedule change (休館・時間帯の変更)",
    requestId: o.requestId,
  });
}
