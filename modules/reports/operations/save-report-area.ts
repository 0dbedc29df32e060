import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { type AreaGeometry, areaSquareMeters, bboxOf, type PolygonRings } from "../../../core/geo/geo.ts";
import type { Bilingual } from "../../../core/http/problem.ts";
import { type ReportArea, reportAreas } from "../schema.ts";
import { textInBothLanguages } from "../setup-input.ts";
import type { SetupResult } from "./save-report-category.ts";

export type AreaInput = { code: string; nameJa: string; nameEn: string; kind: string; geojson: string };

/** Japan's extent with a margin (Okinotorishima to Etorofu, Yonaguni to Minamitorishima). */
const JAPAN = { minLat: 20, maxLat: 46, minLng: 122, maxLng: 154 };
const MAX_POINTS = 50_000;

/** A pasted GeoJSON Polygon or MultiPolygon (bare, Feature, or one-feature collection), checked. */
export function parseAreaGeometry(
  text: string,
): { ok: true; geometry: AreaGeometry } | { ok: false; error: Bilingual } {
  const fail = (ja: string, en: string) => ({ ok: false as const, error: { ja, en } });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail("GeoJSONとして読めません", "This is not valid JSON");
  }
  const object = (v: unknown) =>
    typeof v === "object" && v !== null ? (v as Record<string, unknown>) : null;
  let geometry = object(value);
  if (
    geometry?.["type"] === "FeatureCollection" &&
    Array.isArray(geometry["features"]) &&
    geometry["features"].length === 1
  ) {
    geometry = object(geometry["features"][0]);
  }
  if (geometry?.["type"] === "Feature") {
    geometry = object(geometry["geometry"]);
  }
  const type = geometry?.["type"];
  if (type !== "Polygon" && type !== "MultiPolygon") {
    return fail("Polygon か MultiPolygon を貼り付けてください", "Paste a Polygon or MultiPolygon");
  }
  const polygons = (type === "Polygon" ? [geometry!["coordinates"]] : geometry!["coordinates"]) as unknown;
  if (!Array.isArray(polygons) || polygons.length === 0) {
    return fail("座標がありません", "There are no coordinates");
  }
  let points = 0;
  for (const polygon of polygons) {
    if (!Array.isArray(polygon) || polygon.length === 0) {
      return fail("座標がありません", "There are no coordinates");
    }
    for (const ring of polygon as unknown[]) {
      if (!Array.isArray(ring) || ring.length < 4) {
        return fail(
          "輪は4点以上（始点と終点が同じ）で囲んでください",
          "Each ring needs at least 4 positions, closed",
        );
      }
      for (const position of ring as unknown[]) {
        points++;
        if (
          !Array.isArray(position) ||
          position.length < 2 ||
          typeof position[0] !== "number" ||
          typeof position[1] !== "number" ||
          !Number.isFinite(position[0]) ||
          !Number.isFinite(position[1])
        ) {
          return fail("座標は [経度, 緯度] の数値の組です", "Positions are [longitude, latitude] numbers");
        }
        const [lng, lat] = position as [number, number];
        if (lat < JAPAN.minLat || lat > JAPAN.maxLat || lng < JAPAN.minLng || lng > JAPAN.maxLng) {
          return fail(
            `日本の範囲外の座標があります（${lng}, ${lat}）。経度・緯度の順か確認してください`,
            `A position is outside Japan (${lng}, ${lat}); check it is longitude, latitude`,
          );
        }
      }
      const first = ring[0] as number[];
      const last = ring[ring.length - 1] as number[];
      if (first[0] !== last[0] || first[1] !== last[1]) {
        return fail(
          "輪が閉じていません（始点と終点を同じにしてください）",
          "A ring is not closed (end where it starts)",
        );
      }
    }
  }
  if (points > MAX_POINTS) {
    return fail(`点が多すぎます（${MAX_POINTS}点まで）`, `Too many positions (at most ${MAX_POINTS})`);
  }
  return {
    ok: true,
    geometry:
      type === "Polygon"
        ? { type, coordinates: polygons[0] as PolygonRings }
        : { type, coordinates: polygons as PolygonRings[] },
  };
}

/**
 * The names and shape every area form posts, checked with the same messages when adding or editing. The
 * geometry is null when refused (its message is in `errors`).
 */
export function checkAreaFields(
  errors: Record<string, Bilingual>,
  input: { nameJa: string; nameEn: string; geojson: string },
): { nameJa: string; nameEn: string; geometry: AreaGeometry | null } {
  const { ja: nameJa, en: nameEn } = textInBothLanguages(
    errors,
    "name",
    { ja: input.nameJa, en: input.nameEn },
    { ja: "名前", en: "name" },
    100,
  );
  const parsed = parseAreaGeometry(input.geojson);
  if (!parsed.ok) {
    errors["geojson"] = parsed.error;
  }
  return { nameJa, nameEn, geometry: parsed.ok ? parsed.geometry : null };
}

/** Adds a 町字 or a drawn district, with its bounding box and area computed for routing. */
export async function saveReportArea(o: {
  db: Db;
  tenantId: string;
  actor: Actor;
  input: AreaInput;
  requestId?: string | null;
}): Promise<SetupResult<ReportArea>> {
  const { input } = o;
  const errors: Record<string, Bilingual> = {};
  const code = input.code.trim();
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(code)) {
    errors["code"] = { ja: "コードは半角英小文字・数字・- です", en: "Code: a-z, 0-9 and -" };
  }
  const { nameJa, nameEn, geometry } = checkAreaFields(errors, input);
  const kind = input.kind === "machiaza" || input.kind === "polygon" ? input.kind : null;
  if (!kind) {
    errors["kind"] = { ja: "町字か区域を選んでください", en: "Choose 町字 or district" };
  }
  if (Object.keys(errors).length > 0 || !geometry) {
    return { ok: false, errors };
  }
  return o.db.transaction(async (tx) => {
    const [taken] = await tx
      .select({ id: reportAreas.id })
      .from(reportAreas)
      .where(and(eq(reportAreas.tenantId, o.tenantId), eq(reportAreas.code, code)));
    if (taken) {
      return {
        ok: false,
        errors: { code: { ja: "そのコードはすでに使われています", en: "That code is already used" } },
      };
    }
    const box = bboxOf(geometry);
    const [area] = await tx
      .insert(reportAreas)
      .values({
        tenantId: o.tenantId,
        kind: kind!,
        code,
        nameJa,
        nameEn,
        geometry,
        ...box,
        areaM2: areaSquareMeters(geometry),
      })
      .returning();
    await recordChange(tx, {
      tenantId: o.tenantId,
      actor: o.actor,
      action: "reports.area.create",
      resource: { type: "report_area", id: area!.id },
      after: { code, kind, ...box, areaM2: area!.areaM2 },
      requestId: o.requestId ?? null,
    });
    return { ok: true, value: area! };
  });
}
