import { eq } from "drizzle-orm";
import { publicPlacement } from "../placement.ts";
import { type Report, reportCategories } from "../schema.ts";
import {
  applyReportChange,
  changeOneReport,
  type OneReportChange,
  reportProblems,
} from "../staff-changes.ts";

export type HideReportOptions = OneReportChange & {
  /** True takes it off the public map (e.g. a private address in the text); false shows it again. */
  hidden: boolean;
};

/** Hides a report from, or shows it again on, the public map; the category's own placement still applies. */
export async function hideReport(o: HideReportOptions): Promise<Report> {
  return changeOneReport(o, async (tx, report) => {
    if (report.hiddenByStaff === o.hidden) {
      throw reportProblems.invalid(
        o.hidden
          ? { ja: "すでに地図から隠しています", en: "It is already hidden from the map" }
          : { ja: "すでに地図に表示しています", en: "It is already shown on the map" },
      );
    }
    const [category] = await tx
      .select()
      .from(reportCategories)
      .where(eq(reportCategories.id, report.categoryId));
    const { report: updated } = await applyReportChange(tx, o, report, {
      set: { hiddenByStaff: o.hidden, ...publicPlacement(category!, report, o.hidden) },
      entries: [{ kind: "hidden", public: false, data: { hidden: o.hidden } }],
      action: o.hidden ? "reports.report.hide" : "reports.report.show",
      before: { hidden: report.hiddenByStaff },
      after: { hidden: o.hidden },
    });
    return updated;
  });
}
