import { and, count, eq, inArray, ne } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { ProblemError } from "../../../core/http/problem.ts";
import { departments } from "../../../core/identity/schema.ts";
import { areasContaining, lockRoutingSetup } from "../routing.ts";
import { type ReportArea, reportAreas, reportCategories, reportRoutingRules, reports } from "../schema.ts";
import { findArea } from "./update-report-area.ts";

const REPOINT_CHUNK = 1000;

/**
 * Refuses (422) deleting the city's boundary, or an area a routing rule names (listing those rules): deleting
 * the rules with it would silently send reports elsewhere; they are removed first, with their preview. The
 * boundary is never deleted: reports outside it are refused, so without it reports from anywhere would be
 * accepted; it is reshaped instead.
 */
export async function checkAreaDeletable(db: Db, tenantId: string, area: ReportArea): Promise<void> {
  if (area.kind === "boundary") {
    throw new ProblemError(422, "boundary-kept", {
      ja: `「${area.nameJa}」は市の境界なので削除できません。境界の外の通報は受け付けないため、境界がなくなると市外からの通報も受け付けてしまいます。形を直すときは編集してください`,
      en: `“${area.nameEn}” is the city boundary and cannot be deleted: reports outside it are refused, so without it reports from anywhere would be accepted. Edit its shape instead`,
    });
  }
  const rules = await db
    .select({
      categoryJa: reportCategories.nameJa,
      categoryEn: reportCategories.nameEn,
      departmentJa: departments.nameJa,
      departmentEn: departments.nameEn,
    })
    .from(reportRoutingRules)
    .leftJoin(reportCategories, eq(reportCategories.id, reportRoutingRules.categoryId))
    .innerJoin(departments, eq(departments.id, reportRoutingRules.departmentId))
    .where(and(eq(reportRoutingRules.tenantId, tenantId), eq(reportRoutingRules.areaId, area.id)));
  if (rules.length > 0) {
    const ja = rules.map((r) => `${r.categoryJa ?? "すべての種類"} × ${area.nameJa} → ${r.departmentJa}`);
    const en = rules.map((r) => `${r.categoryEn ?? "Any category"} × ${area.nameEn} → ${r.departmentEn}`);
    throw new ProblemError(422, "area-in-use", {
      ja: `「${area.nameJa}」は次の振り分けルールで使われているため削除できません。先にルールを削除してください: ${ja.join("、")}`,
      en: `“${area.nameEn}” is used by these routing rules, so it cannot be deleted. Remove the rules first: ${en.join("; ")}`,
    });
  }
}

/** What deleting an area would do, for the confirmation: how many reports name it as theirs. */
export async function reportsNamingArea(db: Db, tenantId: string, areaId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(reports)
    .where(and(eq(reports.tenantId, tenantId), eq(reports.areaId, areaId)));
  return Number(row?.n ?? 0);
}

/**
 * Deletes a 町字 or district, refused as `checkAreaDeletable` says. Reports that named the area as theirs get
 * the smallest remaining area containing them (or none); their department stays. The audit record keeps the
 * whole shape, so a deleted hand-drawn district can be added again as it was.
 */
export async function deleteReportArea(o: {
  db: Db;
  tenantId: string;
  actor: Actor;
  id: string;
  requestId?: string | null;
}): Promise<ReportArea> {
  return o.db.transaction(async (tx) => {
    await lockRoutingSetup(tx, o.tenantId);
    const area = await findArea(tx, o.tenantId, o.id, true);
    await checkAreaDeletable(tx, o.tenantId, area);
    // Each report gets the area routing would give it now: a derived label, so updated_at moves (lists and
    // exports sorted by it see the change) but no version bump or timeline entry.
    const remaining = {
      rules: [],
      boundary: null,
      areas: await tx
        .select()
        .from(reportAreas)
        .where(
          and(
            eq(reportAreas.tenantId, o.tenantId),
            ne(reportAreas.kind, "boundary"),
            ne(reportAreas.id, area.id),
          ),
        ),
    };
    const named = await tx
      .select({ id: reports.id, lat: reports.lat, lng: reports.lng })
      .from(reports)
      .where(and(eq(reports.tenantId, o.tenantId), eq(reports.areaId, area.id)));
    const byArea = new Map<string | null, string[]>();
    for (const report of named) {
      const next = areasContaining(remaining, report)[0]?.id ?? null;
      const ids = byArea.get(next) ?? [];
      ids.push(report.id);
      byArea.set(next, ids);
    }
    for (const [areaId, ids] of byArea) {
      for (let i = 0; i < ids.length; i += REPOINT_CHUNK) {
        await tx
          .update(reports)
          .set({ areaId, updatedAt: new Date() })
          .where(and(eq(reports.tenantId, o.tenantId), inArray(reports.id, ids.slice(i, i + REPOINT_CHUNK))));
      }
    }
    await tx
      .delete(reportAreas)
      .where(and(eq(reportAreas.tenantId, o.tenantId), eq(reportAreas.id, area.id)));
    await recordChange(tx, {
      tenantId: o.tenantId,
      actor: o.actor,
      action: "reports.area.delete",
      resource: { type: "report_area", id: area.id },
      before: {
        code: area.code,
        kind: area.kind,
        nameJa: area.nameJa,
        nameEn: area.nameEn,
        geometry: area.geometry,
        minLat: area.minLat,
        minLng: area.minLng,
        maxLat: area.maxLat,
        maxLng: area.maxLng,
        areaM2: area.areaM2,
      },
      after: { reportsRepointed: named.length },
      event: { name: "reports.area_deleted", payload: { areaId: area.id, code: area.code } },
      requestId: o.requestId ?? null,
    });
    return area;
  });
}
