import { and, asc, eq, inArray } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import { recordAudit } from "../../../core/audit/record-audit.ts";
import type { Db } from "../../../core/db/database.ts";
import { type Payment, payments, type Refund, refunds, type Transition, transitions } from "../schema.ts";

export type ReadPaymentsOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  /** One subject's payments (any module), or one payment. */
  of: { subjectType: string; subjectId: string } | { paymentId: string };
  requestId?: string | null;
  ip?: string | null;
};

export type PaymentRecord = { payment: Payment; refunds: Refund[]; transitions: Transition[] };

/** Payments with their refunds and state history, without an audit record (for showing a change made). */
export async function loadPaymentRecords(options: {
  db: Db;
  tenantId: string;
  of: ReadPaymentsOptions["of"];
}): Promise<PaymentRecord[]> {
  const { db, tenantId, of } = options;
  const found = await db
    .select()
    .from(payments)
    .where(
      and(
        eq(payments.tenantId, tenantId),
        ...("paymentId" in of
          ? [eq(payments.id, of.paymentId)]
          : [eq(payments.subjectType, of.subjectType), eq(payments.subjectId, of.subjectId)]),
      ),
    )
    .orderBy(asc(payments.createdAt), asc(payments.id));
  const ids = found.map((p) => p.id);
  const [refundRows, transitionRows] =
    ids.length === 0
      ? [[], []]
      : await Promise.all([
          db.select().from(refunds).where(inArray(refunds.paymentId, ids)).orderBy(asc(refunds.createdAt)),
          db
            .select()
            .from(transitions)
            .where(inArray(transitions.paymentId, ids))
            .orderBy(asc(transitions.id)),
        ]);
  return found.map((payment) => ({
    payment,
    refunds: refundRows.filter((r) => r.paymentId === payment.id),
    transitions: transitionRows.filter((t) => t.paymentId === payment.id),
  }));
}

/**
 * Payments with their refunds and state history, for staff. Who paid what is personal data, so the read
 * is audited in the same transaction.
 */
export async function readPayments(options: ReadPaymentsOptions): Promise<PaymentRecord[]> {
  const { tx, tenantId, of } = options;
  const records = await loadPaymentRecords({ db: tx, tenantId, of });
  await recordAudit(tx, {
    tenantId,
    actor: options.actor,
    action: "payments.payment.read",
    resource:
      "paymentId" in of
        ? { type: "payments_payment", id: of.paymentId }
        : { type: "payments_subject", id: `${of.subjectType}:${of.subjectId}` },
    after: { paymentIds: records.map((r) => r.payment.id) },
    requestId: options.requestId ?? null,
    ip: options.ip ?? null,
  });
  return records;
}
