import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../core/db/database.ts";
import { containsPoint, inBBox, type LatLng } from "../../core/geo/geo.ts";
import {
  type ReportArea,
  type ReportCategory,
  type ReportRoutingRule,
  reportAreas,
  reportCategories,
  reportRoutingRules,
} from "./schema.ts";

/** What routing needs, loaded once: the rules, the areas they name, and the city's boundary. */
export type RoutingSetup = {
  rules: readonly ReportRoutingRule[];
  /** 町字 and drawn polygons (not the boundary). */
  areas: readonly ReportArea[];
  boundary: ReportArea | null;
};

/** Why a report went where it went: shown to staff, and compared when rule edits are tried out. */
export type Route = {
  departmentId: string | null;
  ruleId: string | null;
  /** The smallest area containing the point, for the staff list's filter and the report's address line. */
  areaId: string | null;
  reason: "category_and_area" | "category" | "area" | "category_default" | "none";
};

const routingLockKey = (tenantId: string) => `report-rules:${tenantId}`;

/** Rule and area edits of a city take turns, so a preview's hash is checked against settled data. */
export async function lockRoutingSetup(tx: Db, tenantId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${routingLockKey(tenantId)}))`);
}

/**
 * The same lock, shared: a report being filed holds it so no area edit or delete commits in between, while
 * filings never wait for each other (shared holders do not block one another).
 */
export async function shareRoutingSetup(tx: Db, tenantId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock_shared(hashtext(${routingLockKey(tenantId)}))`);
}

/** Queries run one after another: `db` may be a transaction, whose one connection takes one query at a time. */
export async function loadRoutingSetup(db: Db, tenantId: string): Promise<RoutingSetup> {
  const rules = await db.select().from(reportRoutingRules).where(eq(reportRoutingRules.tenantId, tenantId));
  const areas = await db.select().from(reportAreas).where(eq(reportAreas.tenantId, tenantId));
  return {
    rules,
    areas: areas.filter((area) => area.kind !== "boundary"),
    boundary: areas.find((area) => area.kind === "boundary") ?? null,
  };
}

export function areasContaining(setup: RoutingSetup, point: LatLng): ReportArea[] {
  return setup.areas
    .filter((area) => inBBox(point, area) && containsPoint(area.geometry, point))
    .sort((a, b) => a.areaM2 - b.areaM2);
}

/**
 * The department a report of `category` at `point` goes to. The most specific matching rule wins: one
 * naming both the category and an area containing the point, then one naming only the category, then one
 * naming only an area; between area rules the smaller area wins (a 町字 inside a drawn district). Without a
 * matching rule the category's default department takes it. Rule order in the table means nothing, so
 * adding a rule can only move the reports it names.
 */
export function routeReport(
  setup: RoutingSetup,
  category: Pick<ReportCategory, "id" | "defaultDepartmentId">,
  point: LatLng,
): Route {
  const containing = areasContaining(setup, point);
  const areaRank = new Map(containing.map((area, index) => [area.id, index]));
  const areaId = containing[0]?.id ?? null;
  let best: { rule: ReportRoutingRule; score: number; rank: number } | null = null;
  for (const rule of setup.rules) {
    if (rule.categoryId !== null && rule.categoryId !== category.id) {
      continue;
    }
    if (rule.areaId !== null && !areaRank.has(rule.areaId)) {
      continue;
    }
    const score = (rule.categoryId ? 2 : 0) + (rule.areaId ? 1 : 0);
    const rank = rule.areaId ? areaRank.get(rule.areaId)! : Number.MAX_SAFE_INTEGER;
    if (!best || score > best.score || (score === best.score && rank < best.rank)) {
      best = { rule, score, rank };
    }
  }
  if (best) {
    const reason = best.score === 3 ? "category_and_area" : best.score === 2 ? "category" : "area";
    return { departmentId: best.rule.departmentId, ruleId: best.rule.id, areaId, reason };
  }
  if (category.defaultDepartmentId) {
    return { departmentId: category.defaultDepartmentId, ruleId: null, areaId, reason: "category_default" };
  }
  return { departmentId: null, ruleId: null, areaId, reason: "none" };
}

export async function loadCategory(db: Db, tenantId: string, code: string): Promise<ReportCategory | null> {
  const [category] = await db
    .select()
    .from(reportCategories)
    .where(and(eq(reportCategories.tenantId, tenantId), eq(reportCategories.code, code)));
  return category ?? null;
}
