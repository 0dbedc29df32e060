import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import { appendCaseEntry } from "../../../core/cases/operations/append-case-entry.ts";
import { setCaseNextAction } from "../../../core/cases/operations/set-case-next-action.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { enqueueJob } from "../../../core/jobs/enqueue-job.ts";
import { paymentsOfSubject, totalsOf } from "../../payments/index.ts";
import { APPLICATION_SUBJECT } from "../application-case.ts";
import { renderReceiptJob } from "../jobs.ts";
import { applications } from "../schema.ts";

export type RecordFeePaymentOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  applicationId: string;
  caseId: string | null;
  /** What the payments module reported, for the history. */
  change: { kind: "paid" | "refunded"; amount: number };
};

const yen = (amount: number) => `${amount.toLocaleString("ja-JP")}円`;

/**
 * Brings an application's fee in line with its payments: paid (the receipt is redrawn to say so, GOV.UK Pay's
 * lesson), or refunded in full; a partial refund leaves it paid. The case history tells staff and the resident.
 */
export async function recordFeePayment(options: RecordFeePaymentOptions): Promise<void> {
  const { tx, tenantId, change } = options;
  const [application] = await tx
    .select()
    .from(applications)
    .where(and(eq(applications.id, options.applicationId), eq(applications.tenantId, tenantId)))
    .for("update");
  if (!application) {
    return;
  }
  // From the money actually received and given back, not from this one event: the payments module's events
  // run as separate jobs and may arrive in any order.
  const totals = totalsOf(
    await paymentsOfSubject({
      db: tx,
      tenantId,
      subject: { module: "forms", type: APPLICATION_SUBJECT, id: application.id },
    }),
  );
  const paymentStatus = totals.paid === 0 ? application.paymentStatus : totals.net <= 0 ? "refunded" : "paid";
  await tx
    .update(applications)
    .set({ paymentStatus, receiptFileId: null, updatedAt: new Date() })
    .where(eq(applications.id, application.id));
  await recordChange(tx, {
    tenantId,
    actor: options.actor,
    action: change.kind === "paid" ? "forms.application.fee_paid" : "forms.application.fee_refunded",
    resource: { type: "forms_application", id: application.id },
    before: { paymentStatus: application.paymentStatus },
    after: { paymentStatus, amount: change.amount },
  });
  await enqueueJob(tx, {
    job: renderReceiptJob,
    payload: { applicationId: application.id },
    tenantId,
  });
  if (!options.caseId) {
    return;
  }
  if (change.kind === "paid") {
    await setCaseNextAction({ tx, tenantId, caseId: options.caseId, nextAction: null });
  }
  await appendCaseEntry({
    tx,
    tenantId,
    caseId: options.caseId,
    kind: "note",
    visibleToResident: true,
    body:
      change.kind === "paid"
        ? `手数料 ${yen(change.amount)} のお支払いを確認しました。 / Payment of ¥${change.amount.toLocaleString("ja-JP")} received.`
        : `手数料 ${yen(change.amount)} を返金しました。 / ¥${change.amount.toLocaleString("ja-JP")} refunded.`,
  });
}
