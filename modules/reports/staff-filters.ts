import {
  and,
  asc,
  count,
  desc,
  eq,
  ilike,
  inArray,
  isNotNull,
  isNull,
  lt,
  or,
  type SQL,
  sql,
} from "drizzle-orm";
import type { Db } from "../../core/db/database.ts";
import type { StaffScope } from "../../core/identity/policy.ts";
import { type Report, reportCategories, reportStages, reports } from "./schema.ts";
import { UUID } from "./staff-changes.ts";

/** The staff list's filters, as the query string carries them; the CSV export takes the same. */
export type ReportFilters = {
  status: string;
  stage: string;
  category: string;
  department: string;
  area: string;
  /** "mine", "unassigned" or a member's id. */
  assignee: string;
  overdue: boolean;
  q: string;
  sort: "received" | "due";
  page: number;
};

export const PAGE_SIZE = 50;

export function parseReportFilters(query: (name: string) => string | undefined): ReportFilters {
  const text = (name: string) => (query(name) ?? "").trim().slice(0, 100);
  const page = Number.parseInt(text("page"), 10);
  const stage = text("stage");
  return {
    status: text("status"),
    stage: (reportStages as readonly string[]).includes(stage) ? stage : "",
    category: text("category"),
    department: UUID.test(text("department")) ? text("department") : "",
    area: UUID.test(text("area")) ? text("area") : "",
    assignee:
      ["mine", "unassigned"].includes(text("assignee")) || UUID.test(text("assignee"))
        ? text("assignee")
        : "",
    overdue: text("overdue") === "1",
    q: text("q"),
    sort: text("sort") === "due" ? "due" : "received",
    page: Number.isSafeInteger(page) && page > 0 ? page : 1,
  };
}

/** The filters as a query string (without the page unless asked), for links that keep them. */
export function filtersQuery(filters: ReportFilters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (key === "page" || value === "" || value === false || (key === "sort" && value === "received")) {
      continue;
    }
    params.set(key, value === true ? "1" : String(value));
  }
  for (const [key, value] of Object.entries(extra)) {
    params.set(key, value);
  }
  return params.toString();
}

/** The WHERE of a staff query: this city, the member's departments, and the filters. */
export function reportConditions(o: {
  tenantId: string;
  scope: StaffScope;
  staffId: string;
  filters: ReportFilters;
  now?: Date;
}): SQL {
  const { filters } = o;
  const conditions: (SQL | undefined)[] = [eq(reports.tenantId, o.tenantId)];
  if (!o.scope.all) {
    conditions.push(
      o.scope.departmentIds.length > 0
        ? inArray(reports.departmentId, [...o.scope.departmentIds])
        : sql`false`,
    );
  }
  if (filters.status) {
    conditions.push(eq(reports.statusKey, filters.status));
  }
  if (filters.stage) {
    conditions.push(sql`${reports.stage} = ${filters.stage}`);
  }
  if (filters.category) {
    conditions.push(
      sql`${reports.categoryId} in (select ${reportCategories.id} from ${reportCategories} where ${reportCategories.tenantId} = ${o.tenantId} and ${reportCategories.code} = ${filters.category})`,
    );
  }
  if (filters.department) {
    conditions.push(eq(reports.departmentId, filters.department));
  }
  if (filters.area) {
    conditions.push(eq(reports.areaId, filters.area));
  }
  if (filters.assignee === "mine") {
    conditions.push(eq(reports.assigneeStaffId, o.staffId));
  } else if (filters.assignee === "unassigned") {
    conditions.push(isNull(reports.assigneeStaffId));
  } else if (filters.assignee) {
    conditions.push(eq(reports.assigneeStaffId, filters.assignee));
  }
  if (filters.overdue) {
    conditions.push(
      and(
        eq(reports.statusCategory, "open"),
        isNotNull(reports.dueAt),
        lt(reports.dueAt, o.now ?? new Date()),
      ),
    );
  }
  if (filters.q) {
    const like = `%${filters.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    conditions.push(or(ilike(reports.reference, like), ilike(reports.description, like)));
  }
  return and(...conditions)!;
}

export async function findReports(
  db: Db,
  o: Parameters<typeof reportConditions>[0] & { limit: number; offset?: number },
): Promise<{ rows: Report[]; total: number }> {
  const where = reportConditions(o);
  const order =
    o.filters.sort === "due"
      ? [sql`${reports.dueAt} asc nulls last`, desc(reports.receivedAt)]
      : [desc(reports.receivedAt), asc(reports.id)];
  const [rows, [counted]] = await Promise.all([
    db
      .select()
      .from(reports)
      .where(where)
      .orderBy(...order)
      .limit(o.limit)
      .offset(o.offset ?? 0),
    db.select({ n: count() }).from(reports).where(where),
  ]);
  return { rows, total: Number(counted?.n ?? 0) };
}
