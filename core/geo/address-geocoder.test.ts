import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AbrgStandIn, startAbrgStandIn } from "../testing/abrg-stand-in.ts";
import { geocodeAddress } from "./address-geocoder.ts";

let abrg: AbrgStandIn;

beforeAll(async () => {
  abrg = await startAbrgStandIn();
});
afterAll(() => abrg?.close());

describe("geocodeAddress against an abr-geocoder REST server", () => {
  it("asks GET /geocode with the address, target=all and format=json, and places a detailed match", async () => {
    abrg.setMode("ok");
    const found = await geocodeAddress({ url: abrg.url, address: " 鹿児島県てのひら市北町一丁目2番3号 " });
    expect(found).toEqual({
      ok: true,
      point: { lat: 31.412345, lng: 130.832345 },
      label: "鹿児島県てのひら市北町一丁目2-3",
      level: "residential_detail",
    });
    const asked = abrg.requests.at(-1)!;
    expect(asked.pathname).toBe("/geocode");
    expect(Object.fromEntries(asked.searchParams)).toEqual({
      address: "鹿児島県てのひら市北町一丁目2番3号",
      target: "all",
      format: "json",
    });
  });

  it("judges by the coordinate's own level: a 地番 match with only a 小字 point still places a pin", async () => {
    abrg.setMode("ok");
    const found = await geocodeAddress({ url: abrg.url, address: "てのひら市大字手乃平字山ノ上123" });
    expect(found).toMatchObject({ ok: true, level: "machiaza_detail", point: { lat: 31.365, lng: 130.84 } });
  });

  it("refuses no match and a match too coarse for a pin (city only)", async () => {
    abrg.setMode("ok");
    expect(await geocodeAddress({ url: abrg.url, address: "どこにもない町9-9-9" })).toEqual({
      ok: false,
      reason: "no_match",
    });
    expect(await geocodeAddress({ url: abrg.url, address: "鹿児島県てのひら市" })).toEqual({
      ok: false,
      reason: "no_match",
    });
    // Blank input is not sent at all (the server would answer 400).
    const before = abrg.requests.length;
    expect(await geocodeAddress({ url: abrg.url, address: "  " })).toEqual({ ok: false, reason: "no_match" });
    expect(abrg.requests.length).toBe(before);
  });

  it("falls back to match_level from a server that sends no coordinate_level", async () => {
    const older = await startAbrgStandIn({
      東京都千代田区紀尾井町1: {
        output: "東京都千代田区紀尾井町1",
        match_level: "residential_block",
        lat: 35.68,
        lon: 139.73,
      },
      東京都千代田区: { output: "東京都千代田区", match_level: "city", lat: 35.69, lon: 139.75 },
    });
    try {
      expect(await geocodeAddress({ url: older.url, address: "東京都千代田区紀尾井町1" })).toMatchObject({
        ok: true,
        level: "residential_block",
      });
      expect(await geocodeAddress({ url: older.url, address: "東京都千代田区" })).toEqual({
        ok: false,
        reason: "no_match",
      });
    } finally {
      await older.close();
    }
  });

  it("reports an error status, a wrong endpoint, a hang, bad JSON and a closed port as unavailable", async () => {
    const address = "鹿児島県てのひら市北町一丁目2番3号";
    abrg.setMode("error");
    expect(await geocodeAddress({ url: abrg.url, address })).toEqual({
      ok: false,
      reason: "unavailable",
      detail: "HTTP 500",
    });
    abrg.setMode("ok");
    expect(await geocodeAddress({ url: abrg.url.replace("/geocode", "/nothing"), address })).toMatchObject({
      ok: false,
      reason: "unavailable",
    });
    abrg.setMode("garbage");
    expect(await geocodeAddress({ url: abrg.url, address })).toMatchObject({
      ok: false,
      reason: "unavailable",
    });
    abrg.setMode("hang");
    const started = Date.now();
    expect(await geocodeAddress({ url: abrg.url, address, timeoutMs: 300 })).toMatchObject({
      ok: false,
      reason: "unavailable",
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    abrg.setMode("ok");
    const closed = await startAbrgStandIn();
    await closed.close();
    expect(await geocodeAddress({ url: closed.url, address })).toMatchObject({
      ok: false,
      reason: "unavailable",
    });
  });

  it("refuses an answer over 64 KiB, whether declared by content-length or streamed without end", async () => {
    const address = "鹿児島県てのひら市北町一丁目2番3号";
    const tooLarge = { ok: false, reason: "unavailable", detail: "answer larger than 65536 bytes" };
    abrg.setMode("huge");
    expect(await geocodeAddress({ url: abrg.url, address })).toEqual(tooLarge);
    abrg.setMode("flood");
    const started = Date.now();
    // Stopped at the limit, not by the timeout: the detail would then be the timeout's.
    expect(await geocodeAddress({ url: abrg.url, address, timeoutMs: 5_000 })).toEqual(tooLarge);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it("does not follow a redirect", async () => {
    abrg.setMode("redirect");
    const before = abrg.requests.length;
    expect(
      await geocodeAddress({ url: abrg.url, address: "鹿児島県てのひら市北町一丁目2番3号" }),
    ).toMatchObject({ ok: false, reason: "unavailable" });
    expect(abrg.requests.slice(before).map((url) => url.pathname)).toEqual(["/geocode"]);
  });

  it("says when the answer is in a shape other than the 2.x JSON: GeoJSON, or v3's level names", async () => {
    const address = "鹿児島県てのひら市北町一丁目2番3号";
    abrg.setMode("geojson");
    const geojson = await geocodeAddress({ url: abrg.url, address });
    expect(geojson).toMatchObject({ ok: false, reason: "unavailable" });
    expect(geojson.ok === false && geojson.reason === "unavailable" && geojson.detail).toContain(
      "answer shape not recognised",
    );
    abrg.setMode("v3-levels");
    const v3 = await geocodeAddress({ url: abrg.url, address });
    expect(v3).toMatchObject({ ok: false, reason: "unavailable" });
    expect(v3.ok === false && v3.reason === "unavailable" && v3.detail).toContain(
      'unknown match level "rsdtdsp_rsdt"',
    );
  });
});
