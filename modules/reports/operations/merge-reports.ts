import { and, asc, eq } from "drizzle-orm";
import { type Report, type ReportFollower, reportFollowers, reportStatuses, reports } from "../schema.ts";
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
      .where(and(eq(reportFollowers.tenantId, o.tenantId), eq(reportFollowers.reportId, duplicate.id)));
    const already = await tx
      .select()
      .from(reportFollowers)
      .where(and(eq(reportFollowers.tenantId, o.tenantId), eq(reportFollowers.reportId, target.id)));
    // E-mail addresses are compared as the unique index does, case-insensitively.
    const keyOf = (f: ReportFollower) => f.residentId ?? `mail:${f.email?.toLowerCase()}`;
    const known = new Map(already.map((f) => [keyOf(f), f]));
    // An address the target already has but only this duplicate's follower confirmed counts as confirmed.
    const confirms: { id: string; confirmedAt: Date }[] = [];
    const carried = followers.filter((f) => {
      const present = known.get(keyOf(f));
      if (present) {
        if (f.email && f.confirmedAt && !present.confirmedAt) {
          confirms.push({ id: present.id, confirmedAt: f.confirmedAt });
        }
        return false;
      }
      known.set(keyOf(f), f);
      return true;
    });
    for (const confirm of confirms) {
      await tx
        .update(reportFollowers)
        .set({ confirmedAt: confirm.confirmedAt, confirmTokenHash: null })
        .where(and(eq(reportFollowers.tenantId, o.tenantId), eq(reportFollowers.id, confirm.id)));
    }
    if (carried.length > 0) {
      // A follower added to the target meanwhile (a resident pressing "follow") is not an error.
      await tx
        .insert(reportFollowers)
        .values(
          carried.map((f) => ({
            tenantId: o.tenantId,
            reportId: target.id,
            residentId: f.residentId,
            email: f.residentId ? null : f.email,
            source: "merge" as const,
            locale: f.locale,
            // An unconfirmed address stays so; confirming it by the duplicate's link confirms this copy too.
            confirmedAt: f.confirmedAt,
          })),
        )
        .onConflictDoNothing();
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
      // The duplicate's status move is announced for webhooks; followers hear of it once, from the merge.
      event: ([entry]) => [
        { name: "reports.report_merged", payload: { reportId: duplicate.id, intoId: target.id } },
        {
          name: "reports.report_status_changed",
          payload: {
            reportId: duplicate.id,
            from: duplicate.statusKey,
            to: status.key,
            entryId: entry!.id,
            via: "merge",
          },
        },
      ],
    });
    return { duplicate: closedDuplicate, target: mergedTarget };
  });
}
