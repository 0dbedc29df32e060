import { coarsen, type LatLng, tileOf } from "../../core/geo/geo.ts";
import { type ReportCategory, TILE_ZOOM } from "./schema.ts";

export type PublicPlacement = {
  publicLat: number | null;
  publicLng: number | null;
  publicTileX: number | null;
  publicTileY: number | null;
};

const HIDDEN: PublicPlacement = { publicLat: null, publicLng: null, publicTileX: null, publicTileY: null };

/**
 * Where the public map shows a report of this category placed at `point`: the pin itself, the centre of a
 * grid cell around it (dead animals near homes), or nowhere. `hiddenByStaff` wins over the category.
 */
export function publicPlacement(
  category: Pick<ReportCategory, "publicLocation" | "coarsenMeters">,
  point: LatLng,
  hiddenByStaff = false,
): PublicPlacement {
  if (hiddenByStaff || category.publicLocation === "hidden") {
    return HIDDEN;
  }
  const shown = category.publicLocation === "coarse" ? coarsen(point, category.coarsenMeters) : point;
  const tile = tileOf(shown, TILE_ZOOM);
  return { publicLat: shown.lat, publicLng: shown.lng, publicTileX: tile.x, publicTileY: tile.y };
}
