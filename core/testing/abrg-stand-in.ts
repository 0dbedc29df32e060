import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One address the stand-in knows, answered with these fields of abr-geocoder's JSON result. */
export type StandInAddress = {
  output: string;
  match_level: string;
  /** Omitted for the few answers that copy servers older than this field. */
  coordinate_level?: string;
  lat: number | null;
  lon: number | null;
  pref?: string;
  city?: string;
  oaza_cho?: string;
  chome?: string;
};

/**
 * Fixed answers: in the demo city (its outline is in Ōsumi, Kagoshima; see modules/reports/seeds.ts
 * demoPlaces and the 町字 北町 東町 南町 港町), one 大字 the city's own table does not know, a city-only match
 * that is too coarse for a pin, and the Digital Agency's own documented example in Tokyo, outside the city.
 * Like upstream, a bare town name resolves nationwide: 「北町1-2-3」 alone is another city's 北町. The demo
 * city's code 990019 names no prefecture (99), so its addresses are asked as 「てのひら市…」.
 */
export const standInAddresses: Record<string, StandInAddress> = {
  "てのひら市北町1-2-3": {
    output: "てのひら市北町一丁目2-3",
    match_level: "residential_detail",
    coordinate_level: "residential_detail",
    lat: 31.412345,
    lon: 130.832345,
    city: "てのひら市",
    oaza_cho: "北町",
    chome: "一丁目",
  },
  "北町1-2-3": {
    output: "東京都練馬区北町一丁目2-3",
    match_level: "residential_detail",
    coordinate_level: "residential_detail",
    lat: 35.764,
    lon: 139.668,
    pref: "東京都",
    city: "練馬区",
    oaza_cho: "北町",
    chome: "一丁目",
  },
  鹿児島県てのひら市北町一丁目2番3号: {
    output: "鹿児島県てのひら市北町一丁目2-3",
    match_level: "residential_detail",
    coordinate_level: "residential_detail",
    lat: 31.412345,
    lon: 130.832345,
    pref: "鹿児島県",
    city: "てのひら市",
    oaza_cho: "北町",
    chome: "一丁目",
  },
  てのひら市東町2丁目5番地: {
    output: "鹿児島県てのひら市東町二丁目5",
    match_level: "parcel",
    coordinate_level: "parcel",
    lat: 31.407654,
    lon: 130.887654,
    pref: "鹿児島県",
    city: "てのひら市",
    oaza_cho: "東町",
    chome: "二丁目",
  },
  てのひら市大字手乃平字山ノ上123: {
    output: "鹿児島県てのひら市大字手乃平字山ノ上123",
    match_level: "parcel",
    coordinate_level: "machiaza_detail",
    lat: 31.365,
    lon: 130.84,
    pref: "鹿児島県",
    city: "てのひら市",
    oaza_cho: "手乃平",
  },
  鹿児島県てのひら市: {
    output: "鹿児島県てのひら市",
    match_level: "city",
    coordinate_level: "city",
    lat: 31.38,
    lon: 130.85,
    pref: "鹿児島県",
    city: "てのひら市",
  },
  "東京都千代田区紀尾井町1-3": {
    output: "東京都千代田区紀尾井町1-3",
    match_level: "residential_detail",
    coordinate_level: "residential_detail",
    lat: 35.679107172,
    lon: 139.736394597,
    pref: "東京都",
    city: "千代田区",
    oaza_cho: "紀尾井町",
  },
  // Another city's town that shares a name with one of the demo city's 町字 (東町).
  "宮崎県都城市東町1-1": {
    output: "宮崎県都城市東町1-1",
    match_level: "residential_block",
    coordinate_level: "residential_block",
    lat: 31.72,
    lon: 131.07,
    pref: "宮崎県",
    city: "都城市",
    oaza_cho: "東町",
  },
};

/**
 * ok: answers from the table; error: 500 to everything; hang: never answers; garbage: 200 that is not JSON;
 * huge: a 100 KiB answer declared by content-length; flood: an answer streamed without a length that never
 * ends; redirect: 302 to the same request on another path, which would answer; geojson: a FeatureCollection
 * (what the v3 server may send); v3-levels: the 2.x shape with v3's level names.
 */
export type StandInMode =
  | "ok"
  | "error"
  | "hang"
  | "garbage"
  | "huge"
  | "flood"
  | "redirect"
  | "geojson"
  | "v3-levels";

export type AbrgStandIn = {
  /** The endpoint to configure as addressGeocoderUrl: http://127.0.0.1:<port>/geocode. */
  url: string;
  /** Every request's path and query, in order. */
  requests: URL[];
  setMode(mode: StandInMode): void;
  close(): Promise<void>;
};

const SEARCH_TARGETS = new Set(["all", "residential", "parcel"]);

function json(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

/** abr-geocoder's json formatter: an array of `{ query, result }`, nulls for what is not known. */
function answer(input: string, found: StandInAddress | undefined) {
  const result = found ?? {
    output: input,
    match_level: "unknown",
    coordinate_level: "unknown",
    lat: null,
    lon: null,
  };
  return [
    {
      query: { input },
      result: {
        output: result.output,
        others: [],
        score: found ? 1 : 0,
        match_level: result.match_level,
        ...(result.coordinate_level === undefined ? {} : { coordinate_level: result.coordinate_level }),
        lat: result.lat,
        lon: result.lon,
        lg_code: null,
        machiaza_id: null,
        rsdt_addr_flg: found ? 1 : undefined,
        blk_id: null,
        rsdt_id: null,
        rsdt2_id: null,
        prc_id: null,
        pref: result.pref ?? null,
        county: null,
        city: result.city ?? null,
        ward: null,
        oaza_cho: result.oaza_cho ?? null,
        chome: result.chome ?? null,
        koaza: null,
        blk_num: null,
        rsdt_num: null,
        rsdt_num2: null,
        prc_num1: null,
        prc_num2: null,
        prc_num3: null,
      },
    },
  ];
}

/**
 * A real HTTP server on loopback speaking abr-geocoder's REST protocol (`abrg serve start`: GET /geocode with
 * address, target, format, fuzzy; validation errors as 400 `{ status: "error", message }`, other paths 404)
 * from a fixed table, so the adapter is exercised over the wire without national address data.
 */
export async function startAbrgStandIn(
  table: Record<string, StandInAddress> = standInAddresses,
): Promise<AbrgStandIn> {
  let mode: StandInMode = "ok";
  const requests: URL[] = [];
  const key = (address: string) => address.normalize("NFKC").replace(/\s/g, "");
  const known = new Map(Object.entries(table).map(([address, found]) => [key(address), found]));
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    requests.push(url);
    if (mode === "hang") {
      return;
    }
    if (mode === "error") {
      response.writeHead(500, { "content-type": "text/plain" });
      response.end("database is locked");
      return;
    }
    // The endpoint "moved": /geocode redirects to /moved, which would answer.
    if (mode === "redirect" && url.pathname === "/geocode") {
      response.writeHead(302, { location: `/moved${url.search}` });
      response.end();
      return;
    }
    const path = mode === "redirect" && url.pathname === "/moved" ? "/geocode" : url.pathname;
    if (request.method !== "GET" || path !== "/geocode") {
      json(response, 404, { status: "error", message: "Not found" });
      return;
    }
    const address = url.searchParams.get("address")?.trim();
    if (!address) {
      json(response, 400, { status: "error", message: "The address paramaeter is empty" });
      return;
    }
    const target = url.searchParams.get("target")?.trim() || "all";
    if (!SEARCH_TARGETS.has(target)) {
      json(response, 400, { status: "error", message: "The target paramaeter is invalid" });
      return;
    }
    // The real server also speaks csv, geojson and ndjson; the stand-in only the json the adapter asks for.
    if ((url.searchParams.get("format") ?? "json").toLowerCase() !== "json") {
      response.writeHead(400, { "content-type": "text/plain" });
      response.end("format is invalid");
      return;
    }
    if (mode === "garbage") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end('[{"query":');
      return;
    }
    const found = known.get(key(address));
    if (mode === "huge") {
      const body = JSON.stringify(answer(address, found)).padEnd(100 * 1024, " ");
      response.writeHead(200, { "content-type": "application/json", "content-length": body.length });
      response.end(body);
      return;
    }
    if (mode === "flood") {
      response.writeHead(200, { "content-type": "application/json" });
      const chunk = " ".repeat(16 * 1024);
      // Writes until the socket's buffer is full, then again on each drain, until the client goes away.
      const more = () => {
        let room = true;
        while (room && !response.destroyed) {
          room = response.write(chunk);
        }
      };
      response.on("drain", more);
      response.write("[");
      more();
      return;
    }
    if (mode === "geojson") {
      json(response, 200, {
        type: "FeatureCollection",
        features: found
          ? [
              {
                type: "Feature",
                geometry: { type: "Point", coordinates: [found.lon, found.lat] },
                properties: {
                  query: { input: address },
                  result: { output: found.output, match_level: "rsdtdsp_rsdt" },
                },
              },
            ]
          : [],
      });
      return;
    }
    const [item] = answer(address, found);
    if (mode === "v3-levels" && item) {
      item.result.match_level = "rsdtdsp_rsdt";
      json(response, 200, [item]);
      return;
    }
    json(response, 200, [item]);
  };
  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/geocode`,
    requests,
    setMode(next) {
      mode = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
