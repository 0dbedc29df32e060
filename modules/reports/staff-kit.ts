import { and, asc, eq, isNull, ne } from "drizzle-orm";
import type { Context } from "hono";
import { html } from "hono/html";
import type { Db } from "../../core/db/database.ts";
import type { AppEnv } from "../../core/http/app-env.ts";
import { type Bilingual, ProblemError } from "../../core/http/problem.ts";
import { departments, staffAccounts } from "../../core/identity/schema.ts";
import { reportAreas, reportCategories, reportReplyTemplates } from "./schema.ts";
import { loadStatuses } from "./staff-changes.ts";

/** Small helpers the staff and setup pages share. */

export const ID = "{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}}";

export function say(c: Context<AppEnv>, ja: string, en: string): string {
  return c.var.lang === "ja" ? ja : en;
}

export function pick(c: Context<AppEnv>, text: Bilingual): string {
  return c.var.lang === "ja" ? text.ja : text.en;
}

export const named = (c: Context<AppEnv>, row: { nameJa: string; nameEn: string } | null | undefined) =>
  row ? (c.var.lang === "ja" ? row.nameJa : row.nameEn) : "—";

export const labelled = (c: Context<AppEnv>, row: { labelJa: string; labelEn: string } | null | undefined) =>
  row ? (c.var.lang === "ja" ? row.labelJa : row.labelEn) : "—";

/** Who acts, in which city: what every operation run from a staff page is given. */
export function staffActing(c: Context<AppEnv>, staffId: string) {
  return {
    db: c.var.services.database.db,
    tenantId: c.var.tenant.id,
    actor: { type: "staff" as const, id: staffId },
    requestId: c.var.requestId,
  };
}

/** Runs a form's operation; a ProblemError comes back to be shown on the re-drawn page. */
export async function orProblem<T>(work: () => Promise<T>): Promise<T | ProblemError> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ProblemError) {
      return error;
    }
    throw error;
  }
}

export async function formFields(c: Context<AppEnv>): Promise<{
  get: (name: string) => string;
  all: (name: string) => string[];
  body: Record<string, unknown>;
}> {
  const body = await c.req.parseBody({ all: true });
  const all = (name: string) => {
    const value = body[name];
    return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string");
  };
  return { get: (name) => all(name)[0] ?? "", all, body };
}

export function problemNotice(c: Context<AppEnv>, problem: ProblemError) {
  return html`<div class="error-summary" role="alert" tabindex="-1"><h2>${say(c, "できませんでした", "This could not be done")}</h2><p>${pick(c, problem.title)}</p></div>`;
}

/** The summary of a form's errors, each linking to its field (`f-<name>` unless the form names it otherwise). */
export function errorsNotice(
  c: Context<AppEnv>,
  errors: Record<string, Bilingual>,
  idFor: (name: string) => string = (name) => `f-${name}`,
) {
  const entries = Object.entries(errors);
  return entries.length === 0
    ? ""
    : html`<div class="error-summary" role="alert" tabindex="-1"><h2>${say(c, "入力内容を確認してください", "Check what you entered")}</h2><ul>${entries.map(
        ([name, message]) => html`<li><a href="#${idFor(name)}">${pick(c, message)}</a></li>`,
      )}</ul></div>`;
}

export function tokyoTime(date: Date | null): string {
  return date ? date.toLocaleString("sv-SE", { timeZone: "Asia/Tokyo" }).slice(0, 16) : "—";
}

/** The city's names for everything a report refers to, loaded once per page. */
export async function loadLookups(db: Db, tenantId: string) {
  const [categories, statuses, areas, depts, staff, templates] = await Promise.all([
    db
      .select()
      .from(reportCategories)
      .where(eq(reportCategories.tenantId, tenantId))
      .orderBy(asc(reportCategories.sortOrder), asc(reportCategories.code)),
    loadStatuses(db, tenantId),
    db
      .select()
      .from(reportAreas)
      .where(and(eq(reportAreas.tenantId, tenantId), ne(reportAreas.kind, "boundary")))
      .orderBy(asc(reportAreas.kind), asc(reportAreas.code)),
    db.select().from(departments).where(eq(departments.tenantId, tenantId)).orderBy(asc(departments.code)),
    db
      .select({
        id: staffAccounts.id,
        displayName: staffAccounts.displayName,
        departmentId: staffAccounts.departmentId,
        role: staffAccounts.role,
      })
      .from(staffAccounts)
      .where(and(eq(staffAccounts.tenantId, tenantId), isNull(staffAccounts.disabledAt)))
      .orderBy(asc(staffAccounts.displayName)),
    db
      .select()
      .from(reportReplyTemplates)
      .where(eq(reportReplyTemplates.tenantId, tenantId))
      .orderBy(asc(reportReplyTemplates.sortOrder), asc(reportReplyTemplates.title)),
  ]);
  return {
    categories,
    statuses,
    areas,
    departments: depts,
    staff,
    templates,
    category: (id: string) => categories.find((x) => x.id === id),
    status: (key: string) => statuses.find((x) => x.key === key),
    area: (id: string | null) => areas.find((x) => x.id === id),
    department: (id: string | null) => depts.find((x) => x.id === id),
    member: (id: string | null) => staff.find((x) => x.id === id),
  };
}
export type Lookups = Awaited<ReturnType<typeof loadLookups>>;

export const stageLabels: Record<string, Bilingual> = {
  received: { ja: "未対応", en: "Received" },
  in_progress: { ja: "対応中", en: "In progress" },
  done: { ja: "完了", en: "Done" },
};

export const channelLabels: Record<string, Bilingual> = {
  web: { ja: "ウェブ", en: "Web" },
  line: { ja: "LINE", en: "LINE" },
  phone: { ja: "電話", en: "Phone" },
  patrol: { ja: "パトロール", en: "Patrol" },
  counter: { ja: "窓口", en: "Counter" },
  open311: { ja: "Open311", en: "Open311" },
};

export const option = (value: string, label: string, selected: string) =>
  html`<option value="${value}"${value === selected ? html` selected` : ""}>${label}</option>`;
