import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { problems } from "../../../core/http/problem.ts";
import { changePaymentState, lockPayment } from "../payment-changes.ts";
import { decideTransition } from "../payment-state.ts";
import type { Payment } from "../schema.ts";

export type CancelPaymentOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  paymentId: string;
  requestId?: string | null;
};

/**
 * The city withdraws a payment request (the application was withdrawn, or the amount was wrong and a new
 * request follows): the resident can no longer pay it. Refused with 409 while the resident is at the
 * provider's page or after payment (refund instead). A late success from the provider is still applied.
 */
export async function cancelPayment(options: CancelPaymentOptions): Promise<Payment> {
  const payment = await lockPayment(options.tx, options.tenantId, options.paymentId);
  const decision = decideTransition(payment.state, "cancelled", "staff");
  if (!decision.ok) {
    throw problems.conflict(decision.refusal.reason);
  }
  return changePaymentState(options.tx, {
    payment,
    actor: options.actor,
    change: { to: "cancelled", source: "staff", providerPaymentId: payment.providerPaymentId },
    requestId: options.requestId ?? null,
  });
}
