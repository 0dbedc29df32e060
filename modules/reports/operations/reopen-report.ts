import { and, count, eq, sql } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import { dueAtFor, tenantCalendar } from "../../../core/cases/sla.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { hasUnwritableCharacters } from "../../../core/http/unwritable-text.ts";
import { reportCategories, reportEntries, reportFollowers, reportStatuses, reports } from "../schema.ts";

type Bilingual = { ja: string; en: string };

export const MAX_REOPEN_REASON_LENGTH = 2000;
/** A report that keeps coming back needs a fresh report and a fresh look, not a fourth reopen. */
export const MAX_REOPENS = 3;
const DAY_MS = 86_400_000;

/** Why a reason cannot be accepted, or null when it can. */
export function reopenReasonProblem(reason: string): Bilingual | null {
  const text = reason.normalize("NFC").trim();
  if (hasUnwritableCharacters(text)) {
    return {
      ja: "直っていない理由に使えない文字が含まれています",
      en: "The reason contains characters that cannot be used",
    };
  }
  if (text.length === 0 || text.length > MAX_REOPEN_REASON_LENGTH) {
    return {
      ja: `まだ直っていない理由を${MAX_REOPEN_REASON_LENGTH}文字以内で書いてください`,
      en: `Say why it is not fixed, in at most ${MAX_REOPEN_REASON_LENGTH} characters`,
    };
  }
  return null;
}

export type ReopenReportOptions = {
  db: Db;
  tenantId: string;
  reportId: string;
  /** The signed-in resident asking: only the reporter or someone who followed before it was closed. */
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

export type ReopenCheck = {
  report: {
    residentId: string | null;
    statusCategory: string;
    closedAt: Date | null;
    mergedIntoId: string | null;
  };
  reopenDays: number;
  residentId: string;
  /** When this resident started following, if they do. */
  followedAt: Date | null;
  reopens: number;
  now: Date;
};

/**
 * Why this resident may not reopen now, or null when they may. Someone who followed only after the report
 * was closed cannot reopen it: otherwise anyone could follow and reopen any closed report.
 */
export function reopenRefusal(check: ReopenCheck): Extract<ReopenReportResult, { ok: false }> | null {
  const { report } = check;
  const entitled =
    report.residentId === check.residentId ||
    (check.followedAt !== null && report.closedAt !== null && check.followedAt < report.closedAt);
  if (!entitled) {
    return {
      ok: false,
      status: 403,
      message: {
        ja: "通報した人と、対応完了の前からフォローしている人だけが再開を依頼できます",
        en: "Only the reporter and people who followed it before it was closed can reopen a report",
      },
    };
  }
  const deadline = reopenDeadline(report, check.reopenDays);
  if (report.mergedIntoId || !deadline || check.now > deadline) {
    return {
      ok: false,
      status: 409,
      message: {
        ja: `この通報は再開できません（対応完了から${check.reopenDays}日以内の通報だけ再開できます）。新しく通報してください`,
        en: `This report cannot be reopened (only within ${check.reopenDays} days after it was closed). Please file a new report`,
      },
    };
  }
  if (check.reopens >= MAX_REOPENS) {
    return {
      ok: false,
      status: 409,
      message: {
        ja: `この通報はすでに${MAX_REOPENS}回再開されています。新しく通報してください`,
        en: `This report has already been reopened ${MAX_REOPENS} times. Please file a new report`,
      },
    };
  }
  return null;
}

/** How often a report was reopened and when the resident started following it: what reopenRefusal needs. */
export async function reopenFacts(
  db: Db,
  { tenantId, reportId, residentId }: { tenantId: string; reportId: string; residentId: string },
): Promise<{ followedAt: Date | null; reopens: number }> {
  const [follower] = await db
    .select({ createdAt: reportFollowers.createdAt })
    .from(reportFollowers)
    .where(
      and(
        eq(reportFollowers.tenantId, tenantId),
        eq(reportFollowers.reportId, reportId),
        eq(reportFollowers.residentId, residentId),
      ),
    );
  const [reopened] = await db
    .select({ n: count() })
    .from(reportEntries)
    .where(
      and(
        eq(reportEntries.tenantId, tenantId),
        eq(reportEntries.reportId, reportId),
        eq(reportEntries.kind, "reopened"),
      ),
    );
  return { followedAt: follower?.createdAt ?? null, reopens: Number(reopened?.n ?? 0) };
}

/**
 * "It is not fixed after all": within the category's reopen period after closing, the reporter or an
 * earlier follower sets the report back to the city's initial status with a public reason on the
 * timeline, and the category's deadline starts again.
 */
export async function reopenReport(options: ReopenReportOptions): Promise<ReopenReportResult> {
  const { db, tenantId, reportId, residentId } = options;
  const now = options.now ?? new Date();
  const problem = reopenReasonProblem(options.reason);
  if (problem) {
    return { ok: false, status: 422, message: problem };
  }
  const reason = options.reason.normalize("NFC").trim();
  const calendar = await tenantCalendar(db, tenantId);
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
    const facts = await reopenFacts(tx, { tenantId, reportId, residentId });
    const refusal = reopenRefusal({ report, reopenDays: category.reopenDays, residentId, now, ...facts });
    if (refusal) {
      return refusal;
    }
    const [initial] = await tx
      .select()
      .from(reportStatuses)
      .where(and(eq(reportStatuses.tenantId, tenantId), eq(reportStatuses.isInitial, true)));
    if (!initial) {
      throw new Error(`Tenant ${tenantId} has no initial report status`);
    }
    const dueAt = category.slaBusinessDays ? dueAtFor(now, category.slaBusinessDays, calendar) : null;
    await tx
      .update(reports)
      .set({
        statusKey: initial.key,
        stage: initial.stage,
        statusCategory: initial.category,
        closedAt: null,
        dueAt,
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
      before: {
        status: report.statusKey,
        closedAt: report.closedAt?.toISOString() ?? null,
        dueAt: report.dueAt?.toISOString() ?? null,
      },
      after: { status: initial.key, dueAt: dueAt?.toISOString() ?? null },
      event: { name: "reports.report_reopened", payload: { reportId } },
      requestId: options.requestId ?? null,
    });
    return { ok: true };
  });
}
