import { createHash } from "node:crypto";
import { and, count, desc, eq, gte } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import { type AreaGeometry, areaSquareMeters, bboxOf, containsPoint } from "../../../core/geo/geo.ts";
import { problems } from "../../../core/http/problem.ts";
import { loadRoutingSetup, type RoutingSetup, routeReport } from "../routing.ts";
import {
  type ReportArea,
  type ReportCategory,
  type ReportRoutingRule,
  reportCategories,
  reports,
} from "../schema.ts";

/** A proposed edit of the routing rules: a new rule, or removing one. */
export type RoutingRuleChange =
  | { kind: "add"; categoryId: string | null; areaId: string | null; departmentId: string }
  | { kind: "remove"; ruleId: string };

/**
 * A new shape for an area (or the city's boundary). `before` is the shape as stored, so the preview's hash
 * goes stale when someone else reshapes the area in between.
 */
export type AreaShapeChange = { kind: "area"; areaId: string; before: AreaGeometry; after: AreaGeometry };

export type RoutingChange = RoutingRuleChange | AreaShapeChange;

export type RoutingPreviewRow = {
  reportId: string;
  reference: string;
  categoryId: string;
  areaId: string | null;
  from: string | null;
  to: string | null;
  /** Outside the city's boundary after the change: a new report there would be refused. */
  outside: boolean;
};

export type RoutingPreview = {
  /** Names the current routing setup and the change: saving must quote it, so nobody saves a stale preview. */
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

/** What routing reads from a category: its department when no rule matches. */
type CategoryDefault = Pick<ReportCategory, "id" | "defaultDepartmentId">;

/**
 * Names everything routing reads (every area's shape, the boundary, the rules, the categories' default
 * departments) and the change, so an edit of them in between makes a preview's hash stale.
 */
export function routingHash(
  setup: RoutingSetup,
  categories: readonly CategoryDefault[],
  change: RoutingChange,
): string {
  const byId = <T extends { id: string }>(rows: readonly T[]) =>
    [...rows].sort((a, b) => a.id.localeCompare(b.id));
  const shape = (a: ReportArea) => [a.id, a.geometry, a.minLat, a.minLng, a.maxLat, a.maxLng, a.areaM2];
  const current = {
    areas: byId(setup.areas).map(shape),
    boundary: setup.boundary ? shape(setup.boundary) : null,
    rules: byId(setup.rules).map((r) => [r.id, r.categoryId, r.areaId, r.departmentId]),
    categories: byId(categories).map((c) => [c.id, c.defaultDepartmentId]),
  };
  return createHash("sha256").update(JSON.stringify({ current, change })).digest("hex").slice(0, 32);
}

/**
 * Refuses (409) a save whose preview no longer matches the routing setup. Call it in the saving transaction
 * after `lockRoutingSetup`, so the setup it reads stays as it is until the change commits.
 */
export async function checkPreviewCurrent(
  tx: Db,
  tenantId: string,
  change: RoutingChange,
  previewHash: string | null | undefined,
): Promise<void> {
  const setup = await loadRoutingSetup(tx, tenantId);
  const categories = await tx
    .select({ id: reportCategories.id, defaultDepartmentId: reportCategories.defaultDepartmentId })
    .from(reportCategories)
    .where(eq(reportCategories.tenantId, tenantId));
  if (!previewHash || routingHash(setup, categories, change) !== previewHash) {
    throw problems.conflict({
      ja: "確認のあとで区域・振り分けルール・種類の既定の部署のどれかが変わりました。もう一度確認してから保存してください",
      en: "An area, a routing rule or a category's default department changed after your preview. Preview again before saving",
    });
  }
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

/** The routing setup as it would be after the change. */
export function setupAfter(setup: RoutingSetup, change: RoutingChange, tenantId: string): RoutingSetup {
  if (change.kind !== "area") {
    return { ...setup, rules: rulesAfter(setup, change, tenantId) };
  }
  const reshape = (area: ReportArea): ReportArea =>
    area.id === change.areaId
      ? { ...area, geometry: change.after, ...bboxOf(change.after), areaM2: areaSquareMeters(change.after) }
      : area;
  return {
    ...setup,
    areas: setup.areas.map(reshape),
    boundary: setup.boundary ? reshape(setup.boundary) : null,
  };
}

/**
 * Tries a rule change, or an area's new shape, before saving it: re-routes the last 90 days' reports (at least
 * the latest 1,000, at most the newest 5,000) under the current and the proposed setup and lists each whose
 * department would differ, or which a reshaped boundary would leave outside. Existing reports keep their
 * department when the change is saved; the list shows where such reports would go from now on.
 */
export async function previewRoutingRules(o: {
  db: Db;
  tenantId: string;
  change: RoutingChange;
  now?: Date;
}): Promise<RoutingPreview> {
  const setup = await loadRoutingSetup(o.db, o.tenantId);
  const proposed = setupAfter(setup, o.change, o.tenantId);
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
    // Only a reshaped boundary moves reports outside it: those a new report there would now be refused at.
    const outside =
      proposed.boundary !== setup.boundary &&
      proposed.boundary !== null &&
      !containsPoint(proposed.boundary.geometry, report) &&
      (setup.boundary === null || containsPoint(setup.boundary.geometry, report));
    if (before.departmentId !== after.departmentId || outside) {
      changes.push({
        reportId: report.id,
        reference: report.reference,
        categoryId: report.categoryId,
        areaId: after.areaId,
        from: before.departmentId,
        to: after.departmentId,
        outside,
      });
    }
  }
  return { hash: routingHash(setup, categories, o.change), examined: examined.length, available, changes };
}
