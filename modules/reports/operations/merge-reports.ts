import { and, asc, eq } from "drizzle-orm";
import { type Report, reportFollowers, reportStatuses, reports } from "../schema.ts";
import {
  applyReportChange,
  checkReach,
  lockReport,
  reportProblems,
  runReportChange,
  type StaffChangeContext,
  statusColumns,
  UUID,
} from "../staff-changes.ts";

export type MergeReportsOptions = StaffChangeContext & {
  /** The duplicate, which is closed. */
  reportId: string;
  expectedVersion?: number | null;
  /** The report it duplicates, by id or by reference (as staff type it). */
  into: { id: string } | { reference: string };
};

/**
 * Merges a duplicate into the report it repeats: the duplicate is closed (the city's "duplicate" status, or
 * its first closed one) and points at the target; its followers follow the target too, so they hear how the
 * one problem ends. Both timelines say so publicly.
 */
export async function mergeReports(o: MergeReportsOptions): Promise<{ duplicate: Report; target: Report }> {
  return runReportChange(o, async (tx) => {
    let intoId: string;
    if ("id" in o.into) {
      intoId = o.into.id;
    } else {
      const reference = o.into.reference.normalize("NFKC").trim().toUpperCase();
      const [found] = await tx
        .select({ id: reports.id })
        .from(reports)
        .where(and(eq(reports.tenantId, o.tenantId), eq(reports.reference, reference)));
      if (!found) {
        throw reportProblems.invalid({
          ja: `受付番号 ${reference} の通報はありません`,
          en: `There is no report with reference ${reference}`,
        });
      }
      intoId = found.id;
    }
    if (!UUID.test(intoId)) {
      throw reportProblems.invalid({
        ja: "統合先の通報を選ぶか、受付番号を入力してください",
        en: "Choose the report to merge into, or type its reference",
      });
    }
    if (intoId === o.reportId) {
      throw reportProblems.invalid({
        ja: "通報をそれ自身に統合することはできません",
        en: "A report cannot be merged into itself",
      });
    }
    // Always lock in the same order, so two opposite merges wait instead of deadlocking.
    const [first, second] = [o.reportId, intoId].sort();
    const locked = new Map<string, Report>();
    for (const id of [first!, second!]) {
      locked.set(id, await lockReport(tx, o.tenantId, id));
    }
    const duplicate = locked.get(o.reportId)!;
    const target = locked.get(intoId)!;
    checkReach(o, duplicate, o.expectedVersion);
    checkReach(o, target);
    if (duplicate.mergedIntoId) {
      throw reportProblems.invalid({
        ja: "この通報はすでに統合済みです",
        en: "This report is already merged",
      });
    }
    if (target.mergedIntoId) {
      throw reportProblems.invalid({
        ja: "統合済みの通報には統合できません。統合先の通報を選んでください",
        en: "Cannot merge into a merged report; choose the report it was merged into",
      });
    }
    const closed = await tx
      .select()
      .from(reportStatuses)
      .where(and(eq(reportStatuses.tenantId, o.tenantId), eq(reportStatuses.category, "closed")))
      .orderBy(asc(reportStatuses.sortOrder), asc(reportStatuses.key));
    const status = closed.find((s) => s.key === "duplicate") ?? closed[0];
    if (!status) {
      throw reportProblems.invalid({
        ja: "「対応しない（closed）」の状態がありません。設定で追加してください",
        en: "The city has no closed status; add one in the settings",
      });
    }
    const followers = await tx
      .select()
      .from(reportFollowers)
      .where(eq(reportFollowers.reportId, duplicate.id));
    const already = await tx.select().from(reportFollowers).where(eq(reportFollowers.reportId, target.id));
    const known = new Set(already.map((f) => f.residentId ?? `mail:${f.email}`));
    const carried = followers.filter((f) => {
      const key = f.residentId ?? `mail:${f.email}`;
      if (known.has(key)) {
        return false;
      }
      known.add(key);
      return true;
    });
    if (carried.length > 0) {
      await tx.insert(reportFollowers).values(
        carried.map((f) => ({
          tenantId: o.tenantId,
          reportId: target.id,
          residentId: f.residentId,
          email: f.residentId ? null : f.email,
          source: "merge" as const,
        })),
      );
    }
    const { report: mergedTarget } = await applyReportChange(tx, o, target, {
      entries: [{ kind: "merged_from", public: true, data: { reference: duplicate.reference } }],
      action: "reports.report.merge_into",
      after: { from: duplicate.id, followers: carried.length },
    });
    const { report: closedDuplicate } = await applyReportChange(tx, o, duplicate, {
      set: { ...statusColumns(duplicate, status), mergedIntoId: target.id },
      entries: [
        {
          kind: "merged",
          public: true,
          fromStatus: duplicate.statusKey,
          toStatus: status.key,
          data: { reference: target.reference },
        },
      ],
      action: "reports.report.merge",
      before: { status: duplicate.statusKey },
      after: { status: status.key, into: target.id },
      event: () => ({
        name: "reports.report_merged",
        payload: { reportId: duplicate.id, intoId: target.id },
      }),
    });
    return { duplicate: closedDuplicate, target: mergedTarget };
  });
}
