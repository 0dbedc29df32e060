import { createHash } from "node:crypto";
import { and, count, desc, eq, gte } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import { loadRoutingSetup, type RoutingSetup, routeReport } from "../routing.ts";
import { type ReportRoutingRule, reportCategories, reports } from "../schema.ts";

/** A proposed edit of the routing rules: a new rule, or removing one. */
export type RoutingRuleChange =
  | { kind: "add"; categoryId: string | null; areaId: string | null; departmentId: string }
  | { kind: "remove"; ruleId: string };

export type RoutingPreviewRow = {
  reportId: string;
  reference: string;
  categoryId: string;
  areaId: string | null;
  from: string | null;
  to: string | null;
};

export type RoutingPreview = {
  /** Names the current rules and the change: saving must quote it, so nobody saves a preview gone stale. */
  hash: string;
  examined: number;
  /** How many reports the preview could have looked at; more than `examined` when capped. */
  available: number;
  changes: RoutingPreviewRow[];
};

const PREVIEW_DAYS = 90;
const PREVIEW_LATEST = 1000;
/** At most this many reports are re-routed, newest first, so a busy city's preview stays quick. */
export const PREVIEW_MAX = 5000;

export function routingHash(rules: readonly ReportRoutingRule[], change: RoutingRuleChange): string {
  const current = [...rules]
    .map((r) => [r.id, r.categoryId, r.areaId, r.departmentId])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  return createHash("sha256").update(JSON.stringify({ current, change })).digest("hex").slice(0, 32);
}

/** The rules as they would be after the change. */
export function rulesAfter(
  setup: RoutingSetup,
  change: RoutingRuleChange,
  tenantId: string,
): ReportRoutingRule[] {
  if (change.kind === "remove") {
    return setup.rules.filter((rule) => rule.id !== change.ruleId);
  }
  return [
    ...setup.rules,
    {
      id: "proposed",
      tenantId,
      categoryId: change.categoryId,
      areaId: change.areaId,
      departmentId: change.departmentId,
      note: "",
      createdAt: new Date(),
    },
  ];
}

/**
 * Tries a rule change before saving it: re-routes the last 90 days' reports (at least the latest 1,000, at
 * most the newest 5,000) under the current and the proposed rules and lists each whose department would differ. Existing reports
 * keep their department when the rule is saved; the list shows where such reports would go from now on.
 */
export async function previewRoutingRules(o: {
  db: Db;
  tenantId: string;
  change: RoutingRuleChange;
  now?: Date;
}): Promise<RoutingPreview> {
  const setup = await loadRoutingSetup(o.db, o.tenantId);
  const proposed: RoutingSetup = { ...setup, rules: rulesAfter(setup, o.change, o.tenantId) };
  const since = new Date((o.now ?? new Date()).getTime() - PREVIEW_DAYS * 86_400_000);
  const columns = {
    id: reports.id,
    reference: reports.reference,
    categoryId: reports.categoryId,
    lat: reports.lat,
    lng: reports.lng,
  };
  const [[inWindow], [all], categories] = await Promise.all([
    o.db
      .select({ n: count() })
      .from(reports)
      .where(and(eq(reports.tenantId, o.tenantId), gte(reports.receivedAt, since))),
    o.db.select({ n: count() }).from(reports).where(eq(reports.tenantId, o.tenantId)),
    o.db.select().from(reportCategories).where(eq(reportCategories.tenantId, o.tenantId)),
  ]);
  const windowed = Number(inWindow?.n ?? 0) >= PREVIEW_LATEST;
  const available = windowed ? Number(inWindow?.n ?? 0) : Number(all?.n ?? 0);
  const examined = await o.db
    .select(columns)
    .from(reports)
    .where(
      windowed
        ? and(eq(reports.tenantId, o.tenantId), gte(reports.receivedAt, since))
        : eq(reports.tenantId, o.tenantId),
    )
    .orderBy(desc(reports.receivedAt))
    .limit(windowed ? PREVIEW_MAX : PREVIEW_LATEST);
  const changes: RoutingPreviewRow[] = [];
  for (const report of examined) {
    const category = categories.find((c) => c.id === report.categoryId);
    if (!category) {
      continue;
    }
    const before = routeReport(setup, category, report);
    const after = routeReport(proposed, category, report);
    if (before.departmentId !== after.departmentId) {
      changes.push({
        reportId: report.id,
        reference: report.reference,
        categoryId: report.categoryId,
        areaId: after.areaId,
        from: before.departmentId,
        to: after.departmentId,
      });
    }
  }
  return { hash: routingHash(setup.rules, o.change), examined: examined.length, available, changes };
}
