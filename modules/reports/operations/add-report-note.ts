import type { Report } from "../schema.ts";
import { applyReportChange, changeOneReport, type OneReportChange, staffText } from "../staff-changes.ts";

export type AddReportNoteOptions = OneReportChange & {
  body: string;
};

/** An internal note on the timeline: staff only, never shown to residents or sent to anyone. */
export async function addReportNote(o: AddReportNoteOptions): Promise<Report> {
  return changeOneReport(o, async (tx, report) => {
    const body = staffText(o.body, { ja: "メモ", en: "note" });
    const { report: updated } = await applyReportChange(tx, o, report, {
      entries: [{ kind: "note", public: false, body }],
      action: "reports.report.note",
      after: { length: body.length },
    });
    return updated;
  });
}
