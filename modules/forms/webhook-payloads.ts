import { and, eq } from "drizzle-orm";
import type { Db } from "../../core/db/database.ts";
import type { WebhookEventDefinition } from "../../core/module.ts";
import { presentSubmittedApplication } from "./export/submitted-application.ts";
import { applications, forms, formVersions } from "./schema.ts";

/** The whole application an event names, as core systems take it. */
async function applicationPayload(db: Db, tenantId: string, event: Record<string, unknown>) {
  const applicationId = String(event["applicationId"]);
  const [row] = await db
    .select({
      application: applications,
      form: { id: forms.id, slug: forms.slug },
      version: { number: formVersions.number, definition: formVersions.definition },
    })
    .from(applications)
    .innerJoin(forms, eq(forms.id, applications.formId))
    .innerJoin(formVersions, eq(formVersions.id, applications.formVersionId))
    .where(and(eq(applications.id, applicationId), eq(applications.tenantId, tenantId)));
  // Gone since (an erasure): the receiver still gets what the event itself carried.
  if (!row) {
    return event;
  }
  return presentSubmittedApplication(row);
}

/**
 * The forms events a city's core systems can take by webhook. A submission carries the whole application
 * (reference, form and version, fee, payment status, every answer with its key and labels), so the
 * receiving system needs no call back and nobody re-types it.
 */
export const formsWebhookEvents: readonly WebhookEventDefinition[] = [
  {
    name: "forms.application_submitted",
    description: {
      ja: "電子申請が送信された（受付番号・回答内容を含む）",
      en: "An online application was submitted (with its reference number and answers)",
    },
    payload: applicationPayload,
  },
  {
    name: "forms.application_resubmitted",
    description: {
      ja: "差し戻した申請が修正して再提出された（修正後の回答内容を含む）",
      en: "A returned application was corrected and resubmitted (with the corrected answers)",
    },
    payload: applicationPayload,
  },
];
