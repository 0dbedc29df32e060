import { html, raw } from "hono/html";
import { type LatLng, round6, tileCorner } from "../../core/geo/geo.ts";
import type { Html } from "../../core/http/layout.ts";
import type { Translator } from "../../core/i18n/i18n.ts";

/** Shown size of one tile of the script-free grid: fixed, because a click's x/y arrive in shown pixels. */
export const TILE_PX = 100;
export const DEFAULT_ZOOM = 16;
export const MIN_ZOOM = 10;
/** The default 地理院タイル (std) end at zoom 18. */
export const MAX_ZOOM = 18;

export type MapView = { center: LatLng; zoom: number };

/** Fractional Web Mercator tile numbers of a point: the whole part is the tile, the rest the place in it. */
export function fractionalTile(point: LatLng, zoom: number): { x: number; y: number } {
  const n = 2 ** zoom;
  const latRad = (point.lat * Math.PI) / 180;
  return {
    x: ((point.lng + 180) / 360) * n,
    y: ((1 - Math.log(Math.tan(latRad) + 1 / Math.cos(latRad)) / Math.PI) / 2) * n,
  };
}

/** The tile at the grid's top-left: the centre's tile is the middle of the 3×3 grid. */
function gridOrigin(view: MapView) {
  const f = fractionalTile(view.center, view.zoom);
  return { x: Math.floor(f.x) - 1, y: Math.floor(f.y) - 1 };
}

/**
 * A point with its longitude brought back into [-180, 180] (panning past the date line) and its latitude
 * kept within Web Mercator's ±85.05°, so every link the grid makes names a valid place.
 */
export function wrapped(point: LatLng): LatLng {
  const lng = ((((point.lng + 180) % 360) + 360) % 360) - 180;
  return round6({
    lat: Math.min(85.05, Math.max(-85.05, point.lat)),
    lng: lng === -180 && point.lng > 0 ? 180 : lng,
  });
}

/**
 * The point under a click at (px, py) shown pixels inside the grid tile at offset (dx, dy) ∈ {-1, 0, 1}.
 * A keyboard press on an image button sends (0, 0): that picks the tile's centre, not its corner.
 */
export function pointFromClick(view: MapView, dx: number, dy: number, px: number, py: number): LatLng {
  const origin = gridOrigin(view);
  const keyboard = px === 0 && py === 0;
  const fx = keyboard ? 0.5 : Math.min(Math.max(px, 0), TILE_PX) / TILE_PX;
  const fy = keyboard ? 0.5 : Math.min(Math.max(py, 0), TILE_PX) / TILE_PX;
  return wrapped(tileCorner(origin.x + 1 + dx + fx, origin.y + 1 + dy + fy, view.zoom));
}

/** Where a point falls on the grid in shown pixels, or null when it is off the grid. */
export function gridPixel(view: MapView, point: LatLng): { x: number; y: number } | null {
  const origin = gridOrigin(view);
  const f = fractionalTile(point, view.zoom);
  const x = (f.x - origin.x) * TILE_PX;
  const y = (f.y - origin.y) * TILE_PX;
  return x >= 0 && y >= 0 && x <= 3 * TILE_PX && y <= 3 * TILE_PX ? { x, y } : null;
}

/** The centre moved by whole tiles (panning the grid). */
export function panned(view: MapView, tilesX: number, tilesY: number): LatLng {
  const f = fractionalTile(view.center, view.zoom);
  return wrapped(tileCorner(f.x + tilesX, f.y + tilesY, view.zoom));
}

export function tileUrl(template: string, zoom: number, x: number, y: number): string {
  const n = 2 ** zoom;
  return template
    .replace("{z}", String(zoom))
    .replace("{x}", String(((x % n) + n) % n))
    .replace("{y}", String(Math.min(Math.max(y, 0), n - 1)));
}

const positions = [
  ["北西", "north-west"],
  ["北", "north"],
  ["北東", "north-east"],
  ["西", "west"],
  ["中央", "centre"],
  ["東", "east"],
  ["南西", "south-west"],
  ["南", "south"],
  ["南東", "south-east"],
] as const;

export type GridOptions = {
  view: MapView;
  marker: LatLng | null;
  tileTemplate: string;
  t: Translator;
  lang: "ja" | "en";
  /** Clickable tiles (inside a GET form) or plain pictures. */
  clickable: boolean;
};

/** The 3×3 tile grid that works without JavaScript, with the marker drawn over it as SVG (no inline styles). */
export function tileGrid(o: GridOptions): Html {
  const origin = gridOrigin(o.view);
  const cells = [-1, 0, 1].flatMap((dy) =>
    [-1, 0, 1].map((dx) => {
      const src = tileUrl(o.tileTemplate, o.view.zoom, origin.x + 1 + dx, origin.y + 1 + dy);
      const where = positions[(dy + 1) * 3 + dx + 1]!;
      const position = o.lang === "ja" ? where[0] : where[1];
      return o.clickable
        ? html`<input type="image" name="tile_${dx}_${dy}" src="${src}" width="${TILE_PX}" height="${TILE_PX}" alt="${o.t("reports.place.tileAlt", { position })}">`
        : html`<img src="${src}" width="${TILE_PX}" height="${TILE_PX}" alt="">`;
    }),
  );
  const at = o.marker ? gridPixel(o.view, o.marker) : null;
  const size = 3 * TILE_PX;
  const pin = at
    ? raw(
        `<svg viewBox="0 0 ${size} ${size}" width="${size}" height="${size}" aria-hidden="true" focusable="false"><path d="M${at.x.toFixed(1)} ${at.y.toFixed(1)} l-9 -20 a10 10 0 1 1 18 0 z" fill="#b3261e" stroke="#fff" stroke-width="2"/><circle cx="${at.x.toFixed(1)}" cy="${(at.y - 24).toFixed(1)}" r="3.5" fill="#fff"/></svg>`,
      )
    : "";
  return html`<div class="tile-grid">${cells}${pin}</div>`;
}
