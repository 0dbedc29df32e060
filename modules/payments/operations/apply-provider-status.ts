import { and, eq } from "drizzle-orm";
import { systemActor } from "../../../core/audit/actor.ts";
import { recordAudit } from "../../../core/audit/record-audit.ts";
import type { Db } from "../../../core/db/database.ts";
import { changePaymentState, lockPayment, refundDuplicateCharge } from "../payment-changes.ts";
import { decideTransition, type Refusal } from "../payment-state.ts";
import type { ProviderStatus } from "../providers/provider.ts";
import { attempts, type Payment } from "../schema.ts";

export type ApplyProviderStatusOptions = {
  tx: Db;
  tenantId: string;
  paymentId: string;
  /** The provider payment the status is about: the current attempt, or an earlier one. */
  providerPaymentId: string;
  status: ProviderStatus;
  source: "return" | "webhook" | "poll" | "reconcile";
  providerEventId?: string | null;
  requestId?: string | null;
};

export type ApplyProviderStatusResult = {
  /**
   * applied: the state changed. duplicate_charge: money was taken twice for one payment and the second
   * charge is being refunded. unchanged: already so. stale: an out-of-date or superseded report.
   */
  outcome: "applied" | "duplicate_charge" | "unchanged" | "stale";
  payment: Payment;
  refusal?: Refusal;
};

/**
 * The one place a provider's word changes a payment, whether it came through the resident's return, a
 * webhook, a poll or reconciliation. It locks the payment, so reports racing each other apply one after
 * the other, and lets decideTransition judge each: duplicates and out-of-order reports change nothing,
 * nothing leaves success, a late success is applied. A report about an earlier attempt only counts when
 * it says the money was taken; if the payment was already paid by another attempt, that charge is
 * refunded.
 */
export async function applyProviderStatus(
  options: ApplyProviderStatusOptions,
): Promise<ApplyProviderStatusResult> {
  const { tx, tenantId, providerPaymentId, status, source } = options;
  const payment = await lockPayment(tx, tenantId, options.paymentId);
  const current = providerPaymentId === payment.providerPaymentId;
  if (!current) {
    const [attempt] = await tx
      .select({ id: attempts.id })
      .from(attempts)
      .where(and(eq(attempts.paymentId, payment.id), eq(attempts.providerPaymentId, providerPaymentId)));
    if (!attempt) {
      throw new Error(`${providerPaymentId} is no attempt of payment ${payment.id}`);
    }
    if (status.state !== "success") {
      return { outcome: "stale", payment };
    }
    if (payment.state === "success") {
      await recordAudit(tx, {
        tenantId,
        actor: systemActor,
        action: "payments.payment.duplicate_charge",
        resource: { type: "payments_payment", id: payment.id },
        after: { providerPaymentId, keptProviderPaymentId: payment.providerPaymentId, source },
        requestId: options.requestId ?? null,
      });
      await refundDuplicateCharge(tx, {
        payment,
        providerPaymentId,
        reason: `A second attempt (${providerPaymentId}) of a paid payment also succeeded`,
        requestId: options.requestId ?? null,
      });
      return { outcome: "duplicate_charge", payment };
    }
  }
  const decision = decideTransition(payment.state, status.state, source);
  if (!decision.ok) {
    return {
      outcome: decision.refusal.kind === "unchanged" ? "unchanged" : "stale",
      payment,
      refusal: decision.refusal,
    };
  }
  const changed = await changePaymentState(tx, {
    payment,
    actor: systemActor,
    change: {
      to: status.state,
      source,
      providerPaymentId,
      providerEventId: options.providerEventId ?? null,
      failure: status.failure,
    },
    requestId: options.requestId ?? null,
  });
  return { outcome: "applied", payment: changed };
}
