import { and, eq, inArray, sql } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import { tokyoDate } from "../../../core/calendar/business-days.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { ProblemError } from "../../../core/http/problem.ts";
import { paymentsOfSubject, requestPayment } from "../../payments/index.ts";
import {
  BOOKING_SUBJECT,
  bookingEventPayload,
  bookingPath,
  confirmBookingRow,
  newBookingReference,
} from "../booking-changes.ts";
import { closedReason, computeFee, findBlock, withinWindow } from "../calendar.ts";
import { bookingContextOf, closureCalendarOf } from "../data.ts";
import { bookingProblems, sqlState } from "../problems.ts";
import type { FacilityRules } from "../rules.ts";
import { type Booking, bookings, facilityGroups, liveBookingStatuses } from "../schema.ts";
import { readPenaltyStatus } from "./read-penalty-status.ts";
import { userCategoryOfResident } from "./user-category-of-resident.ts";

export type CreateBookingOptions = {
  db: Db;
  tenantId: string;
  actor: Actor;
  residentId: string;
  unitId: string;
  startsAt: Date;
  endsAt: Date;
  /** Book as this group (団体); the resident must be its representative and it must be approved. */
  groupId: string | null;
  admissionCharged: boolean;
  purpose: string;
  /** The client's key for this attempt: a repeat returns the first booking, never a second one. */
  idempotencyKey: string;
  /** The fee the resident was shown, if any: another fee from the tables refuses the booking (409). */
  expectedFee?: number | null;
  locale: "ja" | "en";
  now?: Date;
  requestId?: string | null;
};

export type CreatedBooking = { booking: Booking; payPath: string | null; repeated: boolean };

export type BookingQuote = {
  userCategory: string;
  fee: number;
  blockLabel: { ja: string; en: string };
};

async function findByKey(db: Db, o: CreateBookingOptions): Promise<Booking | undefined> {
  const [found] = await db
    .select()
    .from(bookings)
    .where(
      and(
        eq(bookings.tenantId, o.tenantId),
        eq(bookings.residentId, o.residentId),
        eq(bookings.idempotencyKey, o.idempotencyKey),
      ),
    );
  return found;
}

async function slotIsTaken(db: Db, o: CreateBookingOptions): Promise<boolean> {
  const [live] = await db
    .select({ id: bookings.id })
    .from(bookings)
    .where(
      and(
        eq(bookings.tenantId, o.tenantId),
        eq(bookings.unitId, o.unitId),
        inArray(bookings.status, [...liveBookingStatuses]),
        // "during" is the generated range the no-overlap constraint (and its index) is built on.
        sql`during && tstzrange(${o.startsAt.toISOString()}::timestamptz, ${o.endsAt.toISOString()}::timestamptz, '[)')`,
      ),
    )
    .limit(1);
  return live !== undefined;
}

async function repeatOf(db: Db, booking: Booking): Promise<CreatedBooking> {
  const [latest] = (
    await paymentsOfSubject({
      db,
      tenantId: booking.tenantId,
      subject: { module: "facilities", type: BOOKING_SUBJECT, id: booking.id },
    })
  ).slice(-1);
  const payPath = booking.status === "provisional" && latest ? `/payments/${latest.id}` : null;
  return { booking, payPath, repeated: true };
}

/**
 * Checks a resident's request against the unit's blocks, the closures, the booking window and penalties,
 * and computes the fee from the tables. Shared by the confirmation page (quote) and the booking itself.
 */
export async function quoteBooking(db: Db, o: QuoteOptions): Promise<BookingQuote> {
  return (await quoteWithRules(db, o)).quote;
}

type QuoteOptions = Pick<
  CreateBookingOptions,
  "tenantId" | "residentId" | "unitId" | "startsAt" | "endsAt" | "groupId" | "admissionCharged" | "now"
>;

async function quoteWithRules(
  db: Db,
  o: QuoteOptions,
): Promise<{ quote: BookingQuote; rules: FacilityRules }> {
  const now = o.now ?? new Date();
  const { unit, facility, rules, cityYearEndClosure } = await bookingContextOf(db, o.tenantId, o.unitId);
  const block = findBlock(unit.schedule, o.startsAt, o.endsAt);
  if (!block) {
    throw bookingProblems.notABlock();
  }
  const date = tokyoDate(o.startsAt);
  const closures = await closureCalendarOf(db, facility, { from: date, to: date }, { cityYearEndClosure });
  if (closedReason(closures, date)) {
    throw bookingProblems.closed();
  }
  let userCategory: string;
  if (o.groupId) {
    const [group] = await db
      .select()
      .from(facilityGroups)
      .where(and(eq(facilityGroups.id, o.groupId), eq(facilityGroups.tenantId, o.tenantId)));
    if (group?.status !== "approved" || group.representativeResidentId !== o.residentId) {
      throw bookingProblems.groupNotUsable();
    }
    userCategory = group.userCategory;
  } else {
    userCategory = await userCategoryOfResident(db, o);
  }
  const window = withinWindow(rules, userCategory, o.startsAt, now);
  if (window === "past") {
    throw bookingProblems.past();
  }
  if (window === "too_early") {
    const days = rules.userCategories.find((c) => c.code === userCategory)?.bookingWindowDays ?? 0;
    throw bookingProblems.outsideWindow(days);
  }
  const penalty = await readPenaltyStatus({
    db,
    tenantId: o.tenantId,
    residentId: o.residentId,
    groupId: o.groupId,
    now,
    rules: rules.penalties,
  });
  if (penalty.suspendedUntil) {
    throw bookingProblems.suspended(penalty.suspendedUntil);
  }
  const fee = computeFee(rules, {
    baseFee: block.baseFee,
    userCategory,
    date,
    admissionCharged: o.admissionCharged,
  });
  return { quote: { userCategory, fee, blockLabel: block.label }, rules };
}

/**
 * A resident books a unit's time block first-come. With a fee it is a 仮予約 (provisional) held until the
 * payment deadline and a payment is requested; without one it is confirmed at once. The exclusion
 * constraint decides races: the loser gets 409 slot_taken, and nothing of its attempt is written.
 */
export async function createBooking(o: CreateBookingOptions): Promise<CreatedBooking> {
  const { db, tenantId } = o;
  const earlier = await findByKey(db, o);
  if (earlier) {
    return repeatOf(db, earlier);
  }
  // Most attempts in a rush are for a slot already gone: one read on the no-overlap index answers them
  // without the write transaction. The exclusion constraint still decides the races this read cannot see.
  if (await slotIsTaken(db, o)) {
    throw bookingProblems.slotTaken();
  }
  try {
    return await db.transaction(async (tx) => {
      const { quote, rules } = await quoteWithRules(tx, o);
      if (o.expectedFee != null && o.expectedFee !== quote.fee) {
        throw new ProblemError(409, "fee_changed", {
          ja: "表示した使用料と計算した使用料が一致しません。金額を確認して、もう一度お申し込みください",
          en: "The fee shown does not match the fee table. Check the fee and book again",
        });
      }
      const now = o.now ?? new Date();
      const provisional = quote.fee > 0;
      const [created] = await tx
        .insert(bookings)
        .values({
          tenantId,
          unitId: o.unitId,
          reference: newBookingReference(),
          residentId: o.residentId,
          groupId: o.groupId,
          startsAt: o.startsAt,
          endsAt: o.endsAt,
          // A free booking is confirmed just below, so its confirmation is recorded like a paid one's.
          status: "provisional",
          source: "resident",
          userCategory: quote.userCategory,
          admissionCharged: o.admissionCharged,
          fee: quote.fee,
          purpose: o.purpose,
          idempotencyKey: o.idempotencyKey,
          confirmBy: provisional ? new Date(now.getTime() + rules.paymentDeadlineMinutes * 60_000) : null,
        })
        .returning();
      const booking = created!;
      await recordChange(tx, {
        tenantId,
        actor: o.actor,
        action: "facilities.booking.create",
        resource: { type: "facilities_booking", id: booking.id },
        after: {
          unitId: booking.unitId,
          startsAt: booking.startsAt,
          fee: booking.fee,
          status: booking.status,
        },
        event: { name: "facilities.booking_created", payload: bookingEventPayload(booking) },
        requestId: o.requestId ?? null,
      });
      if (!provisional) {
        const confirmed = await confirmBookingRow(tx, { booking, actor: o.actor, requestId: o.requestId });
        return { booking: confirmed, payPath: null, repeated: false };
      }
      const { payPath } = await requestPayment({
        tx,
        tenantId,
        actor: o.actor,
        subject: { module: "facilities", type: BOOKING_SUBJECT, id: booking.id },
        caseId: null,
        residentId: o.residentId,
        guestEmail: null,
        amount: booking.fee,
        description: {
          ja: `施設使用料（${quote.blockLabel.ja}）`,
          en: `Facility fee (${quote.blockLabel.en})`,
        },
        reference: booking.reference,
        returnPath: bookingPath(booking.id),
        locale: o.locale,
        requestId: o.requestId ?? null,
      });
      return { booking, payPath, repeated: false };
    });
  } catch (error) {
    const state = sqlState(error);
    if (state === "23P01" || state === "23505") {
      // A repeat of this key racing itself loses on the slot or on the key: the attempt that committed
      // first is the answer. Otherwise someone else has the slot.
      const winner = await findByKey(db, o);
      if (winner) {
        return repeatOf(db, winner);
      }
      if (state === "23P01") {
        throw bookingProblems.slotTaken();
      }
    }
    throw error;
  }
}
