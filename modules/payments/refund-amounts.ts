import type { Payment, Refund } from "./schema.ts";

/** Refunds that count against the payment's own charge (not a duplicate charge given back). */
function ofOwnCharge(payment: Payment, refunds: readonly Refund[]): Refund[] {
  return refunds.filter(
    (r) => r.paymentId === payment.id && r.providerPaymentId === payment.providerPaymentId,
  );
}

/**
 * What can still be refunded, like GOV.UK Pay's refund_amount_available: the amount paid less every
 * refund of it not known to have failed (submitted ones included, so two staff cannot both refund it).
 */
export function refundableAmount(payment: Payment, refunds: readonly Refund[]): number {
  if (payment.state !== "success") {
    return 0;
  }
  const committed = ofOwnCharge(payment, refunds)
    .filter((r) => r.state !== "error")
    .reduce((sum, r) => sum + r.amount, 0);
  return Math.max(0, payment.amount - committed);
}

/**
 * Money a subject's payments brought in. Only successful payments count: a failed or abandoned attempt
 * is never money received, however many there were.
 */
export function totalsOf(paymentsOfSubject: readonly Payment[]): {
  paid: number;
  refunded: number;
  net: number;
} {
  const successful = paymentsOfSubject.filter((p) => p.state === "success");
  const paid = successful.reduce((sum, p) => sum + p.amount, 0);
  const refunded = successful.reduce((sum, p) => sum + p.refundedAmount, 0);
  return { paid, refunded, net: paid - refunded };
}
