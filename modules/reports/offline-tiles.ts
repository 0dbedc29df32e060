import { Hono } from "hono";
import sharp from "sharp";
import type { AppEnv } from "../../core/http/app-env.ts";
import { problems } from "../../core/http/problem.ts";

const MAX_CACHED = 2000;
const cache = new Map<string, Uint8Array>();

/** A plain light tile with a thin grid and its numbers: a map background that needs no internet. */
export async function offlineTile(z: number, x: number, y: number): Promise<Uint8Array> {
  const key = `${z}/${x}/${y}`;
  const cached = cache.get(key);
  if (cached) {
    return cached;
  }
  const lines = [64, 128, 192]
    .map((p) => `<path d="M${p} 0V256M0 ${p}H256" stroke="#dfe6dc" stroke-width="1"/>`)
    .join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256">
<rect width="256" height="256" fill="#f4f6f1"/>${lines}
<rect x="0.5" y="0.5" width="255" height="255" fill="none" stroke="#c5cfc0"/>
<text x="8" y="20" font-family="sans-serif" font-size="12" fill="#8a9486">${key}</text></svg>`;
  const png = new Uint8Array(await sharp(Buffer.from(svg)).png({ palette: true }).toBuffer());
  if (cache.size >= MAX_CACHED) {
    cache.delete(cache.keys().next().value as string);
  }
  cache.set(key, png);
  return png;
}

/** GET /map/tiles/<z>/<x>/<y>.png — the built-in tiles tests and offline installs configure as mapTileUrl. */
export const offlineTileRoutes = new Hono<AppEnv>().get(
  "/map/tiles/:z{[0-9]+}/:x{[0-9]+}/:y{[0-9]+\\.png}",
  async (c) => {
    const z = Number(c.req.param("z"));
    const x = Number(c.req.param("x"));
    const y = Number(c.req.param("y").replace(/\.png$/, ""));
    if (z > 20 || x >= 2 ** z || y >= 2 ** z) {
      throw problems.notFound();
    }
    return c.body((await offlineTile(z, x, y)) as Uint8Array<ArrayBuffer>, 200, {
      "content-type": "image/png",
      "cache-control": "public, max-age=86400",
    });
  },
);
