import { and, asc, eq, inArray } from "drizzle-orm";
import { geocodeAddress } from "../../core/geo/address-geocoder.ts";
import { containsPoint, type LatLng, round6 } from "../../core/geo/geo.ts";
import type { Services } from "../../core/services.ts";
import { PREFECTURES, prefectureOf } from "../../core/tenancy/prefectures.ts";
import { tenants } from "../../core/tenancy/schema.ts";
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
 * What to ask the geocoder for an address typed in this city. abr-geocoder resolves a bare town name
 * nationwide (`紀尾井町1-3` → 東京都千代田区紀尾井町1-3), so 「北町1-2-3」 could land in any city's 北町: the
 * city's own 都道府県 and 市区町村 are put in front of whatever the text leaves out. `named` says whether the
 * text itself named a prefecture or this city — only then can a point outside the city mean the resident meant
 * somewhere else. Another city named without its prefecture is not recognised: it is then looked up inside
 * this city and comes back not found, never a wrong "outside".
 */
export function addressInCity(
  address: string,
  city: { municipalityCode: string; nameJa: string },
): { query: string; named: boolean } {
  const text = address.normalize("NFKC").trim();
  if (PREFECTURES.some((name) => text.startsWith(name))) {
    return { query: text, named: true };
  }
  const prefecture = prefectureOf(city.municipalityCode) ?? "";
  const cityName = city.nameJa.normalize("NFKC");
  if (cityName !== "" && text.includes(cityName)) {
    return { query: `${prefecture}${text}`, named: true };
  }
  return { query: `${prefecture}${cityName}${text}`, named: false };
}

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
  const db = services.database.db;
  const [city] = await db
    .select({ municipalityCode: tenants.municipalityCode, nameJa: tenants.nameJa })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  if (!city) {
    return { kind: "none" };
  }
  const { query, named } = addressInCity(address, city);
  const found = await geocodeAddress({ url, address: query });
  if (!found.ok) {
    if (found.reason === "unavailable") {
      services.logger.warn({ detail: found.detail }, "address geocoder unavailable; falling back to the map");
      return { kind: "unavailable" };
    }
    return { kind: "none" };
  }
  const [boundary] = await db
    .select()
    .from(reportAreas)
    .where(and(eq(reportAreas.tenantId, tenantId), eq(reportAreas.kind, "boundary")));
  const point = round6(found.point);
  if (boundary && !containsPoint(boundary.geometry, point)) {
    return named ? { kind: "outside", label: found.label } : { kind: "none" };
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
 * only when none matched and an abr-geocoder is configured — a full address. `mayGeocode` is asked just
 * before the geocoder would be called (a rate limit); false answers `unavailable` without calling it.
 */
export async function searchPlace(options: {
  services: Pick<Services, "config" | "database" | "logger">;
  tenantId: string;
  q: string;
  mayGeocode?: () => Promise<boolean>;
}): Promise<PlaceSearch> {
  const { services, tenantId, q, mayGeocode } = options;
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
  if (!services.config.addressGeocoderUrl) {
    return { kind: "none", addressSearch: false };
  }
  if (mayGeocode && !(await mayGeocode())) {
    return { kind: "unavailable" };
  }
  const geocoded = await geocodeInCity({ services, tenantId, address: q });
  if (!geocoded) {
    return { kind: "none", addressSearch: false };
  }
  return geocoded.kind === "none" ? { kind: "none", addressSearch: true } : geocoded;
}
