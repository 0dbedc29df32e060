import { randomBytes } from "node:crypto";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { hashSecret } from "../../../core/identity/auth-flows.ts";
import type { FormDefinition } from "../definition/form-definition.ts";
import { prefillAnswers } from "../prefill.ts";
import { type Application, type ApplicationChannel, applications } from "../schema.ts";

export type StartApplicationOptions = {
  tx: Db;
  tenantId: string;
  formId: string;
  /** The version published now: the application stays on it even if staff publish another tomorrow. */
  versionId: string;
  definition: FormDefinition;
  /** null for a guest on a form that needs no account. */
  residentId: string | null;
  locale: "ja" | "en";
  channel: ApplicationChannel;
  requestId?: string | null;
};

export type StartedApplication = {
  application: Application;
  /** A guest's secret for the cookie; only its hash is stored. */
  guestKey: string | null;
};

/** Opens a draft application pinned to the current version, prefilled from what the city knows. */
export async function startApplication(options: StartApplicationOptions): Promise<StartedApplication> {
  const { tx, tenantId, residentId } = options;
  const prefill = residentId
    ? await prefillAnswers({ db: tx, tenantId, residentId, form: options.definition })
    : { answers: {}, provenance: {} };
  const guestKey = residentId ? null : randomBytes(24).toString("base64url");
  const [application] = await tx
    .insert(applications)
    .values({
      tenantId,
      formId: options.formId,
      formVersionId: options.versionId,
      residentId,
      guestKeyHash: guestKey ? hashSecret(guestKey) : null,
      resumeExpiresAt: guestKey ? new Date(Date.now() + GUEST_DRAFT_DAYS * 86_400_000) : null,
      answers: prefill.answers,
      provenance: prefill.provenance,
      currentPage: options.definition.pages[0]!.key,
      locale: options.locale,
      channel: options.channel,
    })
    .returning();
  const actor: Actor = residentId ? { type: "resident", id: residentId } : { type: "guest", id: null };
  await recordChange(tx, {
    tenantId,
    actor,
    action: "forms.application.start",
    resource: { type: "forms_application", id: application!.id },
    after: { formId: options.formId, versionId: options.versionId, prefilled: Object.keys(prefill.answers) },
    requestId: options.requestId ?? null,
  });
  return { application: application!, guestKey };
}

/** How long a guest's draft (and a resume link) lives. */
export const GUEST_DRAFT_DAYS = 7;
