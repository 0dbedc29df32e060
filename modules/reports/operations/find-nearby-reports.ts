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
};

/**
 * Open reports of the same category within the radius, nearest first: "already reported — follow it
 * instead" for residents, and the merge candidates staff see. Merged and staff-hidden reports are left out.
 */
export async function findNearbyReports(options: FindNearbyReportsOptions): Promise<NearbyReport[]> {
  const radius = options.radiusMeters ?? options.category.duplicateRadiusMeters;
  if (radius <= 0) {
    return [];
  }
  const box = boxAround(options.point, radius);
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
        gte(reports.lat, box.minLat),
        lte(reports.lat, box.maxLat),
        gte(reports.lng, box.minLng),
        lte(reports.lng, box.maxLng),
      ),
    )
    .limit(200);
  return rows
    .filter((row) => row.id !== options.excludeId)
    .map((row) => ({
      id: row.id,
      reference: row.reference,
      statusKey: row.statusKey,
      description: row.description,
      receivedAt: row.receivedAt,
      distanceMeters: Math.round(distanceMeters(options.point, row)),
      publicPoint:
        row.publicLat !== null && row.publicLng !== null ? { lat: row.publicLat, lng: row.publicLng } : null,
    }))
    .filter((row) => row.distanceMeters <= radius)
    .sort((a, b) => a.distanceMeters - b.distanceMeters)
    .slice(0, options.limit ?? 5);
}
