import { and, desc, eq, isNull } from "drizzle-orm";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Actor } from "../../../core/audit/actor.ts";
import { findCaseBySubject } from "../../../core/cases/operations/find-case-by-subject.ts";
import type { Db } from "../../../core/db/database.ts";
import type { AppEnv } from "../../../core/http/app-env.ts";
import { problems } from "../../../core/http/problem.ts";
import { hashSecret } from "../../../core/identity/auth-flows.ts";
import { requireResident } from "../../../core/identity/resident-session.ts";
import { APPLICATION_SUBJECT } from "../application-case.ts";
import { FormDefinition } from "../definition/form-definition.ts";
import {
  type Application,
  applications,
  type Form,
  type FormVersion,
  forms,
  formVersions,
} from "../schema.ts";

const parsedVersions = new Map<string, FormDefinition>();

/**
 * A version's definition, parsed once per process: versions never change, so every later request for the
 * same version reuses it. The map is bounded (oldest out first); a city has a few hundred live versions.
 */
function definitionOf(version: FormVersion): FormDefinition {
  let definition = parsedVersions.get(version.id);
  if (!definition) {
    definition = FormDefinition.parse(version.definition);
    parsedVersions.set(version.id, definition);
    if (parsedVersions.size > 1000) {
      parsedVersions.delete(parsedVersions.keys().next().value!);
    }
  }
  return definition;
}

export type LiveForm = { form: Form; version: FormVersion; definition: FormDefinition };

/** A published form of this city by slug, with the version residents start now; 404 otherwise. */
export async function findLiveForm(c: Context<AppEnv>, slug: string): Promise<LiveForm> {
  const [row] = await c.var.services.database.db
    .select({ form: forms, version: formVersions })
    .from(forms)
    .innerJoin(formVersions, eq(formVersions.id, forms.currentVersionId))
    .where(and(eq(forms.tenantId, c.var.tenant.id), eq(forms.slug, slug)));
  if (!row) {
    throw problems.notFound();
  }
  return { ...row, definition: definitionOf(row.version) };
}

const guestCookie = (applicationId: string) => `tenohira_guest_${applicationId.replaceAll("-", "")}`;

/** Remembers a guest's draft key in this browser (HttpOnly, 7 days, only under /forms). */
export function setGuestCookie(c: Context<AppEnv>, applicationId: string, key: string): void {
  const { config } = c.var.services;
  setCookie(c, guestCookie(applicationId), key, {
    httpOnly: true,
    secure: config.secureCookies ?? config.baseUrl?.startsWith("https:") ?? false,
    sameSite: "Lax",
    path: "/forms",
    maxAge: 7 * 86_400,
  });
}

export function clearGuestCookie(c: Context<AppEnv>, applicationId: string): void {
  deleteCookie(c, guestCookie(applicationId), { path: "/forms" });
}

export type OpenApplication = LiveForm & {
  application: Application;
  actor: Actor;
  /**
   * Staff returned the submitted application (差し戻し): its resident may change answers of the pinned version
   * and submit it again. `returnReason` says what to correct.
   */
  correction: { caseId: string; returnReason: string | null } | null;
};

/** Answers can change while the application is a draft, or while it is returned for correction. */
export const isEditable = (opened: OpenApplication) =>
  !opened.application.submittedAt || opened.correction !== null;

/**
 * The application at this URL, if the person asking may see it: its resident (signed in at the form's level)
 * or the guest holding its key. Anyone else gets 404, never a hint that it exists. The definition is the
 * version the application is pinned to, not the one live now.
 */
export async function openApplication(
  c: Context<AppEnv>,
  slug: string,
  applicationId: string,
): Promise<OpenApplication> {
  if (!/^[0-9a-f-]{36}$/.test(applicationId)) {
    throw problems.notFound();
  }
  const db = c.var.services.database.db;
  const [row] = await db
    .select({ application: applications, form: forms, version: formVersions })
    .from(applications)
    .innerJoin(forms, eq(forms.id, applications.formId))
    .innerJoin(formVersions, eq(formVersions.id, applications.formVersionId))
    .where(
      and(
        eq(applications.id, applicationId),
        eq(applications.tenantId, c.var.tenant.id),
        eq(forms.slug, slug),
      ),
    );
  if (!row) {
    throw problems.notFound();
  }
  const definition = definitionOf(row.version);
  let actor: Actor;
  if (row.application.residentId) {
    const level = definition.assuranceLevel === "none" ? "email" : definition.assuranceLevel;
    const resident = requireResident(c, level);
    if (resident.id !== row.application.residentId) {
      throw problems.notFound();
    }
    actor = { type: "resident", id: resident.id };
  } else {
    const key = getCookie(c, guestCookie(applicationId));
    const expired = row.application.resumeExpiresAt !== null && row.application.resumeExpiresAt < new Date();
    if (
      !key ||
      !row.application.guestKeyHash ||
      hashSecret(key) !== row.application.guestKeyHash ||
      expired
    ) {
      throw problems.notFound();
    }
    actor = { type: "guest", id: null };
  }
  return { ...row, definition, actor, correction: await correctionOf(db, c.var.tenant.id, row.application) };
}

async function correctionOf(db: Db, tenantId: string, application: Application) {
  if (!application.submittedAt || !application.residentId) {
    return null;
  }
  const found = await findCaseBySubject({
    db,
    tenantId,
    subjectType: APPLICATION_SUBJECT,
    subjectId: application.id,
  });
  return found?.status === "returned" ? { caseId: found.id, returnReason: found.statusReason } : null;
}

/** The signed-in resident's unfinished application of this form, to continue instead of starting over. */
export async function findOwnDraft(c: Context<AppEnv>, formId: string, residentId: string) {
  const [draft] = await c.var.services.database.db
    .select()
    .from(applications)
    .where(
      and(
        eq(applications.tenantId, c.var.tenant.id),
        eq(applications.formId, formId),
        eq(applications.residentId, residentId),
        isNull(applications.submittedAt),
      ),
    )
    .orderBy(desc(applications.updatedAt))
    .limit(1);
  return draft ?? null;
}
