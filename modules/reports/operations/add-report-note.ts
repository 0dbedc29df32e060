import type { Report } from "../schema.ts";
import {
  applyReportChange,
  checkReach,
  lockReport,
  runReportChange,
  type StaffChangeContext,
  staffText,
} from "../staff-changes.ts";

export type AddReportNoteOptions = StaffChangeContext & {
  reportId: string;
  expectedVersion?: number | null;
  body: string;
};

/** An internal note on the timeline: staff only, never shown to residents or sent to anyone. */
export async function addReportNote(o: AddReportNoteOptions): Promise<Report> {
  return runReportChange(o, async (tx) => {
    const report = await lockReport(tx, o.tenantId, o.reportId);
    checkReach(o, report, o.expectedVersion);
    const body = staffText(o.body, { ja: "メモ", en: "note" });
    const { report: updated } = await applyReportChange(tx, o, report, {
      entries: [{ kind: "note", public: false, body }],
      action: "reports.report.note",
      after: { length: body.length },
    });
    return updated;
  });
}
