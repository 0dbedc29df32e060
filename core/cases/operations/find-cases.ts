import { asc, count, eq } from "drizzle-orm";
import type { Actor } from "../../audit/actor.ts";
import { recordAudit } from "../../audit/record-audit.ts";
import type { Db } from "../../db/database.ts";
import type { StaffScope } from "../../identity/policy.ts";
import { type CaseFilters, caseConditions, queueOrder } from "../case-filters.ts";
import { type CaseView, selectCaseViews } from "../case-views.ts";
import { caseServiceSettings, cases } from "../schema.ts";
import { dueSoonLimit, type SlaBucket, type SlaClock, slaOf, tenantCalendar } from "../sla.ts";

export type FindCasesOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  scope: StaffScope;
  /** The member asking, for assignee=me. */
  staffId: string | null;
  filters: CaseFilters;
  page: number;
  limit: number;
  now?: Date;
  requestId?: string | null;
  ip?: string | null;
};

export type CaseListEntry = CaseView & { sla: SlaBucket };

export type CaseService = { key: string; title: { ja: string; en: string } };

export type FoundCases = {
  cases: CaseListEntry[];
  total: number;
  page: number;
  limit: number;
  /** Every service of the city's queue, for the service filter. */
  services: CaseService[];
};

/** The SLA clock for a tenant now: what counts as overdue and as due soon. */
export async function slaClock(db: Db, tenantId: string, now = new Date()): Promise<SlaClock> {
  return { now, dueSoonBy: dueSoonLimit(now, await tenantCalendar(db, tenantId)) };
}

/**
 * One page of the work queue across modules, within the member's scope. Listing cases shows who applied
 * for what, so each list is audited (how many, by which filters; never the search words, which may be a name).
 */
export async function findCases(o: FindCasesOptions): Promise<FoundCases> {
  const { tx, tenantId } = o;
  const clock = await slaClock(tx, tenantId, o.now);
  const where = caseConditions({ tenantId, scope: o.scope, filters: o.filters, staffId: o.staffId, clock });
  const rows = await selectCaseViews(tx)
    .where(where)
    .orderBy(...queueOrder)
    .limit(o.limit)
    .offset((o.page - 1) * o.limit);
  const [{ total } = { total: 0 }] = await tx.select({ total: count() }).from(cases).where(where);
  const services = await tx
    .select({
      key: caseServiceSettings.serviceKey,
      ja: caseServiceSettings.titleJa,
      en: caseServiceSettings.titleEn,
    })
    .from(caseServiceSettings)
    .where(eq(caseServiceSettings.tenantId, tenantId))
    .orderBy(asc(caseServiceSettings.titleJa), asc(caseServiceSettings.serviceKey));
  const { q, ...filters } = o.filters;
  await recordAudit(tx, {
    tenantId,
    actor: o.actor,
    action: "cases.case.list",
    resource: { type: "cases_case", id: null },
    after: { count: rows.length, total, page: o.page, filters, search: q !== undefined },
    requestId: o.requestId ?? null,
    ip: o.ip ?? null,
  });
  return {
    cases: rows.map((row) => ({ ...row, sla: slaOf(row.case, clock) })),
    total,
    page: o.page,
    limit: o.limit,
    services: services.map((s) => ({ key: s.key, title: { ja: s.ja, en: s.en } })),
  };
}
