import type { Report } from "../schema.ts";
import {
  checkReach,
  inScope,
  lockReport,
  reportProblems,
  runReportChange,
  type StaffChangeContext,
  statusOf,
} from "../staff-changes.ts";
import { assignLocked, assignLookups, type MayHandle } from "./assign-report.ts";
import { changeStatusLocked } from "./change-report-status.ts";

export const MAX_BULK = 200;

export type BulkUpdateReportsOptions = StaffChangeContext & {
  mayHandle: MayHandle;
  reportIds: readonly string[];
  change:
    | {
        kind: "assign";
        departmentId?: string;
        /** A member to hand every report to; null unassigns them; undefined keeps each one's assignee. */
        assigneeStaffId?: string | null;
      }
    | { kind: "status"; statusKey: string };
};

/**
 * Why a report was left as it was: already so, merged, or (giving them to a member) the member is not one
 * the acting staff can choose (outside their scope, or in a role that may not handle reports), or works
 * outside that report's department and its sub-departments.
 */
export type BulkSkipReason = "unchanged" | "merged" | "assignee_unknown" | "assignee_outside_department";

export type BulkSkip = { reportId: string; reference: string; reason: BulkSkipReason };

export type BulkUpdateResult = { changed: Report[]; skipped: BulkSkip[] };

/**
 * The same assignment or status change for many reports. Each is checked against the member's reach: one
 * outside it refuses the whole batch (nothing changes). A report the change would leave as it is, or one
 * merged into another, is skipped and counted instead, so a selection that includes them still goes through.
 * Handing reports to a member is checked per report as the single assignment is (the member must work in
 * the report's department or below it): a report they cannot take is skipped with the reason, the rest
 * change, each with its own timeline entry, version, audit record and event.
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
  if (change.kind === "assign" && change.assigneeStaffId === "") {
    throw reportProblems.invalid({ ja: "担当者を選んでください", en: "Choose an assignee" });
  }
  return runReportChange(o, async (tx) => {
    // Every report is locked and checked first: one outside the member's reach refuses the batch.
    const locked: Report[] = [];
    for (const id of ids) {
      const report = await lockReport(tx, o.tenantId, id);
      checkReach(o, report);
      locked.push(report);
    }
    const status = change.kind === "status" ? await statusOf(tx, o.tenantId, change.statusKey) : null;
    // Read once for the batch and handed to every report's assignment.
    const lookups = assignLookups(tx, o.tenantId, o.mayHandle);
    const assignee = change.kind === "assign" && change.assigneeStaffId ? change.assigneeStaffId : null;
    // The member must be one the acting staff may see (their scope) and may handle reports.
    const member = assignee ? await lookups.member(assignee) : null;
    const assigneeDepartment =
      member?.departmentId && inScope(o.scope, member.departmentId) ? member.departmentId : null;
    const changed: Report[] = [];
    const skipped: BulkSkip[] = [];
    const skip = (report: Report, reason: BulkSkipReason) =>
      skipped.push({ reportId: report.id, reference: report.reference, reason });
    for (const report of locked) {
      if (report.mergedIntoId) {
        skip(report, "merged");
        continue;
      }
      if (assignee && !assigneeDepartment) {
        skip(report, "assignee_unknown");
        continue;
      }
      const departmentId = (change.kind === "assign" && change.departmentId) || report.departmentId;
      if (
        assigneeDepartment &&
        !(departmentId && (await lookups.subtree(departmentId)).has(assigneeDepartment))
      ) {
        skip(report, "assignee_outside_department");
        continue;
      }
      const unchanged =
        change.kind === "status"
          ? report.statusKey === status!.key
          : (change.departmentId ?? report.departmentId) === report.departmentId &&
            (change.assigneeStaffId === undefined || change.assigneeStaffId === report.assigneeStaffId);
      if (unchanged) {
        skip(report, "unchanged");
        continue;
      }
      const result =
        change.kind === "assign"
          ? await assignLocked(tx, { ...o, ...change }, report, lookups)
          : await changeStatusLocked(tx, { ...o, statusKey: change.statusKey }, report);
      changed.push(result.report);
    }
    return { changed, skipped };
  });
}
