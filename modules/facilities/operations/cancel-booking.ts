import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { ProblemError } from "../../../core/http/problem.ts";
import { cancelPayment, paymentsOfSubject, refundPayment } from "../../payments/index.ts";
import {
  BOOKING_SUBJECT,
  bookingEventPayload,
  cancelBookingRow,
  enqueueRevokeDigitalKey,
  lockBooking,
  returnsToLottery,
  revertToLotteryHold,
} from "../booking-changes.ts";
import { daysBefore, refundAmount } from "../calendar.ts";
import { rulesOf } from "../data.ts";
import { bookingProblems } from "../problems.ts";
import { type Booking, penalties } from "../schema.ts";

export type CancelBookingOptions = {
  db: Db;
  tenantId: string;
  actor: Actor;
  /** The owner: anyone else's booking is not found. */
  residentId: string;
  bookingId: string;
  /** The refund the resident was shown; if the table now gives another amount (midnight passed), 409. */
  expectedRefund: number | null;
  now?: Date;
  requestId?: string | null;
};

/**
 * The resident cancels their booking before it starts. A paid fee is refunded through the payments module
 * by the refund table (days before the use day); an unpaid request is withdrawn. Cancelling later than the
 * rules' lateCancelDaysBefore adds late-cancellation points. A lottery win cancelled before its round's
 * first-come time goes back to the lottery as a hold: it must not open first-come ahead of everyone else.
 */
export async function cancelBooking(o: CancelBookingOptions): Promise<{ booking: Booking; refund: number }> {
  const now = o.now ?? new Date();
  return o.db.transaction(async (tx) => {
    const booking = await lockBooking(tx, o.tenantId, o.bookingId);
    if (booking.residentId !== o.residentId) {
      throw bookingProblems.notFound();
    }
    if (!["provisional", "confirmed"].includes(booking.status) || booking.startsAt <= now) {
      throw bookingProblems.notChangeable({
        ja: "この予約は取り消せません（開始後、または取消・期限切れ済み）",
        en: "This booking can no longer be cancelled (it has started, or is already cancelled or expired)",
      });
    }
    const rules = await rulesOf(tx, o.tenantId);
    const subject = { module: "facilities", type: BOOKING_SUBJECT, id: booking.id };
    const requested = await paymentsOfSubject({ db: tx, tenantId: o.tenantId, subject });
    const paid = requested.find((p) => p.state === "success");
    const refund = paid ? refundAmount(rules, paid.amount, booking.startsAt, now) : 0;
    if (o.expectedRefund !== null && o.expectedRefund !== refund) {
      throw new ProblemError(409, "refund-changed", {
        ja: "返金額が変わりました。内容を確認してから、もう一度取り消してください",
        en: "The refund has changed. Check it and cancel again",
      });
    }
    if (requested.some((p) => p.state === "started" || p.state === "submitted")) {
      throw bookingProblems.notChangeable({
        ja: "お支払いの手続き中です。手続きが終わってから取り消してください",
        en: "A payment for this booking is in progress. Cancel once it has finished",
      });
    }
    // Every request not paid is withdrawn, failed attempts too: the resident could restart those.
    for (const payment of requested.filter((p) => p.state !== "success" && p.state !== "cancelled")) {
      await cancelPayment({ tx, tenantId: o.tenantId, actor: o.actor, paymentId: payment.id });
    }
    if (paid && refund > 0) {
      await refundPayment({
        tx,
        tenantId: o.tenantId,
        actor: o.actor,
        paymentId: paid.id,
        amount: refund,
        expectedRefundable: paid.amount - paid.refundedAmount,
        reason: "facilities booking cancelled by the resident / 利用者による予約の取消",
        requestId: o.requestId ?? null,
      });
    }
    const { lateCancelDaysBefore, lateCancelPoints } = rules.penalties;
    if (
      booking.status === "confirmed" &&
      lateCancelPoints > 0 &&
      daysBefore(booking.startsAt, now) < lateCancelDaysBefore
    ) {
      await tx.insert(penalties).values({
        tenantId: o.tenantId,
        residentId: booking.residentId,
        groupId: booking.groupId,
        bookingId: booking.id,
        kind: "late_cancel",
        points: lateCancelPoints,
      });
    }
    if (returnsToLottery(booking, now)) {
      const held = await revertToLotteryHold(tx, booking, { refundAmount: paid ? refund : null });
      await recordChange(tx, {
        tenantId: o.tenantId,
        actor: o.actor,
        action: "facilities.booking.cancel",
        resource: { type: "facilities_booking", id: booking.id },
        before: { status: booking.status, residentId: booking.residentId },
        after: { status: "held", reason: "resident", refundAmount: paid ? refund : null },
        event: {
          name: "facilities.booking_cancelled",
          // The resident who gave it up, though the hold itself goes back to the lottery.
          payload: {
            ...bookingEventPayload(held),
            residentId: booking.residentId,
            groupId: booking.groupId,
            cancelReason: "resident",
          },
        },
        requestId: o.requestId ?? null,
      });
      if (booking.status === "confirmed") {
        await enqueueRevokeDigitalKey(tx, booking);
      }
      return { booking: held, refund };
    }
    const cancelled = await cancelBookingRow(tx, {
      booking,
      actor: o.actor,
      reason: "resident",
      refundAmount: paid ? refund : null,
      requestId: o.requestId,
    });
    return { booking: cancelled, refund };
  });
}
