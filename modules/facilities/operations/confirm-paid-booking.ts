import { systemActor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { paymentsOfSubject, refundPayment } from "../../payments/index.ts";
import { BOOKING_SUBJECT, confirmBookingRow, lockBooking } from "../booking-changes.ts";

export type ConfirmPaidBookingOptions = { db: Db; tenantId: string; bookingId: string; paymentId: string };

/**
 * A booking's fee was paid: the 仮予約 becomes confirmed. Money that arrives for a booking that expired or
 * was cancelled meanwhile (a late success at the provider) is refunded in full, since the slot is gone —
 * unless the cancellation already saw the payment and refunded by the table.
 */
export async function confirmPaidBooking(
  o: ConfirmPaidBookingOptions,
): Promise<"confirmed" | "refunded" | "unchanged"> {
  return o.db.transaction(async (tx) => {
    const booking = await lockBooking(tx, o.tenantId, o.bookingId);
    if (booking.status === "provisional") {
      await confirmBookingRow(tx, { booking, actor: systemActor });
      return "confirmed";
    }
    if (booking.status === "confirmed" || booking.refundAmount !== null) {
      // A cancellation that found the payment made settled it by the refund table; refunding the rest here
      // would bypass the table (and a redelivered report would refund twice).
      return "unchanged";
    }
    const subject = { module: "facilities", type: BOOKING_SUBJECT, id: booking.id };
    const paid = (await paymentsOfSubject({ db: tx, tenantId: o.tenantId, subject })).find(
      (p) => p.id === o.paymentId && p.state === "success",
    );
    const refundable = paid ? paid.amount - paid.refundedAmount : 0;
    if (!paid || refundable <= 0) {
      return "unchanged";
    }
    await refundPayment({
      tx,
      tenantId: o.tenantId,
      actor: systemActor,
      paymentId: paid.id,
      amount: refundable,
      expectedRefundable: refundable,
      reason: "paid after the booking ended (期限切れ・取消後の入金)",
    });
    return "refunded";
  });
}
