import { and, asc, eq, sql } from "drizzle-orm";
import type { Actor } from "../../core/audit/actor.ts";
import { recordAudit } from "../../core/audit/record-audit.ts";
import type { Db } from "../../core/db/database.ts";
import { publishEvent } from "../../core/events/publish-event.ts";
import { recordChange } from "../../core/events/record-change.ts";
import { type Bilingual, ProblemError, problems } from "../../core/http/problem.ts";
import type { StaffScope } from "../../core/identity/policy.ts";
import {
  type Report,
  type ReportEntry,
  type ReportStatus,
  reportEntries,
  reportStatuses,
  reports,
} from "./schema.ts";

/** What every staff change of a report needs: who acts, within which departments, in which city. */
export type StaffChangeContext = {
  db: Db;
  tenantId: string;
  actor: Actor;
  /** The member's reach for the verb (authorizeStaffScope); a report outside it is refused and audited. */
  scope: StaffScope;
  requestId?: string | null;
};

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A whole number typed into a form, within [min, max]; null for anything else. Digits only (full-width ones
 * are folded), so "12abc", "1e3" or "3.0" are refused rather than read as a number.
 */
export function wholeNumber(value: string, min: number, max: number): number | null {
  const text = value.normalize("NFKC").trim();
  if (!/^-?\d{1,9}$/.test(text)) {
    return null;
  }
  const n = Number(text);
  return n >= min && n <= max ? n : null;
}

/** A report outside the member's departments: answered 403, and audited after the change is rolled back. */
export class OutOfScopeError extends ProblemError {
  readonly reportId: string;
  readonly departmentId: string | null;
  constructor(report: Pick<Report, "id" | "departmentId">) {
    super(403, "forbidden", {
      ja: "この通報は担当部署の範囲外です",
      en: "This report belongs to a department outside yours",
    });
    this.reportId = report.id;
    this.departmentId = report.departmentId;
  }
}

export const reportProblems = {
  notFound: () => problems.notFound(),
  stale: () =>
    problems.conflict({
      ja: "ほかの人がこの通報を先に更新しました。画面を開き直して確認してください",
      en: "Someone else changed this report first. Reload it and check",
    }),
  invalid: (title: Bilingual) => new ProblemError(422, "invalid-report-change", title),
};

export function inScope(scope: StaffScope, departmentId: string | null): boolean {
  return scope.all || (departmentId !== null && scope.departmentIds.includes(departmentId));
}

/** The report of this city, locked for the change; 404 for another city's or an unknown id. */
export async function lockReport(tx: Db, tenantId: string, reportId: string): Promise<Report> {
  if (!UUID.test(reportId)) {
    throw reportProblems.notFound();
  }
  const [report] = await tx
    .select()
    .from(reports)
    .where(and(eq(reports.tenantId, tenantId), eq(reports.id, reportId)))
    .for("update");
  if (!report) {
    throw reportProblems.notFound();
  }
  return report;
}

/** Refuses a report outside the member's reach, or one changed since the page showing it was drawn. */
export function checkReach(ctx: StaffChangeContext, report: Report, expectedVersion?: number | null) {
  if (!inScope(ctx.scope, report.departmentId)) {
    throw new OutOfScopeError(report);
  }
  if (expectedVersion != null && expectedVersion !== report.version) {
    throw reportProblems.stale();
  }
}

export async function loadStatuses(db: Db, tenantId: string): Promise<ReportStatus[]> {
  return db
    .select()
    .from(reportStatuses)
    .where(eq(reportStatuses.tenantId, tenantId))
    .orderBy(asc(reportStatuses.sortOrder), asc(reportStatuses.key));
}

export async function statusOf(db: Db, tenantId: string, key: string): Promise<ReportStatus> {
  const [status] = await db
    .select()
    .from(reportStatuses)
    .where(and(eq(reportStatuses.tenantId, tenantId), eq(reportStatuses.key, key)));
  if (!status) {
    throw reportProblems.invalid({ ja: "その状態はありません", en: "There is no such status" });
  }
  return status;
}

/** The columns a move to `status` sets: stage and category denormalised, closed_at kept while closed. */
export function statusColumns(report: Pick<Report, "closedAt">, status: ReportStatus) {
  return {
    statusKey: status.key,
    stage: status.stage,
    statusCategory: status.category,
    closedAt: status.category === "open" ? null : (report.closedAt ?? new Date()),
  };
}

type EntryInput = Omit<
  typeof reportEntries.$inferInsert,
  "tenantId" | "reportId" | "actorType" | "actorId" | "staffId" | "id" | "createdAt"
>;

export type ReportChange = {
  set?: Partial<typeof reports.$inferInsert>;
  entries: EntryInput[];
  /** Audit action, e.g. "reports.report.assign". */
  action: string;
  before?: unknown;
  after?: unknown;
  /**
   * Built once the entries exist, so an event can name the entry it is about. Several when one change is two
   * things a subscriber or webhook listens for (a reply that also moves the status).
   */
  event?: (written: ReportEntry[]) => ReportEvent | ReportEvent[];
};

type ReportEvent = { name: string; payload: Record<string, unknown> };

/**
 * Writes one change of a report: the columns, its timeline entries, version and updated_at bumped, the audit
 * record and the event, in the caller's transaction. The update is guarded by the version read under lock.
 */
export async function applyReportChange(
  tx: Db,
  ctx: StaffChangeContext,
  report: Report,
  change: ReportChange,
): Promise<{ report: Report; entries: ReportEntry[] }> {
  const [updated] = await tx
    .update(reports)
    .set({ ...change.set, version: sql`${reports.version} + 1`, updatedAt: new Date() })
    .where(and(eq(reports.id, report.id), eq(reports.version, report.version)))
    .returning();
  if (!updated) {
    throw reportProblems.stale();
  }
  const staffId = ctx.actor.type === "staff" ? ctx.actor.id : null;
  const written =
    change.entries.length === 0
      ? []
      : await tx
          .insert(reportEntries)
          .values(
            change.entries.map((entry) => ({
              ...entry,
              tenantId: report.tenantId,
              reportId: report.id,
              actorType: ctx.actor.type,
              actorId: ctx.actor.id,
              staffId,
            })),
          )
          .returning();
  const [event, ...more] = change.event ? [change.event(written)].flat() : [];
  await recordChange(tx, {
    tenantId: report.tenantId,
    actor: ctx.actor,
    action: change.action,
    resource: { type: "report", id: report.id },
    before: change.before,
    after: change.after,
    ...(event ? { event } : {}),
    requestId: ctx.requestId ?? null,
  });
  for (const also of more) {
    await publishEvent(tx, { tenantId: report.tenantId, ...also, actor: ctx.actor });
  }
  return { report: updated, entries: written };
}

/**
 * Runs a change in one transaction; a refusal for scope is audited afterwards on the plain connection,
 * since the transaction that found it is rolled back.
 */
export async function runReportChange<T>(ctx: StaffChangeContext, work: (tx: Db) => Promise<T>): Promise<T> {
  try {
    return await ctx.db.transaction(work);
  } catch (error) {
    if (error instanceof OutOfScopeError) {
      await recordAudit(ctx.db, {
        tenantId: ctx.tenantId,
        actor: ctx.actor,
        action: "access.denied",
        resource: { type: "report", id: error.reportId },
        after: { departmentId: error.departmentId },
        requestId: ctx.requestId ?? null,
      });
    }
    throw error;
  }
}

/** A change of one report, shown on a page drawn at `expectedVersion` (when given). */
export type OneReportChange = StaffChangeContext & {
  reportId: string;
  expectedVersion?: number | null;
};

/** Runs a change of one report, locked and checked for reach and staleness first. */
export async function changeOneReport<T>(
  o: OneReportChange,
  work: (tx: Db, report: Report) => Promise<T>,
): Promise<T> {
  return runReportChange(o, async (tx) => {
    const report = await lockReport(tx, o.tenantId, o.reportId);
    checkReach(o, report, o.expectedVersion);
    return work(tx, report);
  });
}

/** Text typed by staff: normalised, trimmed, and refused when empty or too long. */
export function staffText(value: string, what: Bilingual, max = 4000): string {
  const text = value.normalize("NFC").trim();
  if (text.length === 0) {
    throw reportProblems.invalid({ ja: `${what.ja}を入力してください`, en: `Enter the ${what.en}` });
  }
  if (text.length > max) {
    throw reportProblems.invalid({
      ja: `${what.ja}は${max}文字以内にしてください`,
      en: `The ${what.en} can be at most ${max} characters`,
    });
  }
  return text;
}
