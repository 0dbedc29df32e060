import { and, eq, sql } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { reportCategories, reportEntries, reportFollowers, reportStatuses, reports } from "../schema.ts";

type Bilingual = { ja: string; en: string };

export const MAX_REOPEN_REASON_LENGTH = 2000;
const DAY_MS = 86_400_000;

export type ReopenReportOptions = {
  db: Db;
  tenantId: string;
  reportId: string;
  /** The signed-in resident asking: only the reporter or a follower may reopen. */
  residentId: string;
  reason: string;
  actor: Actor;
  now?: Date;
  requestId?: string | null;
};

export type ReopenReportResult =
  | { ok: true }
  | { ok: false; status: 403 | 404 | 409 | 422; message: Bilingual };

/** When a closed report can still be reopened (null when it is open or the window has passed). */
export function reopenDeadline(
  report: { statusCategory: string; closedAt: Date | null },
  reopenDays: number,
): Date | null {
  if (report.statusCategory === "open" || !report.closedAt) {
    return null;
  }
  return new Date(report.closedAt.getTime() + reopenDays * DAY_MS);
}

/**
 * "It is not fixed after all": within the category's reopen period after closing, the reporter or a
 * follower sets the report back to the city's initial status with a public reason on the timeline.
 */
export async function reopenReport(options: ReopenReportOptions): Promise<ReopenReportResult> {
  const { db, tenantId, reportId, residentId } = options;
  const now = options.now ?? new Date();
  const reason = options.reason.normalize("NFC").trim();
  if (reason.length === 0 || reason.length > MAX_REOPEN_REASON_LENGTH) {
    return {
      ok: false,
      status: 422,
      message: {
        ja: `まだ直っていない理由を${MAX_REOPEN_REASON_LENGTH}文字以内で書いてください`,
        en: `Say why it is not fixed, in at most ${MAX_REOPEN_REASON_LENGTH} characters`,
      },
    };
  }
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ report: reports, category: reportCategories })
      .from(reports)
      .innerJoin(reportCategories, eq(reportCategories.id, reports.categoryId))
      .where(and(eq(reports.tenantId, tenantId), eq(reports.id, reportId)))
      .for("update", { of: reports });
    if (!row) {
      return { ok: false, status: 404, message: { ja: "通報が見つかりません", en: "Report not found" } };
    }
    const { report, category } = row;
    const [follower] = await tx
      .select({ id: reportFollowers.id })
      .from(reportFollowers)
      .where(
        and(
          eq(reportFollowers.tenantId, tenantId),
          eq(reportFollowers.reportId, reportId),
          eq(reportFollowers.residentId, residentId),
        ),
      );
    if (report.residentId !== residentId && !follower) {
      return {
        ok: false,
        status: 403,
        message: {
          ja: "通報した人とフォローしている人だけが再開を依頼できます",
          en: "Only the reporter and followers can reopen a report",
        },
      };
    }
    const deadline = reopenDeadline(report, category.reopenDays);
    if (report.mergedIntoId || !deadline || now > deadline) {
      return {
        ok: false,
        status: 409,
        message: {
          ja: `この通報は再開できません（対応完了から${category.reopenDays}日以内の通報だけ再開できます）。新しく通報してください`,
          en: `This report cannot be reopened (only within ${category.reopenDays} days after it was closed). Please file a new report`,
        },
      };
    }
    const [initial] = await tx
      .select()
      .from(reportStatuses)
      .where(and(eq(reportStatuses.tenantId, tenantId), eq(reportStatuses.isInitial, true)));
    if (!initial) {
      throw new Error(`Tenant ${tenantId} has no initial report status`);
    }
    await tx
      .update(reports)
      .set({
        statusKey: initial.key,
        stage: initial.stage,
        statusCategory: initial.category,
        closedAt: null,
        updatedAt: now,
        version: sql`${reports.version} + 1`,
      })
      .where(and(eq(reports.tenantId, tenantId), eq(reports.id, reportId)));
    await tx.insert(reportEntries).values({
      tenantId,
      reportId,
      kind: "reopened",
      actorType: options.actor.type,
      actorId: options.actor.id,
      fromStatus: report.statusKey,
      toStatus: initial.key,
      body: reason,
      public: true,
      createdAt: now,
    });
    await recordChange(tx, {
      tenantId,
      actor: options.actor,
      action: "reports.report.reopen",
      resource: { type: "report", id: reportId },
      before: { status: report.statusKey, closedAt: report.closedAt?.toISOString() ?? null },
      after: { status: initial.key },
      event: { name: "reports.report_reopened", payload: { reportId } },
      requestId: options.requestId ?? null,
    });
    return { ok: true };
  });
}
