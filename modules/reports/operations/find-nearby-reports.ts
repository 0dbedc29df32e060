import { and, eq, gte, isNull, lte } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import { boxAround, distanceMeters, type LatLng } from "../../../core/geo/geo.ts";
import { type ReportCategory, reports } from "../schema.ts";

export type NearbyReport = {
  id: string;
  reference: string;
  statusKey: string;
  description: string;
  receivedAt: Date;
  distanceMeters: number;
  /** Where the public may see it (null for a hidden category): what the duplicate hint may show. */
  publicPoint: LatLng | null;
};

export type FindNearbyReportsOptions = {
  db: Db;
  tenantId: string;
  category: Pick<ReportCategory, "id" | "duplicateRadiusMeters">;
  point: LatLng;
  /** Defaults to the category's duplicate radius. */
  radiusMeters?: number;
  limit?: number;
  excludeId?: string;
  /**
   * What residents may learn: search around and measure to the PUBLIC point only, the radius widened by
   * `widenMeters` (a coarse category's cell size), so moving one's own pin cannot triangulate the exact
   * place. Hidden-category reports have no public point and drop out. Default: the exact point (staff).
   */
  publicPoint?: { widenMeters: number };
};

/**
 * Open reports of the same category within the radius, nearest first: "already reported — follow it
 * instead" for residents, and the merge candidates staff see. Merged and staff-hidden reports are left out.
 */
export async function findNearbyReports(options: FindNearbyReportsOptions): Promise<NearbyReport[]> {
  const base = options.radiusMeters ?? options.category.duplicateRadiusMeters;
  if (base <= 0) {
    return [];
  }
  const byPublic = options.publicPoint !== undefined;
  const radius = base + (options.publicPoint?.widenMeters ?? 0);
  const box = boxAround(options.point, radius);
  const latColumn = byPublic ? reports.publicLat : reports.lat;
  const lngColumn = byPublic ? reports.publicLng : reports.lng;
  const rows = await options.db
    .select({
      id: reports.id,
      reference: reports.reference,
      statusKey: reports.statusKey,
      description: reports.description,
      receivedAt: reports.receivedAt,
      lat: reports.lat,
      lng: reports.lng,
      publicLat: reports.publicLat,
      publicLng: reports.publicLng,
    })
    .from(reports)
    .where(
      and(
        eq(reports.tenantId, options.tenantId),
        eq(reports.categoryId, options.category.id),
        eq(reports.statusCategory, "open"),
        isNull(reports.mergedIntoId),
        eq(reports.hiddenByStaff, false),
        gte(latColumn, box.minLat),
        lte(latColumn, box.maxLat),
        gte(lngColumn, box.minLng),
        lte(lngColumn, box.maxLng),
      ),
    )
    .limit(200);
  return rows
    .filter((row) => row.id !== options.excludeId)
    .map((row) => {
      const publicPoint =
        row.publicLat !== null && row.publicLng !== null ? { lat: row.publicLat, lng: row.publicLng } : null;
      const measured = byPublic ? publicPoint : row;
      return {
        id: row.id,
        reference: row.reference,
        statusKey: row.statusKey,
        description: row.description,
        receivedAt: row.receivedAt,
        distanceMeters: measured
          ? Math.round(distanceMeters(options.point, measured))
          : Number.POSITIVE_INFINITY,
        publicPoint,
      };
    })
    .filter((row) => row.distanceMeters <= radius)
    .sort((a, b) => a.distanceMeters - b.distanceMeters)
    .slice(0, options.limit ?? 5);
}
