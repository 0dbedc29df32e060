import { randomUUID } from "node:crypto";
import { and, eq, ne } from "drizzle-orm";
import type { Actor } from "../../core/audit/actor.ts";
import { recordAudit } from "../../core/audit/record-audit.ts";
import type { Db } from "../../core/db/database.ts";
import { recordChange } from "../../core/events/record-change.ts";
import { problems } from "../../core/http/problem.ts";
import { enqueueJob } from "../../core/jobs/enqueue-job.ts";
import { renderPaymentReceiptJob, submitRefundJob } from "./jobs.ts";
import { isFinished, type PaymentState, type TransitionSource } from "./payment-state.ts";
import { type Payment, payments, refunds, transitions } from "./schema.ts";

/** The payment row, locked for the rest of the transaction; 404 when it is not this city's. */
export async function lockPayment(tx: Db, tenantId: string, paymentId: string): Promise<Payment> {
  const [payment] = await tx
    .select()
    .from(payments)
    .where(and(eq(payments.id, paymentId), eq(payments.tenantId, tenantId)))
    .for("update");
  if (!payment) {
    throw problems.notFound();
  }
  return payment;
}

/** What the contract's events carry about the payment. */
export function eventPayload(payment: Payment): Record<string, unknown> {
  return {
    paymentId: payment.id,
    subjectModule: payment.subjectModule,
    subjectType: payment.subjectType,
    subjectId: payment.subjectId,
    caseId: payment.caseId,
    amount: payment.amount,
  };
}

export type StateChange = {
  to: PaymentState;
  source: TransitionSource;
  /** The provider payment the news is about (the current attempt's unless a late success of another). */
  providerPaymentId?: string | null;
  providerEventId?: string | null;
  failure?: { code: string; message: string } | undefined;
  /** Columns the change sets besides the state (a new attempt's provider payment and next URL...). */
  columns?: Partial<Pick<Payment, "attempt" | "nextUrl" | "idempotencyKey" | "requestHash" | "expiresAt">>;
};

/**
 * Moves a locked payment to a new state, already decided allowed by decideTransition: the row, the
 * transition log, the audit record and the contract's event (payment_succeeded, payment_failed) in the
 * caller's transaction. Success also queues the receipt and, when the subject was already paid by another
 * payment, the automatic refund of this one.
 */
export async function changePaymentState(
  tx: Db,
  options: { payment: Payment; actor: Actor; change: StateChange; requestId?: string | null },
): Promise<Payment> {
  const { payment, change, actor } = options;
  const now = new Date();
  const [updated] = await tx
    .update(payments)
    .set({
      state: change.to,
      finished: isFinished(change.to),
      failureCode: change.failure?.code ?? null,
      failureMessage: change.failure?.message ?? null,
      ...(change.to === "success"
        ? { succeededAt: now, providerPaymentId: change.providerPaymentId ?? payment.providerPaymentId }
        : {}),
      ...(change.source === "start" ? { providerPaymentId: change.providerPaymentId ?? null } : {}),
      ...change.columns,
      updatedAt: now,
    })
    .where(eq(payments.id, payment.id))
    .returning();
  const after = updated!;
  await tx.insert(transitions).values({
    tenantId: payment.tenantId,
    paymentId: payment.id,
    fromState: payment.state,
    toState: change.to,
    source: change.source,
    providerPaymentId: change.providerPaymentId ?? null,
    providerEventId: change.providerEventId ?? null,
  });
  const eventName =
    change.to === "success"
      ? "payments.payment_succeeded"
      : change.to === "failed"
        ? "payments.payment_failed"
        : null;
  await recordChange(tx, {
    tenantId: payment.tenantId,
    actor,
    action: "payments.payment.transition",
    resource: { type: "payments_payment", id: payment.id },
    before: { state: payment.state },
    after: {
      state: change.to,
      source: change.source,
      providerPaymentId: change.providerPaymentId ?? null,
      ...(change.failure ? { failure: change.failure } : {}),
    },
    ...(eventName ? { event: { name: eventName, payload: eventPayload(after) } } : {}),
    requestId: options.requestId ?? null,
  });
  if (change.to === "success") {
    await enqueueJob(tx, {
      job: renderPaymentReceiptJob,
      payload: { paymentId: payment.id },
      tenantId: payment.tenantId,
      singletonKey: payment.id,
    });
    const [earlier] = await tx
      .select({ id: payments.id })
      .from(payments)
      .where(
        and(
          eq(payments.tenantId, payment.tenantId),
          eq(payments.subjectModule, payment.subjectModule),
          eq(payments.subjectType, payment.subjectType),
          eq(payments.subjectId, payment.subjectId),
          eq(payments.state, "success"),
          ne(payments.id, payment.id),
        ),
      )
      .limit(1);
    if (earlier) {
      await refundDuplicateCharge(tx, {
        payment: after,
        providerPaymentId: after.providerPaymentId!,
        reason: `The subject was already paid by payment ${earlier.id}`,
        requestId: options.requestId ?? null,
      });
    }
  }
  return after;
}

/**
 * Gives back a charge the city must not keep: a second payment for a subject already paid, or a second
 * attempt of one payment that also went through. One refund per charge, however often it is reported;
 * the provider is called by the refund job, outside this transaction.
 */
export async function refundDuplicateCharge(
  tx: Db,
  options: { payment: Payment; providerPaymentId: string; reason: string; requestId?: string | null },
): Promise<void> {
  const { payment, providerPaymentId } = options;
  const id = randomUUID();
  const [refund] = await tx
    .insert(refunds)
    .values({
      id,
      tenantId: payment.tenantId,
      paymentId: payment.id,
      providerPaymentId,
      duplicate: true,
      amount: payment.amount,
      reason: options.reason,
      idempotencyKey: `refund-${id}`,
    })
    .onConflictDoNothing()
    .returning();
  if (!refund) {
    return;
  }
  await recordAudit(tx, {
    tenantId: payment.tenantId,
    actor: { type: "system", id: null },
    action: "payments.refund.duplicate",
    resource: { type: "payments_payment", id: payment.id },
    after: { refundId: refund.id, providerPaymentId, amount: refund.amount, reason: refund.reason },
    requestId: options.requestId ?? null,
  });
  await enqueueJob(tx, {
    job: submitRefundJob,
    payload: { refundId: refund.id },
    tenantId: payment.tenantId,
    singletonKey: refund.id,
  });
}
