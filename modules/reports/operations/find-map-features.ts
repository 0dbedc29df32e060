import { eq, sql } from "drizzle-orm";
import { type Db, queryRows } from "../../../core/db/database.ts";
import { type BBox, tileOf } from "../../../core/geo/geo.ts";
import type { Language } from "../../../core/i18n/i18n.ts";
import { type ReportStage, reportCategories, reportStatuses } from "../schema.ts";

/** At most this many features per answer; more sets `truncated` so the map can ask the user to zoom in. */
export const MAX_MAP_FEATURES = 2000;
/** From this zoom on the map shows one pin per report; below it, counts per grid cell. */
export const PIN_ZOOM = 14;

type Point = { type: "Point"; coordinates: [number, number] };

export type ClusterFeature = {
  type: "Feature";
  geometry: Point;
  properties: { cluster: true; count: number; stages: Record<ReportStage, number> };
};

export type PinFeature = {
  type: "Feature";
  geometry: Point;
  properties: {
    reference: string;
    category: string;
    categoryName: string;
    status: string;
    statusLabel: string;
    stage: ReportStage;
    url: string;
  };
};

export type MapFeatures = {
  type: "FeatureCollection";
  features: (ClusterFeature | PinFeature)[];
  truncated: boolean;
};

export type FindMapFeaturesOptions = {
  db: Db;
  tenantId: string;
  box: BBox;
  zoom: number;
  /** The category's id, already looked up by code; null for every category. */
  categoryId: string | null;
  lang: Language;
};

/** The summary level a map zoom reads: must be one of MAP_CELL_LEVELS. */
export function clusterLevel(zoom: number): 10 | 13 | 16 {
  return zoom <= 7 ? 10 : zoom <= 10 ? 13 : 16;
}

const r6 = (value: number) => Math.round(value * 1e6) / 1e6;

const point = (lat: number, lng: number): Point => ({ type: "Point", coordinates: [r6(lng), r6(lat)] });

/** One cell with its counts by stage, summed in the database so an answer never reads more than it sends. */
type CellRow = {
  received: number;
  in_progress: number;
  done: number;
  sum_lat: number;
  sum_lng: number;
};

/**
 * What the public map shows in a box: at city scale the report counts per grid cell (of every category or
 * one), read from the summary the trigger keeps; at street level the
 * public pins. Only public points of unmerged reports: hidden categories and reports hidden by staff have
 * no public point, coarse ones only their snapped point, and no contact detail is ever read.
 */
export async function findMapFeatures(options: FindMapFeaturesOptions): Promise<MapFeatures> {
  return options.zoom >= PIN_ZOOM ? findPins(options) : findClusters(options);
}

/** The SQL condition the GiST index reports_public_point answers; the planner needs it spelled exactly so. */
function inPublicBox(tenantId: string, box: BBox) {
  return sql`tenant_id = ${tenantId} AND public_lat IS NOT NULL AND merged_into_id IS NULL
    AND point(public_lng, public_lat) <@ box(point(${box.minLng}::float8, ${box.minLat}::float8),
      point(${box.maxLng}::float8, ${box.maxLat}::float8))`;
}

async function findClusters(o: FindMapFeaturesOptions): Promise<MapFeatures> {
  const level = clusterLevel(o.zoom);
  // Tile rows grow southwards: the box's north edge gives the smallest y.
  const northWest = tileOf({ lat: o.box.maxLat, lng: o.box.minLng }, level);
  const southEast = tileOf({ lat: o.box.minLat, lng: o.box.maxLng }, level);
  const rows = await queryRows<CellRow>(
    o.db,
    sql`SELECT coalesce(sum(count) FILTER (WHERE stage = 'received'), 0)::int AS received,
        coalesce(sum(count) FILTER (WHERE stage = 'in_progress'), 0)::int AS in_progress,
        coalesce(sum(count) FILTER (WHERE stage = 'done'), 0)::int AS done,
        sum(sum_lat) AS sum_lat, sum(sum_lng) AS sum_lng
      FROM report_map_cells
      WHERE tenant_id = ${o.tenantId} AND level = ${level}
        AND cx BETWEEN ${northWest.x} AND ${southEast.x} AND cy BETWEEN ${northWest.y} AND ${southEast.y}
        AND count > 0${o.categoryId ? sql` AND category_id = ${o.categoryId}` : sql``}
      GROUP BY cx, cy
      LIMIT ${MAX_MAP_FEATURES + 1}`,
  );
  const features: ClusterFeature[] = rows.slice(0, MAX_MAP_FEATURES).map((row) => {
    const stages = {
      received: Number(row.received),
      in_progress: Number(row.in_progress),
      done: Number(row.done),
    };
    const count = stages.received + stages.in_progress + stages.done;
    return {
      type: "Feature",
      geometry: point(Number(row.sum_lat) / count, Number(row.sum_lng) / count),
      properties: { cluster: true, count, stages },
    };
  });
  return { type: "FeatureCollection", features, truncated: rows.length > MAX_MAP_FEATURES };
}

type PinRow = {
  reference: string;
  public_lat: number;
  public_lng: number;
  stage: ReportStage;
  status_key: string;
  category_id: string;
};

async function findPins(o: FindMapFeaturesOptions): Promise<MapFeatures> {
  // Names come from the city's few categories and statuses, read once, so the box query touches one table.
  const [rows, categories, statuses] = await Promise.all([
    queryRows<PinRow>(
      o.db,
      sql`SELECT reference, public_lat, public_lng, stage, status_key, category_id FROM reports
        WHERE ${inPublicBox(o.tenantId, o.box)}${o.categoryId ? sql` AND category_id = ${o.categoryId}` : sql``}
        LIMIT ${MAX_MAP_FEATURES + 1}`,
    ),
    o.db
      .select({
        id: reportCategories.id,
        code: reportCategories.code,
        nameJa: reportCategories.nameJa,
        nameEn: reportCategories.nameEn,
      })
      .from(reportCategories)
      .where(eq(reportCategories.tenantId, o.tenantId)),
    o.db
      .select({ key: reportStatuses.key, labelJa: reportStatuses.labelJa, labelEn: reportStatuses.labelEn })
      .from(reportStatuses)
      .where(eq(reportStatuses.tenantId, o.tenantId)),
  ]);
  const categoryById = new Map(categories.map((c) => [c.id, c]));
  const statusByKey = new Map(statuses.map((s) => [s.key, s]));
  const features: PinFeature[] = rows.slice(0, MAX_MAP_FEATURES).map((row) => {
    const category = categoryById.get(row.category_id);
    const status = statusByKey.get(row.status_key);
    return {
      type: "Feature",
      geometry: point(Number(row.public_lat), Number(row.public_lng)),
      properties: {
        reference: row.reference,
        category: category?.code ?? "",
        categoryName: (o.lang === "en" ? category?.nameEn : category?.nameJa) ?? "",
        status: row.status_key,
        statusLabel: (o.lang === "en" ? status?.labelEn : status?.labelJa) ?? row.status_key,
        stage: row.stage,
        url: `/reports/${row.reference}`,
      },
    };
  });
  return { type: "FeatureCollection", features, truncated: rows.length > MAX_MAP_FEATURES };
}
