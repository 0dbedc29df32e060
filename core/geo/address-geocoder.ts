import type { LatLng } from "./geo.ts";

/**
 * Client of the Digital Agency's abr-geocoder REST server (`@digital-go-jp/abr-geocoder`, started with
 * `abrg serve start` after `abrg download`; it answers offline from its own SQLite copy of the Address Base
 * Registry). Protocol as documented in digital-go-jp/abr-geocoder README.md / README.ja.md (`abrg serve
 * start`: `GET /geocode?address=…`, parameters address, target, format, fuzzy) and
 * docs/src/rest-api/overview.md (`GET /geocode?address=<文字列>&target=…&format=<json|…>`); the JSON
 * shape is docs/GEOCODE.ja.md (`--format json`) and src/interface/format/json-transform.ts: an array with
 * one `{ query: { input }, result: { output, others, score, match_level, coordinate_level, lat, lon, pref,
 * city, oaza_cho, chome, … } }`. Match levels are docs/OUTPUT.ja.md.
 */

export const ADDRESS_GEOCODER_TIMEOUT_MS = 2_000;

/**
 * Levels whose coordinate is a place in a town, not a prefecture's or city's representative point: 町字
 * (大字・町名) or finer. A pin at a prefecture office or city hall would look exact and be wrong.
 */
const PIN_LEVELS = new Set([
  "machiaza",
  "machiaza_detail",
  "residential_block",
  "residential_detail",
  "parcel",
]);

export type GeocodeResult =
  | { ok: true; point: LatLng; label: string; level: string }
  | { ok: false; reason: "no_match" }
  | { ok: false; reason: "unavailable"; detail: string };

type AbrgResult = {
  output?: unknown;
  match_level?: unknown;
  coordinate_level?: unknown;
  lat?: unknown;
  lon?: unknown;
};

function resultOf(body: unknown): AbrgResult | null {
  const item: unknown = Array.isArray(body) ? body[0] : undefined;
  if (typeof item !== "object" || item === null || !("result" in item)) {
    return null;
  }
  const result = item.result;
  return typeof result === "object" && result !== null ? (result as AbrgResult) : null;
}

/**
 * Looks one address up. Never throws: a refused connection, a timeout, an error status or an answer that is
 * not the documented JSON is `unavailable` (the caller logs it and falls back); an answer that cannot place a
 * pin is `no_match`.
 */
export async function geocodeAddress(options: {
  /** The endpoint itself, e.g. http://127.0.0.1:3000/geocode. */
  url: string;
  address: string;
  timeoutMs?: number;
}): Promise<GeocodeResult> {
  const address = options.address.trim();
  if (address === "") {
    return { ok: false, reason: "no_match" };
  }
  let body: unknown;
  try {
    const url = new URL(options.url);
    // target=all: 住居表示 first, then 地番 — either can place a pin. format=json is the default, sent anyway.
    url.searchParams.set("address", address);
    url.searchParams.set("target", "all");
    url.searchParams.set("format", "json");
    const response = await fetch(url, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(options.timeoutMs ?? ADDRESS_GEOCODER_TIMEOUT_MS),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return { ok: false, reason: "unavailable", detail: `HTTP ${response.status}` };
    }
    body = JSON.parse(await response.text());
  } catch (error) {
    return { ok: false, reason: "unavailable", detail: (error as Error).message };
  }
  const result = resultOf(body);
  if (!result || typeof result.match_level !== "string") {
    return { ok: false, reason: "unavailable", detail: "answer is not abr-geocoder JSON" };
  }
  // coordinate_level is how precise lat/lon are, which can be coarser than what matched (a 地番 found but only
  // its 町字's representative point known). Servers before it existed (docs/GEOCODE.ja.md) send match_level only.
  const level = typeof result.coordinate_level === "string" ? result.coordinate_level : result.match_level;
  const { lat, lon } = result;
  if (
    !PIN_LEVELS.has(level) ||
    typeof lat !== "number" ||
    typeof lon !== "number" ||
    !Number.isFinite(lat) ||
    !Number.isFinite(lon)
  ) {
    return { ok: false, reason: "no_match" };
  }
  const label = typeof result.output === "string" && result.output !== "" ? result.output : address;
  return { ok: true, point: { lat, lng: lon }, label, level };
}
