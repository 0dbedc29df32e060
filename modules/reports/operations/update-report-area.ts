import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { type AreaGeometry, areaSquareMeters, bboxOf } from "../../../core/geo/geo.ts";
import { type Bilingual, ProblemError } from "../../../core/http/problem.ts";
import { lockRoutingSetup } from "../routing.ts";
import { type ReportArea, reportAreas } from "../schema.ts";
import { UUID } from "../staff-changes.ts";
import { type AreaShapeChange, checkPreviewCurrent } from "./preview-routing-rules.ts";
import { checkAreaFields } from "./save-report-area.ts";
import type { SetupResult } from "./save-report-category.ts";

/** What the edit form posts: the names and the shape; the code and kind stay, so rules keep naming it. */
export type AreaEditInput = { nameJa: string; nameEn: string; geojson: string };

export type CheckedAreaEdit = {
  area: ReportArea;
  nameJa: string;
  nameEn: string;
  geometry: AreaGeometry;
  /** The new shape when it differs from the stored one: routing may change, so it is previewed first. */
  reshape: AreaShapeChange | null;
};

const noSuchArea = () =>
  new ProblemError(404, "not-found", { ja: "その区域はありません", en: "There is no such area" });

/** This city's area, or 404 (another city's id included). */
export async function findArea(db: Db, tenantId: string, id: string, lock = false): Promise<ReportArea> {
  if (!UUID.test(id)) {
    throw noSuchArea();
  }
  const query = db
    .select()
    .from(reportAreas)
    .where(and(eq(reportAreas.tenantId, tenantId), eq(reportAreas.id, id)));
  const [area] = lock ? await query.for("update") : await query;
  if (!area) {
    throw noSuchArea();
  }
  return area;
}

const sameShape = (a: AreaGeometry, b: AreaGeometry) =>
  a.type === b.type && JSON.stringify(a.coordinates) === JSON.stringify(b.coordinates);

/** Checks an edit with the add form's checks and messages, and tells whether the shape changes. */
export function checkAreaEdit(
  area: ReportArea,
  input: AreaEditInput,
): { ok: true; value: CheckedAreaEdit } | { ok: false; errors: Record<string, Bilingual> } {
  const errors: Record<string, Bilingual> = {};
  const { nameJa, nameEn, geometry } = checkAreaFields(errors, input);
  if (Object.keys(errors).length > 0 || !geometry) {
    return { ok: false, errors };
  }
  const reshape = sameShape(area.geometry, geometry)
    ? null
    : { kind: "area" as const, areaId: area.id, before: area.geometry, after: geometry };
  return { ok: true, value: { area, nameJa, nameEn, geometry, reshape } };
}

/**
 * Renames and/or reshapes a 町字, district or the city's boundary, keeping its id and code so routing rules
 * still name it. A new shape changes where future reports go (and, for the boundary, which are accepted), so
 * it is saved only with the hash of a preview of that change still current: otherwise 409. Reports already
 * received keep their department and area.
 */
export async function updateReportArea(o: {
  db: Db;
  tenantId: string;
  actor: Actor;
  id: string;
  input: AreaEditInput;
  /** The hash the preview of the new shape showed; not needed when only the names change. */
  previewHash?: string | null;
  requestId?: string | null;
}): Promise<SetupResult<ReportArea>> {
  return o.db.transaction(async (tx) => {
    await lockRoutingSetup(tx, o.tenantId);
    // Checked under lock: the stored shape is what the preview's hash must match.
    const checked = checkAreaEdit(await findArea(tx, o.tenantId, o.id, true), o.input);
    if (!checked.ok) {
      return checked;
    }
    const { area, nameJa, nameEn, geometry, reshape } = checked.value;
    if (reshape) {
      await checkPreviewCurrent(tx, o.tenantId, reshape, o.previewHash);
    }
    const box = bboxOf(geometry);
    const [updated] = await tx
      .update(reportAreas)
      .set({ nameJa, nameEn, geometry, ...box, areaM2: areaSquareMeters(geometry) })
      .where(and(eq(reportAreas.tenantId, o.tenantId), eq(reportAreas.id, area.id)))
      .returning();
    // The shapes are kept whole, so a hand-drawn district reshaped by mistake can be drawn again.
    const summary = (a: ReportArea) => ({
      nameJa: a.nameJa,
      nameEn: a.nameEn,
      geometry: a.geometry,
      minLat: a.minLat,
      minLng: a.minLng,
      maxLat: a.maxLat,
      maxLng: a.maxLng,
      areaM2: a.areaM2,
    });
    await recordChange(tx, {
      tenantId: o.tenantId,
      actor: o.actor,
      action: "reports.area.update",
      resource: { type: "report_area", id: area.id },
      before: summary(area),
      after: summary(updated!),
      event: {
        name: "reports.area_updated",
        payload: { areaId: area.id, code: area.code, kind: area.kind, reshaped: reshape !== null },
      },
      requestId: o.requestId ?? null,
    });
    return { ok: true, value: updated! };
  });
}
