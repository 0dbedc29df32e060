import { and, eq, sql } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import { setCaseNextAction } from "../../../core/cases/operations/set-case-next-action.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { enqueueJob } from "../../../core/jobs/enqueue-job.ts";
import { ensureTemplate } from "../../../core/notifications/save-template.ts";
import { sendNotification } from "../../../core/notifications/send-notification.ts";
import { newReferenceNumber } from "../../../core/reference/reference-number.ts";
import { openApplicationCase, requestApplicationFee } from "../application-case.ts";
import { localized } from "../definition/display-answer.ts";
import type { FormDefinition } from "../definition/form-definition.ts";
import { feeOf, routeOf } from "../definition/validate-page.ts";
import { keepVisibleAnswers } from "../definition/visible-answers.ts";
import { type Availability, formAvailability } from "../form-availability.ts";
import { renderReceiptJob } from "../jobs.ts";
import { type Application, applications, forms } from "../schema.ts";

export type SubmitApplicationOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  applicationId: string;
  definition: FormDefinition;
  cityName: string;
  /** Where the resident can see the application again (in the confirmation message). */
  applicationUrl: string;
  /** The key the check-answers page carried: a second tap with the same key finds the first submission. */
  submitKey: string;
  requestId?: string | null;
};

export type SubmitResult =
  | {
      outcome: "submitted" | "already_submitted";
      application: Application;
      /** The payment page when the fee is due now (pay at submission); guests' paths carry their access token. */
      payPath: string | null;
    }
  | { outcome: "incomplete"; missingPage: string }
  | { outcome: "unavailable"; reason: Exclude<Availability, "open"> };

export const RECEIVED_TEMPLATE = "forms.application_received";

const receivedTemplates = {
  ja: {
    subject: "【((city))】申請を受け付けました（受付番号 ((reference))）",
    body: "「((form))」の申請を受け付けました。\n\n受付番号: ((reference))\n((fee))\n申請の内容と控え(PDF)はこちらから確認できます。\n((url))\n\n((confirmation))",
  },
  en: {
    subject: "[((city))] Application received (reference ((reference)))",
    body: "We have received your application: ((form)).\n\nReference: ((reference))\n((fee))\nSee your answers and the receipt (PDF) here:\n((url))\n\n((confirmation))",
  },
} as const;

/**
 * Submits a draft once: locks it, re-checks that the form still takes applications and that every page on
 * the resident's route was completed, drops answers of pages and fields the route hides, fixes computed
 * values and the fee, and gives it a reference number. The confirmation message and receipt PDF follow
 * from the same transaction (message stored, receipt job queued).
 */
export async function submitApplication(options: SubmitApplicationOptions): Promise<SubmitResult> {
  const { tx, tenantId, definition } = options;
  const [application] = await tx
    .select()
    .from(applications)
    .where(and(eq(applications.id, options.applicationId), eq(applications.tenantId, tenantId)))
    .for("update");
  if (!application) {
    throw new Error(`No application ${options.applicationId}`);
  }
  if (application.submittedAt) {
    return { outcome: "already_submitted", application, payPath: null };
  }
  if (definition.maxApplications !== undefined) {
    // Serialise submissions of a capped form so a cap of N admits exactly N; uncapped forms run in parallel.
    await tx.execute(sql`SELECT 1 FROM forms_forms WHERE id = ${application.formId} FOR UPDATE`);
  }
  const availability = await formAvailability({ db: tx, tenantId, formId: application.formId, definition });
  if (availability !== "open") {
    return { outcome: "unavailable", reason: availability };
  }
  const route = routeOf(definition, application.answers);
  const missing = route.find((page) => !application.completedPages.includes(page.key));
  if (missing) {
    return { outcome: "incomplete", missingPage: missing.key };
  }
  const { answers, provenance } = keepVisibleAnswers(definition, application.answers, application.provenance);
  const fee = feeOf(definition, answers);
  const timing = definition.fee?.timing ?? "on_submission";
  const referenceNumber = newReferenceNumber();
  const [submitted] = await tx
    .update(applications)
    .set({
      answers,
      provenance,
      submittedAnswers: answers,
      referenceNumber,
      submitKey: options.submitKey,
      submittedAt: new Date(),
      updatedAt: new Date(),
      // 事後決済: the form's amount is only an estimate until staff confirm it.
      feeAmount: timing === "deferred" ? null : fee,
      paymentStatus:
        definition.fee && timing === "deferred"
          ? "awaiting_amount"
          : fee && fee > 0
            ? "unpaid"
            : "not_required",
      // A guest keeps a day to see the confirmation and download the receipt in this browser.
      ...(application.guestKeyHash ? { resumeExpiresAt: new Date(Date.now() + 86_400_000) } : {}),
    })
    .where(eq(applications.id, application.id))
    .returning();
  await recordChange(tx, {
    tenantId,
    actor: options.actor,
    action: "forms.application.submit",
    resource: { type: "forms_application", id: application.id },
    after: { referenceNumber, formVersionId: application.formVersionId, fee },
    event: {
      name: "forms.application_submitted",
      payload: { applicationId: application.id, formId: application.formId, referenceNumber },
    },
    requestId: options.requestId ?? null,
  });
  const [form] = await tx
    .select({ slug: forms.slug, departmentId: forms.departmentId })
    .from(forms)
    .where(eq(forms.id, application.formId));
  const common = { tx, tenantId, actor: options.actor, requestId: options.requestId ?? null };
  const opened = await openApplicationCase({ ...common, form: form!, definition, application: submitted! });
  let payPath: string | null = null;
  if (submitted!.paymentStatus === "unpaid") {
    const requested = await requestApplicationFee({
      ...common,
      form: form!,
      definition,
      application: submitted!,
      caseId: opened.id,
      amount: fee!,
    });
    payPath = requested.payPath;
    await setCaseNextAction({
      tx,
      tenantId,
      caseId: opened.id,
      nextAction: { kind: "pay", href: `/payments/${requested.payment.id}` },
    });
  }
  await notifyReceived(options, submitted!, { fee, timing, payPath });
  await enqueueJob(tx, {
    job: renderReceiptJob,
    payload: { applicationId: application.id },
    tenantId,
    singletonKey: application.id,
  });
  return { outcome: "submitted", application: submitted!, payPath };
}

async function notifyReceived(
  options: SubmitApplicationOptions,
  application: Application,
  {
    fee,
    timing,
    payPath,
  }: { fee: number | null; timing: "on_submission" | "deferred"; payPath: string | null },
) {
  const email = application.residentId ? undefined : (application.guestEmail ?? undefined);
  if (!application.residentId && !email) {
    return;
  }
  const language = application.locale;
  await ensureTemplate(options.tx, {
    tenantId: options.tenantId,
    key: RECEIVED_TEMPLATE,
    language,
    ...receivedTemplates[language],
  });
  const yen = (fee ?? 0).toLocaleString("ja-JP");
  const feeText =
    timing === "deferred" && options.definition.fee
      ? language === "ja"
        ? "手数料: 審査の後、確定した金額とお支払い方法をご案内します。\n"
        : "Fee: after review we will tell you the amount and how to pay.\n"
      : fee && fee > 0
        ? language === "ja"
          ? `手数料: ${yen}円\nお支払いはこちらから: ${new URL(payPath ?? "", options.applicationUrl)}\n`
          : `Fee: ¥${yen}\nPay it here: ${new URL(payPath ?? "", options.applicationUrl)}\n`
        : "";
  await sendNotification(options.tx, {
    tenantId: options.tenantId,
    templateKey: RECEIVED_TEMPLATE,
    ...(application.residentId ? { residentId: application.residentId } : { email }),
    language,
    channels: application.residentId ? ["email", "inbox"] : ["email"],
    reference: application.referenceNumber!,
    personalisation: {
      city: options.cityName,
      form: localized(options.definition.title, language),
      reference: application.referenceNumber!,
      fee: feeText,
      url: options.applicationUrl,
      confirmation: localized(options.definition.confirmationText, language),
    },
  });
}
