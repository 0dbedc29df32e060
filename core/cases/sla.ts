import { and, eq, gt, gte, isNotNull, isNull, lt, lte, or, type SQL, sql } from "drizzle-orm";
import { addBusinessDays, type BusinessDayOptions, endOfTokyoDay } from "../calendar/business-days.ts";
import type { Db } from "../db/database.ts";
import { tenants } from "../tenancy/schema.ts";
import { type Case, cases } from "./schema.ts";
import { isFinalStatus } from "./status.ts";

/** Where an open case stands against its deadline; "none" when it has no deadline or is finished. */
export const slaBuckets = ["overdue", "due_soon", "on_track", "none"] as const;
export type SlaBucket = (typeof slaBuckets)[number];

/** The tenant's business-day calendar: its year-end closure, or the usual one. */
export async function tenantCalendar(db: Db, tenantId: string): Promise<BusinessDayOptions> {
  const [tenant] = await db
    .select({ settings: tenants.settings })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  const closure = tenant?.settings.yearEndClosure;
  return closure ? { yearEndClosure: closure } : {};
}

/** The deadline of a case received at `receivedAt` with an SLA of n business days: the end of the nth day. */
export function dueAtFor(receivedAt: Date, slaBusinessDays: number, calendar: BusinessDayOptions): Date {
  return endOfTokyoDay(addBusinessDays(receivedAt, slaBusinessDays, calendar));
}

/** "Due soon" means due by the end of the next business day. */
export function dueSoonLimit(now: Date, calendar: BusinessDayOptions): Date {
  return endOfTokyoDay(addBusinessDays(now, 1, calendar));
}

export type SlaClock = { now: Date; dueSoonBy: Date };

export function slaOf(found: Pick<Case, "status" | "dueAt">, clock: SlaClock): SlaBucket {
  if (!found.dueAt || isFinalStatus(found.status)) {
    return "none";
  }
  if (found.dueAt < clock.now) {
    return "overdue";
  }
  return found.dueAt <= clock.dueSoonBy ? "due_soon" : "on_track";
}

const open = sql`${cases.status} NOT IN ('completed', 'rejected', 'withdrawn')`;

/** The same buckets as a filter on the cases table. */
export function slaCondition(bucket: SlaBucket, clock: SlaClock): SQL {
  switch (bucket) {
    case "overdue":
      return and(open, isNotNull(cases.dueAt), lt(cases.dueAt, clock.now))!;
    case "due_soon":
      return and(open, gte(cases.dueAt, clock.now), lte(cases.dueAt, clock.dueSoonBy))!;
    case "on_track":
      return and(open, gt(cases.dueAt, clock.dueSoonBy))!;
    case "none":
      return or(isNull(cases.dueAt), sql`NOT (${open})`)!;
  }
}
