import { isDeepStrictEqual } from "node:util";
import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import { changeCaseStatus } from "../../../core/cases/operations/change-case-status.ts";
import { setCaseNextAction } from "../../../core/cases/operations/set-case-next-action.ts";
import { updateCaseSearchText } from "../../../core/cases/operations/update-case-search-text.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { enqueueJob } from "../../../core/jobs/enqueue-job.ts";
import { paymentsOfSubject } from "../../payments/index.ts";
import { APPLICATION_SUBJECT, applicationSearchText } from "../application-case.ts";
import type { FormDefinition } from "../definition/form-definition.ts";
import { feeOf, routeOf } from "../definition/validate-page.ts";
import { keepVisibleAnswers } from "../definition/visible-answers.ts";
import { renderReceiptJob } from "../jobs.ts";
import { type Application, applications } from "../schema.ts";

export type ResubmitApplicationOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  applicationId: string;
  /** The application's case, which staff returned (差し戻し). */
  caseId: string;
  /** The version the application is pinned to: a correction never moves it to a newer form. */
  definition: FormDefinition;
  /** Where links in the status message point, e.g. https://city.example.jp */
  origin: string;
  requestId?: string | null;
};

export type ResubmitResult =
  | { outcome: "resubmitted"; application: Application; changedFields: string[] }
  | { outcome: "incomplete"; missingPage: string }
  | { outcome: "not_returned"; reason: { ja: string; en: string } }
  | { outcome: "fee_changed"; before: number; after: number };

/**
 * Submits a corrected application again: same reference number and version, answers re-checked against the
 * route, the case back to 受付 for staff, and the receipt redrawn. A correction that would change the fee is
 * refused: the fee was charged or asked for on the first submission.
 */
export async function resubmitApplication(options: ResubmitApplicationOptions): Promise<ResubmitResult> {
  const { tx, tenantId, definition } = options;
  const [application] = await tx
    .select()
    .from(applications)
    .where(and(eq(applications.id, options.applicationId), eq(applications.tenantId, tenantId)))
    .for("update");
  if (!application?.submittedAt) {
    throw new Error(`No submitted application ${options.applicationId}`);
  }
  const route = routeOf(definition, application.answers);
  const missing = route.find((page) => !application.completedPages.includes(page.key));
  if (missing) {
    return { outcome: "incomplete", missingPage: missing.key };
  }
  const { answers, provenance } = keepVisibleAnswers(definition, application.answers, application.provenance);
  // A correction may not change what the resident owes: the fee was charged (or asked for) on what they
  // first submitted. Staff handle such a change (a new application, or a fee set after review).
  if (definition.fee && definition.fee.timing === "on_submission") {
    const fee = feeOf(definition, answers) ?? 0;
    if (fee !== (application.feeAmount ?? 0)) {
      return { outcome: "fee_changed", before: application.feeAmount ?? 0, after: fee };
    }
  }
  const moved = await changeCaseStatus({
    tx,
    tenantId,
    actor: options.actor,
    caseId: options.caseId,
    to: "received",
    by: "resident",
    expectedStatus: "returned",
    origin: options.origin,
    requestId: options.requestId ?? null,
  });
  if (!moved.ok) {
    return { outcome: "not_returned", reason: moved.reason };
  }
  const [resubmitted] = await tx
    .update(applications)
    .set({
      answers,
      provenance,
      submittedAnswers: answers,
      resubmittedAt: new Date(),
      updatedAt: new Date(),
      receiptFileId: null,
    })
    .where(eq(applications.id, application.id))
    .returning();
  const before = application.submittedAnswers ?? {};
  const changedFields = Object.keys({ ...answers, ...before }).filter(
    (key) => !isDeepStrictEqual(answers[key] ?? null, before[key] ?? null),
  );
  // Names of the fields that changed, never their values (those are the personal data).
  await recordChange(tx, {
    tenantId,
    actor: options.actor,
    action: "forms.application.resubmit",
    resource: { type: "forms_application", id: application.id },
    after: { referenceNumber: application.referenceNumber, changedFields },
    event: {
      name: "forms.application_resubmitted",
      payload: { applicationId: application.id, formId: application.formId, caseId: options.caseId },
    },
    requestId: options.requestId ?? null,
  });
  await updateCaseSearchText({
    tx,
    tenantId,
    caseId: options.caseId,
    searchText: applicationSearchText(definition, resubmitted!),
  });
  const payable =
    application.paymentStatus === "unpaid"
      ? (
          await paymentsOfSubject({
            db: tx,
            tenantId,
            subject: { module: "forms", type: APPLICATION_SUBJECT, id: application.id },
          })
        )
          .filter((payment) => !payment.finished)
          .at(-1)
      : undefined;
  await setCaseNextAction({
    tx,
    tenantId,
    caseId: options.caseId,
    nextAction: payable ? { kind: "pay", href: `/payments/${payable.id}` } : null,
  });
  await enqueueJob(tx, {
    job: renderReceiptJob,
    payload: { applicationId: application.id },
    tenantId,
    singletonKey: `${application.id}:resubmit`,
  });
  return { outcome: "resubmitted", application: resubmitted!, changedFields };
}
