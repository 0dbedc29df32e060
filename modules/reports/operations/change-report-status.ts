import type { Db } from "../../../core/db/database.ts";
import type { Report } from "../schema.ts";
import {
  applyReportChange,
  changeOneReport,
  type OneReportChange,
  reportProblems,
  type StaffChangeContext,
  staffText,
  statusColumns,
  statusOf,
} from "../staff-changes.ts";

export type ChangeReportStatusOptions = OneReportChange & {
  statusKey: string;
  /** A public reply going with the change (e.g. from a template); shown on the public page and sent to followers. */
  replyBody?: string | null;
};

/**
 * Moves a report to any of the city's statuses; the stage (pin colour) and open/closed follow the status's
 * definition. A reply given with it is the same public entry, so followers get one message with both.
 */
export async function changeReportStatus(o: ChangeReportStatusOptions): Promise<Report> {
  return changeOneReport(o, async (tx, report) => {
    return (await changeStatusLocked(tx, o, report)).report;
  });
}

/** The status change of a report already locked and checked (also used by the bulk update and replies). */
export async function changeStatusLocked(
  tx: Db,
  o: StaffChangeContext & Pick<ChangeReportStatusOptions, "statusKey" | "replyBody">,
  report: Report,
) {
  const status = await statusOf(tx, o.tenantId, o.statusKey);
  if (status.key === report.statusKey) {
    throw reportProblems.invalid({ ja: "状態は変わっていません", en: "The status is unchanged" });
  }
  if (report.mergedIntoId) {
    throw reportProblems.invalid({
      ja: "統合済みの通報の状態は変えられません",
      en: "A merged report's status cannot be changed",
    });
  }
  const body = o.replyBody?.trim() ? staffText(o.replyBody, { ja: "回答", en: "reply" }) : null;
  return applyReportChange(tx, o, report, {
    set: statusColumns(report, status),
    entries: [
      { kind: "status_changed", public: true, fromStatus: report.statusKey, toStatus: status.key, body },
    ],
    action: "reports.report.change_status",
    before: { status: report.statusKey },
    after: { status: status.key, reply: body !== null },
    event: ([entry]) => ({
      name: "reports.report_status_changed",
      payload: { reportId: report.id, from: report.statusKey, to: status.key, entryId: entry!.id },
    }),
  });
}
