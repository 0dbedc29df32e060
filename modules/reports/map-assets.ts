import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Hono } from "hono";
import type { AppEnv } from "../../core/http/app-env.ts";

// Leaflet is served from our own origin: the CSP allows scripts from 'self' only, and offline installs work.
const leafletDist = dirname(createRequire(import.meta.url).resolve("leaflet"));
const read = (path: string) => readFileSync(path);
const assets: Record<string, { body: Uint8Array; type: string }> = {
  "leaflet/leaflet.js": {
    body: read(join(leafletDist, "leaflet.js")),
    type: "text/javascript; charset=utf-8",
  },
  "leaflet/leaflet.css": { body: read(join(leafletDist, "leaflet.css")), type: "text/css; charset=utf-8" },
  ...Object.fromEntries(
    ["marker-icon.png", "marker-icon-2x.png", "marker-shadow.png", "layers.png", "layers-2x.png"].map(
      (name) => [
        `leaflet/images/${name}`,
        { body: read(join(leafletDist, "images", name)), type: "image/png" },
      ],
    ),
  ),
  "report-map.js": {
    body: read(new URL("./assets/report-map.js", import.meta.url).pathname),
    type: "text/javascript; charset=utf-8",
  },
  "reports.css": {
    body: read(new URL("./assets/reports.css", import.meta.url).pathname),
    type: "text/css; charset=utf-8",
  },
};

/** The map's script, styles and marker images under /assets/ (one route each: other modules serve /assets/ too). */
export const mapAssetRoutes = new Hono<AppEnv>();
for (const [path, asset] of Object.entries(assets)) {
  mapAssetRoutes.get(`/assets/${path}`, (c) =>
    c.body(asset.body as Uint8Array<ArrayBuffer>, 200, {
      "content-type": asset.type,
      "cache-control": "public, max-age=300",
    }),
  );
}
