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
 *
 * This is the 2.x REST API. The newer Go server (v3) names its levels differently (`pref`, `rsdtdsp_blk`…)
 * and may answer GeoJSON: such answers are `unavailable` with a detail saying so, for the log, rather than
 * read wrongly.
 */

export const ADDRESS_GEOCODER_TIMEOUT_MS = 2_000;
/** One address's answer is a few hundred bytes; anything near this is not an answer to read into memory. */
export const ADDRESS_GEOCODER_MAX_BYTES = 64 * 1024;

/** Every match level abr-geocoder 2.x writes (docs/OUTPUT.ja.md); anything else is another protocol. */
const KNOWN_LEVELS = new Set([
  "unknown",
  "prefecture",
  "city",
  "machiaza",
  "machiaza_detail",
  "residential_block",
  "residential_detail",
  "parcel",
]);

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

const UNRECOGNISED =
  "answer shape not recognised: expected the JSON array of abr-geocoder 2.x (abrg serve start)";

/** The body as text, or null once it passes the size limit (the rest is not read). */
async function boundedText(response: Response): Promise<string | null> {
  const declared = Number(response.headers.get("content-length"));
  if (declared > ADDRESS_GEOCODER_MAX_BYTES) {
    await response.body?.cancel();
    return null;
  }
  if (!response.body) {
    return "";
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    size += value.byteLength;
    if (size > ADDRESS_GEOCODER_MAX_BYTES) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

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
 * not the documented JSON is `unavailable` (the caller logs `detail` and falls back); so is a redirect (the
 * server is configured by its endpoint, not found by following) and an answer over 64 KiB. An answer that
 * cannot place a pin is `no_match`.
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
      redirect: "error",
      signal: AbortSignal.timeout(options.timeoutMs ?? ADDRESS_GEOCODER_TIMEOUT_MS),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return { ok: false, reason: "unavailable", detail: `HTTP ${response.status}` };
    }
    const text = await boundedText(response);
    if (text === null) {
      return {
        ok: false,
        reason: "unavailable",
        detail: `answer larger than ${ADDRESS_GEOCODER_MAX_BYTES} bytes`,
      };
    }
    body = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: "unavailable", detail: (error as Error).message };
  }
  const result = resultOf(body);
  if (!result || typeof result.match_level !== "string") {
    return { ok: false, reason: "unavailable", detail: UNRECOGNISED };
  }
  // coordinate_level is how precise lat/lon are, which can be coarser than what matched (a 地番 found but only
  // its 町字's representative point known). Servers before it existed (docs/GEOCODE.ja.md) send match_level only.
  const level = typeof result.coordinate_level === "string" ? result.coordinate_level : result.match_level;
  if (!KNOWN_LEVELS.has(result.match_level) || !KNOWN_LEVELS.has(level)) {
    return {
      ok: false,
      reason: "unavailable",
      detail: `${UNRECOGNISED}; unknown match level "${KNOWN_LEVELS.has(level) ? result.match_level : level}"`,
    };
  }
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
