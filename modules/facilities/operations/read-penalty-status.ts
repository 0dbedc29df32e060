import { and, eq, gt, or, type SQL } from "drizzle-orm";
import { tokyoDate } from "../../../core/calendar/business-days.ts";
import type { Db } from "../../../core/db/database.ts";
import { addDays } from "../calendar.ts";
import { rulesOf } from "../data.ts";
import { penalties } from "../schema.ts";

export type PenaltyStatus = { points: number; suspendedUntil: string | null };

export type ReadPenaltyStatusOptions = {
  db: Db;
  tenantId: string;
  residentId: string | null;
  groupId: string | null;
  now?: Date;
};

/**
 * Points of the resident (and of the group) within the rules' window; reaching the threshold suspends
 * booking until `suspensionDays` after the latest penalty (a Tokyo date, inclusive).
 */
export async function readPenaltyStatus(options: ReadPenaltyStatusOptions): Promise<PenaltyStatus> {
  const { db, tenantId } = options;
  const now = options.now ?? new Date();
  const rules = (await rulesOf(db, tenantId)).penalties;
  const whose: SQL[] = [];
  if (options.residentId) {
    whose.push(eq(penalties.residentId, options.residentId));
  }
  if (options.groupId) {
    whose.push(eq(penalties.groupId, options.groupId));
  }
  if (whose.length === 0) {
    return { points: 0, suspendedUntil: null };
  }
  const since = new Date(now.getTime() - rules.windowDays * 86_400_000);
  const rows = await db
    .select({ points: penalties.points, createdAt: penalties.createdAt })
    .from(penalties)
    .where(and(eq(penalties.tenantId, tenantId), gt(penalties.createdAt, since), or(...whose)));
  const points = rows.reduce((sum, r) => sum + Number(r.points), 0);
  if (points < rules.suspensionThreshold) {
    return { points, suspendedUntil: null };
  }
  const latest = new Date(Math.max(...rows.map((r) => r.createdAt.getTime())));
  const until = addDays(tokyoDate(latest), rules.suspensionDays);
  return { points, suspendedUntil: until >= tokyoDate(now) ? until : null };
}
