import { and, eq, ne } from "drizzle-orm";
import { systemActor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import type { Services } from "../../../core/services.ts";
import { eventPayload, lockPayment } from "../payment-changes.ts";
import { ProviderRejectedError, ProviderUnavailableError } from "../providers/provider.ts";
import { loadPaymentProvider } from "../providers/registry.ts";
import { payments, refunds } from "../schema.ts";

export type SubmitRefundOptions = {
  services: Services;
  tenantId: string;
  refundId: string;
  /** The job's last try: a provider still unreachable now marks the refund as failed for staff to see. */
  lastAttempt: boolean;
};

/**
 * Asks the provider for a submitted refund (outside any transaction, with the refund's own idempotency
 * key, so a retry never refunds twice), then records the answer: success adds to the payment's refunded
 * amount and publishes payments.payment_refunded; a refusal marks the refund as an error. While the
 * provider cannot answer, or reports the refund still in progress, the job tries again later.
 */
export async function submitRefund({
  services,
  tenantId,
  refundId,
  lastAttempt,
}: SubmitRefundOptions): Promise<void> {
  const db = services.database.db;
  const [row] = await db
    .select({ refund: refunds, payment: payments })
    .from(refunds)
    .innerJoin(payments, eq(payments.id, refunds.paymentId))
    .where(and(eq(refunds.id, refundId), eq(refunds.tenantId, tenantId)));
  if (row?.refund.state !== "submitted") {
    return;
  }
  const { refund, payment } = row;
  const ownCharge = refund.providerPaymentId === payment.providerPaymentId;
  const earlier = await db
    .select({ amount: refunds.amount })
    .from(refunds)
    .where(
      and(
        eq(refunds.paymentId, payment.id),
        eq(refunds.providerPaymentId, refund.providerPaymentId),
        eq(refunds.state, "success"),
        ne(refunds.id, refund.id),
      ),
    );
  let answer: { providerRefundId: string; state: "submitted" | "success" | "error" };
  try {
    const provider = await loadPaymentProvider(db, tenantId, payment.provider);
    answer = await provider.refund({
      providerPaymentId: refund.providerPaymentId,
      amount: refund.amount,
      idempotencyKey: refund.idempotencyKey,
      chargedAmount: payment.amount,
      refundedBefore: earlier.reduce((sum, r) => sum + r.amount, 0),
    });
  } catch (error) {
    if (error instanceof ProviderRejectedError) {
      await db.transaction((tx) =>
        finish(tx, { tenantId, refundId, state: "error", message: error.message }),
      );
      return;
    }
    if (error instanceof ProviderUnavailableError && lastAttempt) {
      await db.transaction((tx) =>
        finish(tx, { tenantId, refundId, state: "error", message: `provider unavailable: ${error.message}` }),
      );
      return;
    }
    throw error;
  }
  if (answer.state === "submitted") {
    throw new Error(`refund ${refundId} is still being processed by the provider`);
  }
  await db.transaction((tx) =>
    finish(tx, {
      tenantId,
      refundId,
      state: answer.state as "success" | "error",
      providerRefundId: answer.providerRefundId,
      countsForPayment: ownCharge,
    }),
  );
}

async function finish(
  tx: Db,
  o: {
    tenantId: string;
    refundId: string;
    state: "success" | "error";
    providerRefundId?: string;
    message?: string;
    countsForPayment?: boolean;
  },
): Promise<void> {
  const [current] = await tx.select().from(refunds).where(eq(refunds.id, o.refundId)).for("update");
  if (current?.state !== "submitted") {
    return;
  }
  const payment = await lockPayment(tx, o.tenantId, current.paymentId);
  const [refund] = await tx
    .update(refunds)
    .set({
      state: o.state,
      providerRefundId: o.providerRefundId ?? null,
      errorMessage: o.message ?? null,
      updatedAt: new Date(),
    })
    .where(eq(refunds.id, o.refundId))
    .returning();
  if (o.state === "error") {
    await recordChange(tx, {
      tenantId: o.tenantId,
      actor: systemActor,
      action: "payments.refund.fail",
      resource: { type: "payments_payment", id: payment.id },
      after: { refundId: refund!.id, amount: refund!.amount, message: o.message ?? null },
    });
    return;
  }
  if (!o.countsForPayment) {
    await recordChange(tx, {
      tenantId: o.tenantId,
      actor: systemActor,
      action: "payments.refund.succeed",
      resource: { type: "payments_payment", id: payment.id },
      after: { refundId: refund!.id, amount: refund!.amount, providerPaymentId: refund!.providerPaymentId },
    });
    return;
  }
  const refundedTotal = payment.refundedAmount + refund!.amount;
  // The stored receipt no longer tells the whole story: the next download renders it again.
  await tx
    .update(payments)
    .set({ refundedAmount: refundedTotal, receiptFileId: null, updatedAt: new Date() })
    .where(eq(payments.id, payment.id));
  await recordChange(tx, {
    tenantId: o.tenantId,
    actor: systemActor,
    action: "payments.refund.succeed",
    resource: { type: "payments_payment", id: payment.id },
    before: { refundedAmount: payment.refundedAmount },
    after: { refundId: refund!.id, amount: refund!.amount, refundedAmount: refundedTotal },
    event: {
      name: "payments.payment_refunded",
      payload: {
        ...eventPayload(payment),
        refundId: refund!.id,
        amount: refund!.amount,
        refundedTotal,
        // A duplicate payment given back: the subject is still paid by another payment.
        automatic: refund!.duplicate,
      },
    },
  });
}
