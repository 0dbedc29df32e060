import { and, eq } from "drizzle-orm";
import { Hono } from "hono";
import { etag } from "hono/etag";
import type { AppEnv } from "../../core/http/app-env.ts";
import { ProblemError, type ProblemFieldError, problemBody } from "../../core/http/problem.ts";
import { findMapFeatures, PIN_ZOOM } from "./operations/find-map-features.ts";
import { reportCategories } from "./schema.ts";

/** Widest box, in degrees per side, that one request may ask pins for; cluster views may span more. */
export const MAX_PIN_BOX_DEGREES = 2;
export const MAX_CLUSTER_BOX_DEGREES = 20;
/** Web Mercator's edge: tiles (and so cells and pins) exist only between these latitudes. */
export const MAX_MAP_LATITUDE = 85.0511;

function badMap(errors: ProblemFieldError[]): ProblemError {
  return new ProblemError(
    400,
    "invalid-map-request",
    { ja: "地図の範囲または縮尺が正しくありません", en: "The map box or zoom is not valid" },
    { errors, detail: errors.map((e) => `${e.detailJa ?? ""} / ${e.detail}`).join("; ") },
  );
}

/**
 * The public map's data: GeoJSON of report counts per cell (zoomed out) or of public pins (zoomed in).
 * Public and anonymous, so it may be cached for a short while by browsers and proxies.
 */
export const reportMapData = new Hono<AppEnv>().get("/reports/map.json", etag(), async (c) => {
  const bboxText = c.req.query("bbox") ?? "";
  const zoomText = c.req.query("zoom") ?? "";
  const errors: ProblemFieldError[] = [];
  const numbers = bboxText.split(",").map((part) => (part.trim() === "" ? Number.NaN : Number(part)));
  const [minLng = 0, minLat = 0, maxLng = 0, maxLat = 0] = numbers;
  const zoom = zoomText.trim() === "" ? Number.NaN : Number(zoomText);
  if (!Number.isInteger(zoom) || zoom < 0 || zoom > 20) {
    errors.push({
      pointer: "zoom",
      detail: "zoom must be a whole number from 0 to 20",
      detailJa: "zoom は0から20までの整数で指定してください",
    });
  }
  if (numbers.length !== 4 || numbers.some((n) => !Number.isFinite(n))) {
    errors.push({
      pointer: "bbox",
      detail: "bbox must be four numbers: minLng,minLat,maxLng,maxLat",
      detailJa: "bbox は「最小経度,最小緯度,最大経度,最大緯度」の4つの数で指定してください",
    });
  } else if (
    minLng > maxLng ||
    minLat > maxLat ||
    minLat < -MAX_MAP_LATITUDE ||
    maxLat > MAX_MAP_LATITUDE ||
    minLng < -180 ||
    maxLng > 180
  ) {
    errors.push({
      pointer: "bbox",
      detail: `bbox must run from south-west to north-east, within -180..180 and -${MAX_MAP_LATITUDE}..${MAX_MAP_LATITUDE}`,
      detailJa: `bbox は南西から北東の順で、経度-180〜180・緯度-${MAX_MAP_LATITUDE}〜${MAX_MAP_LATITUDE}の範囲で指定してください`,
    });
  } else {
    const limit = zoom >= PIN_ZOOM ? MAX_PIN_BOX_DEGREES : MAX_CLUSTER_BOX_DEGREES;
    if (maxLng - minLng > limit || maxLat - minLat > limit) {
      errors.push({
        pointer: "bbox",
        detail: `At this zoom the box may span at most ${limit}° each way`,
        detailJa: `この縮尺で指定できる範囲は縦横${limit}度までです`,
      });
    }
  }
  const code = c.req.query("category");
  let categoryId: string | null = null;
  if (code?.includes("\0")) {
    errors.push({
      pointer: "category",
      detail: "category contains a character that cannot be used (NUL)",
      detailJa: "category に使えない文字（NUL）が含まれています",
    });
  } else if (code) {
    const [category] = await c.var.services.database.db
      .select({ id: reportCategories.id })
      .from(reportCategories)
      .where(and(eq(reportCategories.tenantId, c.var.tenant.id), eq(reportCategories.code, code)));
    if (!category) {
      errors.push({
        pointer: "category",
        detail: "No report category has this code",
        detailJa: "この種類の通報はありません",
      });
    }
    categoryId = category?.id ?? null;
  }
  if (errors.length > 0) {
    // Always problem+json, whatever the Accept header: this is a data endpoint, never a page.
    return c.body(JSON.stringify(problemBody(badMap(errors), c.req.path, c.var.requestId)), 400, {
      "content-type": "application/problem+json; charset=utf-8",
    });
  }
  const features = await findMapFeatures({
    db: c.var.services.database.db,
    tenantId: c.var.tenant.id,
    box: { minLng, minLat, maxLng, maxLat },
    zoom,
    categoryId,
    lang: c.var.lang,
  });
  // Names follow the language, which may come from the query, a cookie or Accept-Language.
  c.header("Vary", "Accept-Language, Cookie");
  c.header("Cache-Control", "public, max-age=30");
  return c.json(features);
});
