import type { Report } from "../schema.ts";
import {
  checkReach,
  lockReport,
  reportProblems,
  runReportChange,
  type StaffChangeContext,
  statusOf,
} from "../staff-changes.ts";
import { assignLocked } from "./assign-report.ts";
import { changeStatusLocked } from "./change-report-status.ts";

export const MAX_BULK = 200;

export type BulkUpdateReportsOptions = StaffChangeContext & {
  reportIds: readonly string[];
  change:
    | { kind: "assign"; departmentId?: string; assigneeStaffId?: string | null }
    | { kind: "status"; statusKey: string };
};

export type BulkSkip = { reportId: string; reason: "unchanged" | "merged" };

export type BulkUpdateResult = { changed: Report[]; skipped: BulkSkip[] };

/**
 * The same assignment or status change for many reports. Each is checked against the member's reach: one
 * outside it refuses the whole batch (nothing changes). A report the change would leave as it is, or one
 * merged into another, is skipped and counted instead, so a selection that includes them still goes through.
 */
export async function bulkUpdateReports(o: BulkUpdateReportsOptions): Promise<BulkUpdateResult> {
  const ids = [...new Set(o.reportIds)].sort();
  if (ids.length === 0) {
    throw reportProblems.invalid({ ja: "通報を選んでください", en: "Select at least one report" });
  }
  if (ids.length > MAX_BULK) {
    throw reportProblems.invalid({
      ja: `一度に変更できるのは${MAX_BULK}件までです`,
      en: `At most ${MAX_BULK} reports can be changed at once`,
    });
  }
  const { change } = o;
  return runReportChange(o, async (tx) => {
    // Every report is locked and checked first: one outside the member's reach refuses the batch.
    const locked: Report[] = [];
    for (const id of ids) {
      const report = await lockReport(tx, o.tenantId, id);
      checkReach(o, report);
      locked.push(report);
    }
    const status = change.kind === "status" ? await statusOf(tx, o.tenantId, change.statusKey) : null;
    const changed: Report[] = [];
    const skipped: BulkSkip[] = [];
    for (const report of locked) {
      if (report.mergedIntoId) {
        skipped.push({ reportId: report.id, reason: "merged" });
        continue;
      }
      const unchanged =
        change.kind === "status"
          ? report.statusKey === status!.key
          : (change.departmentId ?? report.departmentId) === report.departmentId &&
            (change.assigneeStaffId === undefined || change.assigneeStaffId === report.assigneeStaffId);
      if (unchanged) {
        skipped.push({ reportId: report.id, reason: "unchanged" });
        continue;
      }
      const result =
        change.kind === "assign"
          ? await assignLocked(tx, { ...o, ...change }, report)
          : await changeStatusLocked(tx, { ...o, statusKey: change.statusKey }, report);
      changed.push(result.report);
    }
    return { changed, skipped };
  });
}
