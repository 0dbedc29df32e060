import { and, asc, eq, inArray } from "drizzle-orm";
import { geocodeAddress } from "../../core/geo/address-geocoder.ts";
import { containsPoint, type LatLng, round6 } from "../../core/geo/geo.ts";
import type { Services } from "../../core/services.ts";
import { reportAreas } from "./schema.ts";

/** Katakana and hiragana compare equal, as do full- and half-width forms. */
const fold = (text: string) =>
  text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\u30a1-\u30f6]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0x60))
    .replace(/[\s-]/g, "");

export type GeocodedInCity =
  | { kind: "address"; point: LatLng; label: string; level: string }
  | { kind: "outside"; label: string }
  | { kind: "none" }
  | { kind: "unavailable" };

/**
 * A full address through the configured abr-geocoder, kept only when it falls inside the city's boundary:
 * a report can only be filed there. Null when no geocoder is configured. A geocoder that cannot answer is
 * logged here and reported as `unavailable` so the caller can fall back to the map.
 */
export async function geocodeInCity(options: {
  services: Pick<Services, "config" | "database" | "logger">;
  tenantId: string;
  address: string;
}): Promise<GeocodedInCity | null> {
  const { services, tenantId, address } = options;
  const url = services.config.addressGeocoderUrl;
  if (!url) {
    return null;
  }
  const found = await geocodeAddress({ url, address });
  if (!found.ok) {
    if (found.reason === "unavailable") {
      services.logger.warn({ detail: found.detail }, "address geocoder unavailable; falling back to the map");
      return { kind: "unavailable" };
    }
    return { kind: "none" };
  }
  const [boundary] = await services.database.db
    .select()
    .from(reportAreas)
    .where(and(eq(reportAreas.tenantId, tenantId), eq(reportAreas.kind, "boundary")));
  const point = round6(found.point);
  if (boundary && !containsPoint(boundary.geometry, point)) {
    return { kind: "outside", label: found.label };
  }
  return { kind: "address", point, label: found.label, level: found.level };
}

export type AreaFound = { nameJa: string; nameEn: string; centre: LatLng };

export type PlaceSearch =
  /** The city's own 町字 / drawn areas whose name holds the words, by Japanese name. */
  | { kind: "areas"; areas: AreaFound[] }
  | Exclude<GeocodedInCity, { kind: "none" }>
  /** Nothing matched; `addressSearch` says whether full addresses were looked up too. */
  | { kind: "none"; addressSearch: boolean };

/**
 * Where the resident's search words point: the city's own area names first (offline, always there), then —
 * only when none matched and an abr-geocoder is configured — a full address.
 */
export async function searchPlace(options: {
  services: Pick<Services, "config" | "database" | "logger">;
  tenantId: string;
  q: string;
}): Promise<PlaceSearch> {
  const { services, tenantId, q } = options;
  const areas = await services.database.db
    .select()
    .from(reportAreas)
    .where(and(eq(reportAreas.tenantId, tenantId), inArray(reportAreas.kind, ["machiaza", "polygon"])))
    .orderBy(asc(reportAreas.nameJa));
  const needle = fold(q);
  const found = areas.filter(
    (a) =>
      fold(a.nameJa).includes(needle) || fold(a.nameEn).includes(needle) || fold(a.code).includes(needle),
  );
  if (found.length > 0) {
    return {
      kind: "areas",
      areas: found.map((a) => ({
        nameJa: a.nameJa,
        nameEn: a.nameEn,
        centre: round6({ lat: (a.minLat + a.maxLat) / 2, lng: (a.minLng + a.maxLng) / 2 }),
      })),
    };
  }
  const geocoded = await geocodeInCity({ services, tenantId, address: q });
  if (!geocoded) {
    return { kind: "none", addressSearch: false };
  }
  return geocoded.kind === "none" ? { kind: "none", addressSearch: true } : geocoded;
}
