import { and, eq, sql } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import { tokyoDate } from "../../../core/calendar/business-days.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { residents } from "../../../core/identity/schema.ts";
import { requestPayment } from "../../payments/index.ts";
import { BOOKING_SUBJECT, bookingEventPayload, bookingPath, lockBooking } from "../booking-changes.ts";
import { computeFee, findBlock } from "../calendar.ts";
import { rulesOf, unitWithFacility } from "../data.ts";
import { bookingProblems } from "../problems.ts";
import { bookings, facilityGroups } from "../schema.ts";
import { userCategoryOfResident } from "./user-category-of-resident.ts";

/**
 * Gives a held slot to a lottery winner: the hold becomes the resident's 仮予約 with the fee of their user
 * category (the group's when booking as a group), payable (or, when free, to be confirmed) on the booking's
 * page by `confirmBy`. Unpaid by then, the expiry job turns it back into a lottery hold.
 */
export async function awardLotteryHold(
  tx: Db,
  o: {
    tenantId: string;
    actor: Actor;
    bookingId: string;
    residentId: string;
    groupId: string | null;
    confirmBy: Date;
  },
): Promise<{ bookingId: string; path: string }> {
  const hold = await lockBooking(tx, o.tenantId, o.bookingId);
  if (hold.status !== "held" || hold.source !== "lottery") {
    throw bookingProblems.notChangeable({
      ja: "抽選の確保枠ではないため当選者に割り当てられません",
      en: "Only an unawarded lottery hold can be awarded",
    });
  }
  let userCategory: string;
  if (o.groupId) {
    const [group] = await tx
      .select({ userCategory: facilityGroups.userCategory })
      .from(facilityGroups)
      .where(and(eq(facilityGroups.id, o.groupId), eq(facilityGroups.tenantId, o.tenantId)));
    if (!group) {
      throw bookingProblems.groupNotUsable();
    }
    userCategory = group.userCategory;
  } else {
    userCategory = await userCategoryOfResident(tx, o);
  }
  const { unit } = await unitWithFacility(tx, o.tenantId, hold.unitId);
  const block = findBlock(unit.schedule, hold.startsAt, hold.endsAt);
  if (!block) {
    throw bookingProblems.notABlock();
  }
  const rules = await rulesOf(tx, o.tenantId);
  const fee = computeFee(rules, {
    baseFee: block.baseFee,
    userCategory,
    date: tokyoDate(hold.startsAt),
    admissionCharged: false,
  });
  const [awarded] = await tx
    .update(bookings)
    .set({
      status: "provisional",
      residentId: o.residentId,
      groupId: o.groupId,
      userCategory,
      fee,
      confirmBy: o.confirmBy,
      refundAmount: null,
      updatedAt: sql`now()`,
    })
    .where(eq(bookings.id, hold.id))
    .returning();
  await recordChange(tx, {
    tenantId: o.tenantId,
    actor: o.actor,
    action: "facilities.booking.award",
    resource: { type: "facilities_booking", id: hold.id },
    before: { status: "held" },
    after: {
      status: "provisional",
      residentId: o.residentId,
      groupId: o.groupId,
      fee,
      confirmBy: o.confirmBy,
    },
    event: { name: "facilities.booking_created", payload: bookingEventPayload(awarded!) },
  });
  if (fee > 0) {
    const [winner] = await tx
      .select({ language: residents.preferredLanguage })
      .from(residents)
      .where(and(eq(residents.id, o.residentId), eq(residents.tenantId, o.tenantId)));
    await requestPayment({
      tx,
      tenantId: o.tenantId,
      actor: o.actor,
      subject: { module: "facilities", type: BOOKING_SUBJECT, id: hold.id },
      caseId: null,
      residentId: o.residentId,
      guestEmail: null,
      amount: fee,
      description: { ja: `施設使用料（${block.label.ja}）`, en: `Facility fee (${block.label.en})` },
      reference: hold.reference,
      returnPath: bookingPath(hold.id),
      locale: winner?.language ?? "ja",
    });
  }
  return { bookingId: hold.id, path: bookingPath(hold.id) };
}
