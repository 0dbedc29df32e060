import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { enqueueJob } from "../../../core/jobs/enqueue-job.ts";
import { newReferenceNumber } from "../../../core/reference/reference-number.ts";
import { openApplicationCase } from "../application-case.ts";
import type { Answers } from "../definition/answers.ts";
import { FormDefinition } from "../definition/form-definition.ts";
import { checkPage, feeOf, type PageInput, routeOf } from "../definition/validate-page.ts";
import { keepVisibleAnswers } from "../definition/visible-answers.ts";
import { renderReceiptJob } from "../jobs.ts";
import { type Application, applications, forms, formVersions } from "../schema.ts";

export type EnterApplicationOptions = {
  tx: Db;
  tenantId: string;
  /** The staff member typing in the application. */
  actor: Actor;
  formId: string;
  channel: "counter" | "paper" | "phone";
  /** Every answer, named as the resident's pages name their inputs (e.g. `children.0.name`). */
  input: PageInput;
  locale: "ja" | "en";
  /**
   * The fee was taken at the counter (cash or a terminal). Otherwise it waits for staff to set it and send a
   * payment link (事後決済), as the applicant has no online session to pay in now.
   */
  feePaidAtCounter: boolean;
  requestId?: string | null;
};

export type FieldProblem = { page: string; input: string; message: { ja: string; en: string } };

export type EnterApplicationResult =
  | { ok: true; application: Application; caseId: string }
  | { ok: false; problems: FieldProblem[] }
  | { ok: false; notPublished: true };

/**
 * An application received on paper, by phone or at the counter, typed in by staff into the published version
 * of the form. Every page on the route is checked as if the resident had filled it in, and the application
 * joins the same work queue as online ones, with its channel recorded for the online-share metric.
 */
export async function enterApplication(options: EnterApplicationOptions): Promise<EnterApplicationResult> {
  const { tx, tenantId } = options;
  const [row] = await tx
    .select({ form: forms, version: formVersions })
    .from(forms)
    .innerJoin(formVersions, eq(formVersions.id, forms.currentVersionId))
    .where(and(eq(forms.id, options.formId), eq(forms.tenantId, tenantId), eq(forms.status, "published")));
  if (!row) {
    return { ok: false, notPublished: true };
  }
  const definition = FormDefinition.parse(row.version.definition);
  const checked = checkAllPages(definition, options.input);
  if (checked.problems.length > 0) {
    return { ok: false, problems: checked.problems };
  }
  const { answers, provenance } = keepVisibleAnswers(definition, checked.answers, {});
  const fee = feeOf(definition, answers);
  const now = new Date();
  const [application] = await tx
    .insert(applications)
    .values({
      tenantId,
      formId: row.form.id,
      formVersionId: row.version.id,
      residentId: null,
      answers,
      provenance,
      submittedAnswers: answers,
      completedPages: routeOf(definition, answers).map((page) => page.key),
      locale: options.locale,
      channel: options.channel,
      referenceNumber: newReferenceNumber(),
      // Paid at the counter, or fixed later by staff (事後決済): nobody here can pay online at this moment.
      feeAmount: options.feePaidAtCounter ? fee : null,
      paymentStatus:
        !definition.fee || (!fee && definition.fee.timing === "on_submission")
          ? "not_required"
          : options.feePaidAtCounter
            ? "paid"
            : "awaiting_amount",
      submittedAt: now,
      enteredBy: options.actor.id,
    })
    .returning();
  await recordChange(tx, {
    tenantId,
    actor: options.actor,
    action: "forms.application.enter",
    resource: { type: "forms_application", id: application!.id },
    after: {
      referenceNumber: application!.referenceNumber,
      channel: options.channel,
      formVersionId: row.version.id,
      fee,
    },
    event: {
      name: "forms.application_submitted",
      payload: {
        applicationId: application!.id,
        formId: row.form.id,
        referenceNumber: application!.referenceNumber,
      },
    },
    requestId: options.requestId ?? null,
  });
  const opened = await openApplicationCase({
    tx,
    tenantId,
    actor: options.actor,
    form: row.form,
    definition,
    application: application!,
    requestId: options.requestId ?? null,
  });
  await enqueueJob(tx, { job: renderReceiptJob, payload: { applicationId: application!.id }, tenantId });
  return { ok: true, application: application!, caseId: opened.id };
}

/** Checks every page on the route the answers take, each against its own inputs; names of no page are refused. */
function checkAllPages(
  definition: FormDefinition,
  input: PageInput,
): { answers: Answers; problems: FieldProblem[] } {
  const ownerPage = new Map<string, string>();
  for (const page of definition.pages) {
    for (const field of page.fields) {
      ownerPage.set(field.key, page.key);
    }
  }
  const byPage = new Map<string, PageInput>();
  const problems: FieldProblem[] = [];
  for (const [name, values] of input) {
    const pageKey = ownerPage.get(name.split(".")[0]!);
    if (!pageKey) {
      const safe = name.slice(0, 60);
      problems.push({
        page: "",
        input: name,
        message: {
          ja: `この様式にない項目が送られました: ${safe}`,
          en: `This form has no field called ${safe}`,
        },
      });
      continue;
    }
    byPage.set(pageKey, new Map(byPage.get(pageKey) ?? []).set(name, values));
  }
  let answers: Answers = {};
  const checkedPages = new Set<string>();
  for (;;) {
    const page = routeOf(definition, answers).find((p) => !checkedPages.has(p.key));
    if (!page) {
      break;
    }
    checkedPages.add(page.key);
    const checked = checkPage({
      form: definition,
      page,
      input: byPage.get(page.key) ?? new Map(),
      current: answers,
    });
    answers = { ...answers, ...checked.answers };
    problems.push(...checked.problems.map((p) => ({ page: page.key, input: p.input, message: p.message })));
  }
  return { answers, problems };
}
