import { Hono } from "hono";
import sharp from "sharp";
import type { AppEnv } from "../../core/http/app-env.ts";
import { problems } from "../../core/http/problem.ts";

const MAX_CACHED = 2000;
/** Deepest zoom served: the maps stop at 18, one more level is left for a browser's overzoom. */
export const MAX_OFFLINE_ZOOM = 19;
export const OFFLINE_TILE_PREFIX = "/map/tiles/";
const cache = new Map<string, Uint8Array>();
// One render per tile at a time: a map asks for the same tiles at once from many tabs.
const pending = new Map<string, Promise<Uint8Array>>();

async function render(key: string): Promise<Uint8Array> {
  const lines = [64, 128, 192]
    .map((p) => `<path d="M${p} 0V256M0 ${p}H256" stroke="#dfe6dc" stroke-width="1"/>`)
    .join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256">
<rect width="256" height="256" fill="#f4f6f1"/>${lines}
<rect x="0.5" y="0.5" width="255" height="255" fill="none" stroke="#c5cfc0"/>
<text x="8" y="20" font-family="sans-serif" font-size="12" fill="#8a9486">${key}</text></svg>`;
  return new Uint8Array(await sharp(Buffer.from(svg)).png({ palette: true }).toBuffer());
}

/** A plain light tile with a thin grid and its numbers: a map background that needs no internet. */
export async function offlineTile(z: number, x: number, y: number): Promise<Uint8Array> {
  const key = `${z}/${x}/${y}`;
  const cached = cache.get(key);
  if (cached) {
    return cached;
  }
  const running = pending.get(key);
  if (running) {
    return running;
  }
  const job = render(key)
    .then((png) => {
      if (cache.size >= MAX_CACHED) {
        cache.delete(cache.keys().next().value as string);
      }
      cache.set(key, png);
      return png;
    })
    .finally(() => pending.delete(key));
  pending.set(key, job);
  return job;
}

/**
 * GET /map/tiles/<z>/<x>/<y>.png — the built-in tiles tests and offline installs configure as mapTileUrl.
 * Served only when the install's mapTileUrl points here: otherwise nobody needs them and each would cost a
 * render. Anything but a tile that exists at that zoom is not found.
 */
export const offlineTileRoutes = new Hono<AppEnv>().get("/map/tiles/:z/:x/:file", async (c) => {
  if (!c.var.services.config.mapTileUrl.startsWith(OFFLINE_TILE_PREFIX)) {
    throw problems.notFound();
  }
  const file = /^([0-9]{1,9})\.png$/.exec(c.req.param("file"));
  const [zText, xText] = [c.req.param("z"), c.req.param("x")];
  if (!file || !/^[0-9]{1,2}$/.test(zText) || !/^[0-9]{1,9}$/.test(xText)) {
    throw problems.notFound();
  }
  const z = Number(zText);
  const x = Number(xText);
  const y = Number(file[1]);
  if (z > MAX_OFFLINE_ZOOM || x >= 2 ** z || y >= 2 ** z) {
    throw problems.notFound();
  }
  return c.body((await offlineTile(z, x, y)) as Uint8Array<ArrayBuffer>, 200, {
    "content-type": "image/png",
    "cache-control": "public, max-age=86400",
  });
});
