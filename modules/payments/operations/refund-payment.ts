import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { ProblemError, problems } from "../../../core/http/problem.ts";
import { enqueueJob } from "../../../core/jobs/enqueue-job.ts";
import { submitRefundJob } from "../jobs.ts";
import { lockPayment } from "../payment-changes.ts";
import { refundableAmount } from "../refund-amounts.ts";
import { type Payment, type Refund, refunds } from "../schema.ts";

export type RefundPaymentOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  paymentId: string;
  /** Yen: all that is refundable, or part of it. */
  amount: number;
  /**
   * What the member saw as refundable when deciding (GOV.UK Pay's refund_amount_available): if someone
   * refunded meanwhile, the request is refused with 409 instead of refunding twice.
   */
  expectedRefundable: number;
  reason: string;
  requestId?: string | null;
};

/**
 * Records a full or partial refund of a successful payment as submitted, in the caller's transaction, and
 * queues the job that asks the provider. The amount is checked against the payment row, never trusted.
 */
export async function refundPayment(
  options: RefundPaymentOptions,
): Promise<{ payment: Payment; refund: Refund }> {
  const { tx, tenantId, amount } = options;
  const payment = await lockPayment(tx, tenantId, options.paymentId);
  if (payment.state !== "success") {
    throw problems.conflict({
      ja: "支払い済みの決済だけ返金できます",
      en: "Only a paid payment can be refunded",
    });
  }
  const existing = await tx.select().from(refunds).where(eq(refunds.paymentId, payment.id));
  const refundable = refundableAmount(payment, existing);
  if (options.expectedRefundable !== refundable) {
    throw new ProblemError(
      409,
      "refund-amount-changed",
      {
        ja: "返金できる金額が変わりました。画面を更新してから、もう一度操作してください",
        en: "The refundable amount has changed. Reload and try again",
      },
      { detail: `Refundable now: ${refundable} / 現在の返金可能額: ${refundable}円` },
    );
  }
  if (existing.some((r) => r.state === "submitted" && r.providerPaymentId === payment.providerPaymentId)) {
    throw problems.conflict({
      ja: "処理中の返金があります。完了してから操作してください",
      en: "A refund of this payment is still being processed",
    });
  }
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > refundable) {
    throw problems.invalidRequest([
      {
        pointer: "/amount",
        detail: `Must be a whole number from 1 to ${refundable}`,
        detailJa: `1円から${refundable}円までの整数で指定してください`,
      },
    ]);
  }
  const id = randomUUID();
  const [refund] = await tx
    .insert(refunds)
    .values({
      id,
      tenantId,
      paymentId: payment.id,
      providerPaymentId: payment.providerPaymentId!,
      amount,
      reason: options.reason,
      createdBy: options.actor.type === "staff" ? options.actor.id : null,
      idempotencyKey: `refund-${id}`,
    })
    .returning();
  await recordChange(tx, {
    tenantId,
    actor: options.actor,
    action: "payments.refund.create",
    resource: { type: "payments_payment", id: payment.id },
    before: { refundable },
    after: { refundId: id, amount, reason: options.reason },
    requestId: options.requestId ?? null,
  });
  await enqueueJob(tx, { job: submitRefundJob, payload: { refundId: id }, tenantId, singletonKey: id });
  return { payment, refund: refund! };
}
