import { and, eq, sql } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { enqueueJob } from "../../../core/jobs/enqueue-job.ts";
import { ensureTemplate } from "../../../core/notifications/save-template.ts";
import { sendNotification } from "../../../core/notifications/send-notification.ts";
import type { Answers, ProvenanceMap } from "../definition/answers.ts";
import { localized } from "../definition/display-answer.ts";
import { holds } from "../definition/expressions.ts";
import type { FormDefinition } from "../definition/form-definition.ts";
import { computeValues, feeOf, routeOf } from "../definition/validate-page.ts";
import { type Availability, formAvailability } from "../form-availability.ts";
import { renderReceiptJob } from "../jobs.ts";
import { newReferenceNumber } from "../reference-number.ts";
import { type Application, applications } from "../schema.ts";

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
  | { outcome: "submitted" | "already_submitted"; application: Application }
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
    return { outcome: "already_submitted", application };
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
  const referenceNumber = newReferenceNumber();
  const [submitted] = await tx
    .update(applications)
    .set({
      answers,
      provenance,
      referenceNumber,
      submitKey: options.submitKey,
      submittedAt: new Date(),
      updatedAt: new Date(),
      feeAmount: fee,
      paymentStatus: fee && fee > 0 ? "unpaid" : "not_required",
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
  await notifyReceived(options, submitted!, fee);
  await enqueueJob(tx, {
    job: renderReceiptJob,
    payload: { applicationId: application.id },
    tenantId,
    singletonKey: application.id,
  });
  return { outcome: "submitted", application: submitted! };
}

async function notifyReceived(
  options: SubmitApplicationOptions,
  application: Application,
  fee: number | null,
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
  const feeText =
    fee && fee > 0
      ? language === "ja"
        ? `手数料: ${fee.toLocaleString("ja-JP")}円（お支払いは市からの案内をお待ちください）\n`
        : `Fee: ¥${fee.toLocaleString("ja-JP")} (the city will tell you how to pay)\n`
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

/** Answers the resident's route shows, plus computed values; what a skipped page or hidden field held is dropped. */
function keepVisibleAnswers(
  definition: FormDefinition,
  all: Answers,
  allProvenance: ProvenanceMap,
): { answers: Answers; provenance: ProvenanceMap } {
  const answers: Answers = {};
  const provenance: ProvenanceMap = {};
  const scope = { ...all, ...computeValues(definition, all) };
  for (const page of routeOf(definition, all)) {
    for (const field of page.fields) {
      if (field.type === "info" || !holds(field.showIf, scope)) {
        continue;
      }
      if (field.type === "computed") {
        answers[field.key] = scope[field.key] as number;
        provenance[field.key] = { source: "computed" };
        continue;
      }
      if (all[field.key] !== undefined && all[field.key] !== null) {
        answers[field.key] = all[field.key]!;
        const origin = allProvenance[field.key];
        if (origin) {
          provenance[field.key] = origin;
        }
      }
    }
  }
  return { answers, provenance };
}
