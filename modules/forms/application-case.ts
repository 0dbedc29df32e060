import type { Actor } from "../../core/audit/actor.ts";
import { openCase } from "../../core/cases/operations/open-case.ts";
import type { CaseChannel } from "../../core/cases/schema.ts";
import type { Db } from "../../core/db/database.ts";
import { requestPayment } from "../payments/index.ts";
import { answerRows } from "./answer-rows.ts";
import type { FormDefinition } from "./definition/form-definition.ts";
import type { Application, Form } from "./schema.ts";

export const APPLICATION_SUBJECT = "forms_application";

/**
 * The answers as submitted, which staff, exports, webhooks and the receipt show: a correction in progress
 * (差し戻し) changes the working answers only, until the resident resubmits.
 */
export const officialAnswers = (application: Pick<Application, "answers" | "submittedAnswers">) =>
  application.submittedAnswers ?? application.answers;

/** What staff find an application by in the queue's search: its reference, form and answers as read. */
export function applicationSearchText(
  definition: FormDefinition,
  application: Pick<Application, "referenceNumber" | "answers" | "provenance">,
): string {
  const rows = answerRows({
    definition,
    answers: application.answers,
    provenance: application.provenance,
    lang: "ja",
  });
  return [application.referenceNumber, definition.title.ja, ...rows.map((row) => row.value)].join("\n");
}

/** Where the resident sees a submitted application of this form. */
export const applicationPath = (slug: string, applicationId: string) => `/forms/${slug}/a/${applicationId}`;

/**
 * Puts a just-submitted application into the staff work queue: one case per application, named by the form,
 * searchable by its reference and answers, routed to the form's department.
 */
export async function openApplicationCase(options: {
  tx: Db;
  tenantId: string;
  actor: Actor;
  form: Pick<Form, "slug" | "departmentId">;
  definition: FormDefinition;
  application: Application;
  requestId?: string | null;
}) {
  const { application, definition } = options;
  return openCase({
    tx: options.tx,
    tenantId: options.tenantId,
    actor: options.actor,
    module: "forms",
    subjectType: APPLICATION_SUBJECT,
    subjectId: application.id,
    reference: application.referenceNumber!,
    title: { ja: definition.title.ja, en: definition.title.en ?? definition.title.ja },
    serviceKey: options.form.slug,
    departmentId: options.form.departmentId,
    residentId: application.residentId,
    notifyEmail: application.residentId ? null : application.guestEmail,
    locale: application.locale,
    channel: application.channel as CaseChannel,
    searchText: applicationSearchText(definition, application),
    receivedAt: application.submittedAt ?? new Date(),
    requestId: options.requestId ?? null,
  });
}

/** Asks the resident to pay the application's fee; the amount is always the server's, never the browser's. */
export async function requestApplicationFee(options: {
  tx: Db;
  tenantId: string;
  actor: Actor;
  form: Pick<Form, "slug">;
  definition: FormDefinition;
  application: Application;
  caseId: string;
  amount: number;
  requestId?: string | null;
}) {
  const { application, definition } = options;
  const label = definition.fee?.label ?? { ja: "手数料", en: "Fee" };
  return requestPayment({
    tx: options.tx,
    tenantId: options.tenantId,
    actor: options.actor,
    subject: { module: "forms", type: APPLICATION_SUBJECT, id: application.id },
    caseId: options.caseId,
    residentId: application.residentId,
    guestEmail: application.residentId ? null : application.guestEmail,
    amount: options.amount,
    description: {
      ja: `${definition.title.ja} ${label.ja}`,
      en: `${definition.title.en ?? definition.title.ja}: ${label.en ?? label.ja}`,
    },
    reference: application.referenceNumber!,
    returnPath: `${applicationPath(options.form.slug, application.id)}/done`,
    locale: application.locale,
    requestId: options.requestId ?? null,
  });
}
