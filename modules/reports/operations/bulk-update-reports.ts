import type { Report } from "../schema.ts";
import {
  checkReach,
  lockReport,
  reportProblems,
  runReportChange,
  type StaffChangeContext,
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

/**
 * The same assignment or status change for many reports, each checked against the member's reach: all of
 * them change, or none does (one refusal rolls the whole batch back).
 */
export async function bulkUpdateReports(o: BulkUpdateReportsOptions): Promise<Report[]> {
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
  return runReportChange(o, async (tx) => {
    const updated: Report[] = [];
    for (const id of ids) {
      const report = await lockReport(tx, o.tenantId, id);
      checkReach(o, report);
      const { change } = o;
      const result =
        change.kind === "assign"
          ? await assignLocked(tx, { ...o, ...change }, report)
          : await changeStatusLocked(tx, { ...o, statusKey: change.statusKey }, report);
      updated.push(result.report);
    }
    return updated;
  });
}
