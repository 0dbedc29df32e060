import { and, eq, gte, inArray, isNull, lte, type SQL, sql } from "drizzle-orm";
import type { StaffScope } from "../identity/policy.ts";
import { type CaseChannel, cases } from "./schema.ts";
import { searchCondition } from "./search-text.ts";
import { type SlaBucket, type SlaClock, slaCondition } from "./sla.ts";
import type { CaseStatus } from "./status.ts";

/** The queue's filters, as the staff API and the export take them. */
export type CaseFilters = {
  status?: CaseStatus[];
  /** A department and the departments below it. */
  departmentId?: string;
  serviceKey?: string;
  /** "me", "none" (unassigned) or a staff member's id. */
  assignee?: string;
  teamId?: string;
  /** Received at or after / before. */
  from?: Date;
  to?: Date;
  sla?: SlaBucket;
  channel?: CaseChannel[];
  /** Japanese full-text search (search-text.ts). */
  q?: string;
};

/** What a member may see: their departments' cases, or every case for a tenant-wide scope. */
export function scopeCondition(scope: StaffScope): SQL | undefined {
  if (scope.all) {
    return undefined;
  }
  // Operators are granted catalog services by id, which cases do not carry: they see no cases yet.
  if (scope.departmentIds.length === 0) {
    return sql`false`;
  }
  return inArray(cases.departmentId, [...scope.departmentIds]);
}

export function inScope(scope: StaffScope, departmentId: string | null): boolean {
  return scope.all || (departmentId !== null && scope.departmentIds.includes(departmentId));
}

/** The WHERE of a queue query: tenant, scope and every filter given. */
export function caseConditions(o: {
  tenantId: string;
  scope: StaffScope;
  filters: CaseFilters;
  /** The member asking, for assignee=me. */
  staffId: string | null;
  clock: SlaClock;
}): SQL {
  const { filters: f, tenantId } = o;
  const assignee =
    f.assignee === undefined
      ? undefined
      : f.assignee === "none"
        ? isNull(cases.assigneeStaffId)
        : f.assignee === "me"
          ? o.staffId
            ? eq(cases.assigneeStaffId, o.staffId)
            : sql`false`
          : eq(cases.assigneeStaffId, f.assignee);
  return and(
    eq(cases.tenantId, tenantId),
    scopeCondition(o.scope),
    f.status?.length ? inArray(cases.status, f.status) : undefined,
    f.channel?.length ? inArray(cases.channel, f.channel) : undefined,
    f.departmentId
      ? sql`${cases.departmentId} IN (WITH RECURSIVE subtree AS (
          SELECT id FROM departments WHERE tenant_id = ${tenantId} AND id = ${f.departmentId}
          UNION
          SELECT d.id FROM departments d JOIN subtree s ON d.parent_id = s.id WHERE d.tenant_id = ${tenantId}
        ) SELECT id FROM subtree)`
      : undefined,
    f.serviceKey ? eq(cases.serviceKey, f.serviceKey) : undefined,
    assignee,
    f.teamId ? eq(cases.assigneeTeamId, f.teamId) : undefined,
    f.from ? gte(cases.receivedAt, f.from) : undefined,
    f.to ? lte(cases.receivedAt, f.to) : undefined,
    f.sla ? slaCondition(f.sla, o.clock) : undefined,
    f.q ? searchCondition(cases, f.q) : undefined,
  )!;
}

/** Open cases first, the most urgent deadline first, then the oldest. */
export const queueOrder = [
  sql`CASE WHEN ${cases.status} IN ('completed', 'rejected', 'withdrawn') THEN 1 ELSE 0 END`,
  sql`${cases.dueAt} ASC NULLS LAST`,
  sql`${cases.receivedAt} ASC`,
  sql`${cases.id} ASC`,
];
