import { and, asc, eq, gt, lte, or, type SQL } from "drizzle-orm";
import { tokyoDate } from "../../../core/calendar/business-days.ts";
import type { Db } from "../../../core/db/database.ts";
import { addDays } from "../calendar.ts";
import { rulesOf } from "../data.ts";
import type { FacilityRules } from "../rules.ts";
import { penalties } from "../schema.ts";

export type PenaltyStatus = { points: number; suspendedUntil: string | null };

export type ReadPenaltyStatusOptions = {
  db: Db;
  tenantId: string;
  residentId: string | null;
  groupId: string | null;
  now?: Date;
  /** The city's penalty rules when the caller has read them already. */
  rules?: FacilityRules["penalties"];
};

/**
 * Points of the resident (and of the group) within the rules' window. The penalty at which the window's sum
 * first reaches the threshold suspends booking until `suspensionDays` after that penalty's date (a Tokyo
 * date, inclusive), however the sum falls meanwhile; penalties during a suspension do not extend it.
 */
export async function readPenaltyStatus(options: ReadPenaltyStatusOptions): Promise<PenaltyStatus> {
  const { db, tenantId } = options;
  const now = options.now ?? new Date();
  const rules = options.rules ?? (await rulesOf(db, tenantId)).penalties;
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
  // A suspension that still runs today began at a penalty within the last suspensionDays, and the sum at
  // that penalty counted the windowDays before it.
  const lookback = (rules.windowDays + rules.suspensionDays) * 86_400_000;
  const rows = await db
    .select({ points: penalties.points, createdAt: penalties.createdAt })
    .from(penalties)
    .where(
      and(
        eq(penalties.tenantId, tenantId),
        gt(penalties.createdAt, new Date(now.getTime() - lookback)),
        lte(penalties.createdAt, now),
        or(...whose),
      ),
    )
    .orderBy(asc(penalties.createdAt));
  const windowSum = (at: Date) =>
    rows
      .filter(
        (r) => r.createdAt <= at && r.createdAt.getTime() > at.getTime() - rules.windowDays * 86_400_000,
      )
      .reduce((sum, r) => sum + Number(r.points), 0);
  const today = tokyoDate(now);
  let suspendedUntil: string | null = null;
  for (const row of rows) {
    const date = tokyoDate(row.createdAt);
    if (suspendedUntil !== null && date <= suspendedUntil) {
      // Penalties during a suspension do not restart it; it runs its course.
      continue;
    }
    if (windowSum(row.createdAt) >= rules.suspensionThreshold) {
      suspendedUntil = addDays(date, rules.suspensionDays);
    }
  }
  return {
    points: windowSum(now),
    suspendedUntil: suspendedUntil !== null && suspendedUntil >= today ? suspendedUntil : null,
  };
}
