import { and, eq, like } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../../core/audit/schema.ts";
import { containsPoint, tileOf } from "../../../core/geo/geo.ts";
import { rateLimits } from "../../../core/identity/schema.ts";
import { type Tenant, tenants } from "../../../core/tenancy/schema.ts";
import { startTestServer, type TestServer } from "../../../core/testing/browser.ts";
import { addSecondCity } from "../../../core/testing/second-city.ts";
import { createApiKey } from "../operations/create-api-key.ts";
import { revokeApiKey } from "../operations/revoke-api-key.ts";
import { reportApiKeys, reportAreas, reportPhotos, reports, TILE_ZOOM } from "../schema.ts";
import { demoPlaces } from "../seeds.ts";

/**
 * A tiny GeoReport v2 client written from the public specification, not from our code: plain fetch,
 * form-encoded or multipart posts, and a minimal XML reader.
 */
type Format = "json" | "xml";
type Row = Record<string, unknown>;

/** The repeated `<item>` elements of an XML answer as flat records of their child elements' text. */
function xmlItems(xml: string, item: string): Record<string, string>[] {
  return [...xml.matchAll(new RegExp(`<${item}>([\\s\\S]*?)</${item}>`, "g"))].map((match) => {
    const record: Record<string, string> = {};
    for (const child of match[1]!.matchAll(/<([a-z_]+)>([^<]*)<\/\1>|<([a-z_]+)\/>/g)) {
      if (child[1]) {
        record[child[1]] = child[2]!
          .replace(/&lt;/g, "<")
          .replace(/&gt;/g, ">")
          .replace(/&quot;/g, '"')
          .replace(/&apos;/g, "'")
          .replace(/&amp;/g, "&");
      } else if (child[3]) {
        record[child[3]] = "";
      }
    }
    return record;
  });
}

function client(endpoint: string) {
  const get = async (path: string, format: Format, query: Record<string, string> = {}) => {
    const qs = new URLSearchParams(query).toString();
    const response = await fetch(`${endpoint}/${path}.${format}${qs ? `?${qs}` : ""}`);
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  return {
    get,
    services: (format: Format) => get("services", format),
    definition: (code: string, format: Format) => get(`services/${code}`, format),
    requests: (format: Format, query: Record<string, string> = {}) => get("requests", format, query),
    request: (id: string, format: Format, query: Record<string, string> = {}) =>
      get(`requests/${id}`, format, query),
    async post(format: Format, fields: Record<string, string>, media: Uint8Array[] = []) {
      let body: URLSearchParams | FormData = new URLSearchParams(fields);
      if (media.length > 0) {
        const form = new FormData();
        for (const [name, value] of Object.entries(fields)) {
          form.append(name, value);
        }
        for (const [i, bytes] of media.entries()) {
          form.append("media", new Blob([new Uint8Array(bytes)], { type: "image/jpeg" }), `photo${i}.jpg`);
        }
        body = form;
      }
      const response = await fetch(`${endpoint}/requests.${format}`, { method: "POST", body });
      return { status: response.status, headers: response.headers, text: await response.text() };
    },
  };
}

let server: TestServer;
let tenant: Tenant;
let api: ReturnType<typeof client>;
let key: string;
const db = () => server.platform.services.database.db;
const admin = { type: "system" as const, id: null };

async function newKey(name: string, tenantId = tenant.id) {
  return createApiKey({ db: db(), tenantId, name, actor: admin });
}

const photo = async () =>
  new Uint8Array(
    await sharp({ create: { width: 32, height: 24, channels: 3, background: "#336699" } })
      .jpeg()
      .toBuffer(),
  );

const errorsOf = (text: string) => JSON.parse(text) as { code: number; description: string }[];

beforeAll(async () => {
  server = await startTestServer();
  [tenant] = (await db().select().from(tenants).where(eq(tenants.slug, "tenohira"))) as [Tenant];
  api = client(`${server.baseUrl}/open311/v2`);
  key = (await newKey("Client test")).key;
}, 120_000);

afterAll(() => server?.close());

describe("GeoReport v2 client", () => {
  it("lists services and reads a service definition in JSON and XML", async () => {
    const services = await api.services("json");
    expect(services.status).toBe(200);
    const list = JSON.parse(services.text) as Row[];
    const road = list.find((s) => s["service_code"] === "road-damage")!;
    expect(road).toMatchObject({
      service_name: "道路の損傷",
      metadata: true,
      type: "realtime",
      group: "道路・河川",
    });
    expect(list.find((s) => s["service_code"] === "streetlight")!["metadata"]).toBe(false);
    const xml = await api.services("xml");
    expect(xml.headers.get("content-type")).toContain("text/xml");
    expect(xml.text).toMatch(/^<\?xml[^>]*>\s*<services>/);
    expect(xmlItems(xml.text, "service").map((s) => s["service_code"])).toEqual(
      list.map((s) => s["service_code"]),
    );

    const definition = JSON.parse((await api.definition("road-damage", "json")).text) as {
      service_code: string;
      attributes: Row[];
    };
    expect(definition.service_code).toBe("road-damage");
    expect(definition.attributes[0]).toMatchObject({
      variable: true,
      code: "danger",
      datatype: "singlevaluelist",
      required: true,
      order: 1,
      description: "通行に危険はありますか",
    });
    expect(definition.attributes[0]!["values"]).toContainEqual({
      key: "now",
      name: "すぐに危険（車やバイクが通れない）",
    });
    const defXml = (await api.definition("road-damage", "xml")).text;
    expect(defXml).toContain(
      "<service_definition><service_code>road-damage</service_code><attributes><attribute>",
    );
    expect(xmlItems(defXml, "value").map((v) => v["key"])).toEqual(["now", "caution", "minor"]);
    const english = await api.get("services", "json", { lang: "en" });
    expect((JSON.parse(english.text) as Row[])[0]!["service_name"]).toBe("Road damage");
    // Another city's jurisdiction is not here.
    expect((await api.get("services", "json", { jurisdiction_id: "999999" })).status).toBe(404);
    expect((await api.get("services", "json", { jurisdiction_id: tenant.municipalityCode })).status).toBe(
      200,
    );
  });

  it("posts a request with an attribute and a photo, then reads it back by id and in the list", async () => {
    const posted = await api.post(
      "json",
      {
        api_key: key,
        service_code: "road-damage",
        lat: String(demoPlaces.kitaMachi.lat),
        long: String(demoPlaces.kitaMachi.lng),
        description: "歩道に穴があります <危険>",
        email: "partner-user@example.jp",
        first_name: "太郎",
        last_name: "山田",
        "attribute[danger]": "caution",
      },
      [await photo()],
    );
    expect(posted.status, posted.text).toBe(200);
    const [created] = JSON.parse(posted.text) as Row[];
    const id = created!["service_request_id"] as string;
    expect(id).toMatch(/^V[0-9A-Z]{3}-[0-9A-Z]{4}$/);
    expect(created!["service_notice"]).toContain("5");

    const [stored] = await db().select().from(reports).where(eq(reports.reference, id));
    expect(stored).toMatchObject({
      channel: "open311",
      contactName: "山田 太郎",
      answers: { danger: "caution" },
    });
    expect(stored!.open311KeyId).not.toBeNull();
    const photos = await db().select().from(reportPhotos).where(eq(reportPhotos.reportId, stored!.id));
    expect(photos).toHaveLength(1);
    const audit = await db().select().from(auditLog).where(eq(auditLog.resourceId, stored!.id));
    expect(audit[0]).toMatchObject({ actorType: "api", actorId: stored!.open311KeyId });

    const one = await api.request(id, "json", { extensions: "true" });
    const [request] = JSON.parse(one.text) as Row[];
    expect(request).toMatchObject({
      service_request_id: id,
      status: "open",
      service_code: "road-damage",
      description: "歩道に穴があります <危険>",
      lat: demoPlaces.kitaMachi.lat,
      long: demoPlaces.kitaMachi.lng,
      agency_responsible: "道路河川課",
      media_url: null,
      extended_attributes: {
        reference: id,
        status_key: "received",
        status_label: { ja: "受付", en: "Received" },
        stage: "received",
        status_category: "open",
      },
    });
    expect(one.text).not.toContain("partner-user");
    expect(request!["requested_datetime"]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

    // Published by staff, the photo gets a public URL that serves it.
    await db().update(reportPhotos).set({ public: true }).where(eq(reportPhotos.reportId, stored!.id));
    const [withPhoto] = JSON.parse((await api.request(id, "json")).text) as Row[];
    const media = await fetch(withPhoto!["media_url"] as string);
    expect(media.status).toBe(200);
    expect(media.headers.get("content-type")).toBe("image/jpeg");

    const xml = (await api.request(id, "xml")).text;
    const [xmlRequest] = xmlItems(xml, "request");
    expect(xmlRequest).toMatchObject({
      service_request_id: id,
      status: "open",
      description: "歩道に穴があります <危険>",
    });
    expect(xml).not.toContain("<extended_attributes>");

    const list = JSON.parse(
      (await api.requests("json", { service_code: "road-damage", status: "open" })).text,
    ) as Row[];
    expect(list.map((r) => r["service_request_id"])).toContain(id);
    const closed = JSON.parse((await api.requests("json", { status: "closed" })).text) as Row[];
    expect(closed.map((r) => r["service_request_id"])).not.toContain(id);
    expect(closed.every((r) => r["status"] === "closed")).toBe(true);
    const listXml = xmlItems((await api.requests("xml")).text, "request");
    expect(listXml.map((r) => r["service_request_id"])).toContain(id);
    const paged = JSON.parse((await api.requests("json", { per_page: "1", page: "1" })).text) as Row[];
    expect(paged).toHaveLength(1);
    const old = JSON.parse((await api.requests("json", { end_date: "2000-01-01T00:00:00Z" })).text) as Row[];
    expect(old).toEqual([]);
  });

  it("places a request given only a 町字 in address_string, and hides the place of hidden categories", async () => {
    const posted = await api.post("json", {
      api_key: key,
      service_code: "other",
      address_string: "てのひら市東町",
      description: "相談があります",
      phone: "099-000-0000",
    });
    expect(posted.status, posted.text).toBe(200);
    const id = (JSON.parse(posted.text) as Row[])[0]!["service_request_id"] as string;
    const [request] = JSON.parse((await api.request(id, "json")).text) as Row[];
    expect(request).not.toHaveProperty("lat");
    expect(request).not.toHaveProperty("address");
    expect(JSON.stringify(request)).not.toContain("099-000");
    const vague = await api.post("json", {
      api_key: key,
      service_code: "streetlight",
      address_string: "駅の近く",
      description: "街灯が消えています",
    });
    expect(vague.status).toBe(400);
    expect(errorsOf(vague.text)[0]!.description).toContain("location is required");
  });

  it("refuses without a key, with a revoked key, an unknown service, a bad place or a long description", async () => {
    const base = {
      service_code: "streetlight",
      lat: String(demoPlaces.higashiMachi.lat),
      long: String(demoPlaces.higashiMachi.lng),
      description: "街灯が消えています",
    };
    const none = await api.post("json", base);
    expect(none.status).toBe(403);
    expect(errorsOf(none.text)).toEqual([
      {
        code: 403,
        description: "api_key がないか、正しくありません / api_key was not provided or is invalid",
      },
    ]);
    const revoked = await newKey("Revoked");
    await revokeApiKey({ db: db(), tenantId: tenant.id, id: revoked.apiKey.id, actor: admin });
    const withRevoked = await api.post("xml", { ...base, api_key: revoked.key });
    expect(withRevoked.status).toBe(403);
    expect(withRevoked.text).toContain("<errors><error><code>403</code><description>");

    const unknown = await api.post("json", { ...base, api_key: key, service_code: "nope" });
    expect(unknown.status).toBe(404);
    expect(errorsOf(unknown.text)[0]!.description).toContain("service_code not found");
    const badLat = await api.post("json", { ...base, api_key: key, lat: "north" });
    expect(badLat.status).toBe(400);
    expect(errorsOf(badLat.text)[0]!.description).toContain("decimal degrees");
    const offshore = await api.post("json", {
      ...base,
      api_key: key,
      lat: String(demoPlaces.offshore.lat),
      long: String(demoPlaces.offshore.lng),
      description: "x".repeat(4001),
    });
    expect(offshore.status).toBe(400);
    const problems = errorsOf(offshore.text);
    expect(problems).toHaveLength(2);
    expect(problems.find((p) => p.description.startsWith("location"))!.description).toMatch(
      /区域外.*\/.*outside.*\(lat=[\d.]+, long=[\d.]+\)/,
    );
    expect(problems.find((p) => p.description.startsWith("description"))!.description).toContain("4000");
    const missingAnswer = await api.post("json", { ...base, api_key: key, service_code: "road-damage" });
    expect(errorsOf(missingAnswer.text)[0]!.description).toMatch(/^attribute\[danger\]: /);
    expect((await api.request("NOPE-0000", "json")).status).toBe(404);
    expect((await api.get("services/nope", "json")).status).toBe(404);
    expect((await api.get("tokens/abc", "json")).status).toBe(404);
  });

  it("answers a body over the size limit and a path it does not serve with the specification's error document", async () => {
    // In process: over a socket the server answers before the body is sent and closes, which fails fetch.
    // The first declares its length (refused before the route runs), the second does not (refused while read).
    const tooLarge = (format: Format, contentType: string, body: string, declareLength: boolean) =>
      server.platform.request(`/open311/v2/requests.${format}`, {
        method: "POST",
        headers: {
          "content-type": contentType,
          ...(declareLength ? { "content-length": String(Buffer.byteLength(body)) } : {}),
        },
        body,
      });
    const limit = server.platform.services.config.bodyLimitBytes;
    const before = await db().$count(reports);
    const form = await tooLarge(
      "json",
      "application/x-www-form-urlencoded",
      `description=${"x".repeat(limit + 1)}`,
      true,
    );
    expect(form.status).toBe(413);
    expect(form.headers.get("content-type")).toContain("application/json");
    expect(errorsOf(await form.text())).toEqual([
      {
        code: 413,
        description: `送信データが大きすぎます / The request body is too large — Limit: ${limit} bytes / 上限 ${limit} バイト`,
      },
    ]);
    const xml = await tooLarge(
      "xml",
      "application/json",
      JSON.stringify({ description: "x".repeat(limit) }),
      false,
    );
    expect(xml.status).toBe(413);
    expect(xml.headers.get("content-type")).toContain("text/xml");
    expect(await xml.text()).toContain(
      "<errors><error><code>413</code><description>送信データが大きすぎます",
    );
    const unknownPath = await fetch(`${server.baseUrl}/open311/v2/nothing/here.xml`);
    expect(unknownPath.status).toBe(404);
    expect(await unknownPath.text()).toContain("<errors><error><code>404</code>");
    expect(await db().$count(reports)).toBe(before);
  });

  it("limits each key to 60 posts a minute with 429 and Retry-After", async () => {
    const busy = (await newKey("Busy app")).key;
    const statuses: number[] = [];
    for (let i = 0; i < 61; i += 1) {
      statuses.push((await api.post("json", { api_key: busy })).status);
    }
    expect(statuses.slice(0, 60).every((s) => s === 400)).toBe(true);
    const limited = await api.post("json", { api_key: busy });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("60");
    expect(errorsOf(limited.text)[0]!.code).toBe(429);
    // Other keys are not affected.
    expect((await api.post("json", { api_key: key })).status).toBe(400);
  });

  it("answers discovery in JSON and XML", async () => {
    const json = JSON.parse(await (await fetch(`${server.baseUrl}/open311/discovery.json`)).text()) as {
      endpoints: Row[];
    };
    expect(json.endpoints[0]).toMatchObject({ url: `${server.baseUrl}/open311/v2`, type: "production" });
    const xml = await (await fetch(`${server.baseUrl}/open311/discovery.xml`)).text();
    expect(xml).toContain("<formats><format>application/json</format><format>text/xml</format></formats>");
  });
});

describe("GeoReport v2 privacy and input checks", () => {
  const lights = () => ({
    api_key: key,
    service_code: "streetlight",
    lat: String(demoPlaces.higashiMachi.lat),
    long: String(demoPlaces.higashiMachi.lng),
    description: "街灯が消えています",
  });
  const idOf = (text: string) => (JSON.parse(text) as Row[])[0]!["service_request_id"] as string;

  it("never lists a hidden-category or merged report, and never shows a hidden category's content", async () => {
    const secret = "家族のことで相談したい秘密の内容";
    const posted = await api.post("json", {
      api_key: key,
      service_code: "other",
      lat: String(demoPlaces.minamiMachi.lat),
      long: String(demoPlaces.minamiMachi.lng),
      description: secret,
      email: "soudan@example.jp",
    });
    expect(posted.status, posted.text).toBe(200);
    const hiddenId = idOf(posted.text);
    // Even a public point stored by mistake must not bring its place or text out.
    await db()
      .update(reports)
      .set({
        publicLat: demoPlaces.minamiMachi.lat,
        publicLng: demoPlaces.minamiMachi.lng,
        publicTileX: tileOf(demoPlaces.minamiMachi, TILE_ZOOM).x,
        publicTileY: tileOf(demoPlaces.minamiMachi, TILE_ZOOM).y,
      })
      .where(eq(reports.reference, hiddenId));
    const duplicate = idOf((await api.post("json", lights())).text);
    const kept = idOf((await api.post("json", lights())).text);
    const [keptRow] = await db().select().from(reports).where(eq(reports.reference, kept));
    await db().update(reports).set({ mergedIntoId: keptRow!.id }).where(eq(reports.reference, duplicate));

    const answers: string[] = [];
    for (const format of ["json", "xml"] as const) {
      const queries: Record<string, string>[] = [
        {},
        { service_code: "other" },
        { status: "open" },
        { extensions: "true" },
      ];
      for (const query of queries) {
        const list = await api.requests(format, query);
        expect(list.status).toBe(200);
        expect(list.text).not.toContain(hiddenId);
        expect(list.text).not.toContain(duplicate);
        answers.push(list.text);
      }
      const one = await api.request(hiddenId, format, { extensions: "true" });
      expect(one.status).toBe(200);
      answers.push(one.text, (await api.requests(format, { service_request_id: hiddenId })).text);
    }
    expect(answers.join("\n")).toContain(kept);
    for (const answer of answers) {
      expect(answer).not.toContain(secret);
      expect(answer).not.toContain("soudan@");
    }
    const [byId] = JSON.parse((await api.request(hiddenId, "json")).text) as Row[];
    expect(byId).toMatchObject({ service_request_id: hiddenId, service_code: "other", description: null });
    expect(byId).not.toHaveProperty("lat");
    expect(byId).not.toHaveProperty("long");
    expect(byId!["media_url"]).toBeNull();
  });

  it("refuses NUL, impossible or zone-less dates, wide or reversed windows and deep pages with 400", async () => {
    const bad: Record<string, string>[] = [
      { service_code: "road\0damage" },
      { status: "open\0" },
      { service_request_id: "V\0" },
      { jurisdiction_id: "\0" },
      { start_date: "2026-02-30T00:00:00Z" },
      { start_date: "1999-12-31T00:00:00Z" },
      { end_date: "2101-01-01T00:00:00Z" },
      { start_date: "2026-04-01T00:00:00" },
      { start_date: "2026-04-01" },
      { start_date: "2026-04-01T25:00:00+09:00" },
      { start_date: "2026-04-02T00:00:00Z", end_date: "2026-04-01T00:00:00Z" },
      { start_date: "2026-01-01T00:00:00Z", end_date: "2026-04-02T00:00:00Z" },
      { page: "1001" },
      { per_page: "1001" },
    ];
    for (const query of bad) {
      for (const format of ["json", "xml"] as const) {
        const answer = await api.requests(format, query);
        expect(answer.status, JSON.stringify(query)).toBe(400);
        if (format === "json") {
          expect(errorsOf(answer.text)[0]!.code).toBe(400);
        } else {
          expect(answer.text).toContain("<errors><error><code>400</code>");
        }
      }
    }
    expect((await api.request("V\0X", "json")).status).toBe(400);
    const nul = await api.post("json", { ...lights(), description: "a\0b" });
    expect(nul.status).toBe(400);
    expect(errorsOf(nul.text)[0]!.description).toContain("NUL");
    const unreadable = await fetch(`${server.baseUrl}/open311/v2/requests.xml`, {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=x" },
      body: "not multipart at all",
    });
    expect(unreadable.status).toBe(400);
    expect(await unreadable.text()).toContain("<errors><error><code>400</code>");
    // A 90-day window in another zone is fine.
    const window = await api.requests("json", {
      start_date: "2026-01-01T00:00:00+09:00",
      end_date: "2026-04-01T00:00:00+09:00",
    });
    expect(window.status).toBe(200);
  });

  it("treats empty optional parameters as absent", async () => {
    const plain = await api.requests("json");
    const empty = await api.requests("json", {
      service_request_id: "",
      service_code: "",
      page: "",
      per_page: "",
      status: "",
      start_date: "",
      end_date: "",
      jurisdiction_id: "",
    });
    expect(empty.status).toBe(200);
    expect(JSON.parse(empty.text)).toEqual(JSON.parse(plain.text));
  });

  it("accepts the city's code, slug or host as jurisdiction_id, in the query or the posted body", async () => {
    const host = new URL(server.baseUrl).hostname;
    for (const jurisdiction of [tenant.municipalityCode, tenant.slug, host]) {
      expect((await api.get("services", "json", { jurisdiction_id: jurisdiction })).status).toBe(200);
    }
    const elsewhere = await api.post("json", { ...lights(), jurisdiction_id: "999999" });
    expect(elsewhere.status).toBe(404);
    expect(errorsOf(elsewhere.text)[0]!.description).toContain("jurisdiction_id");
    const here = await api.post("json", { ...lights(), jurisdiction_id: tenant.municipalityCode });
    expect(here.status, here.text).toBe(200);
  });

  it("slows down an address that keeps trying wrong keys, without refusing a valid key", async () => {
    const clear = () => db().delete(rateLimits).where(like(rateLimits.key, "open311-key-failure:%"));
    await clear();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i += 1) {
      statuses.push((await api.post("json", { ...lights(), api_key: `wrong-key-${i}-xxxxxxxxxxxx` })).status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 403)).toBe(true);
    expect(statuses[20]).toBe(429);
    expect((await api.post("json", lights())).status).toBe(200);
    await clear();
  });

  it("dates a closed request's update at its closing, and discovery points to the city, not a staff page", async () => {
    const id = idOf((await api.post("json", lights())).text);
    const closedAt = new Date("2026-03-03T03:03:03Z");
    await db()
      .update(reports)
      .set({ statusKey: "fixed", statusCategory: "fixed", stage: "done", closedAt })
      .where(eq(reports.reference, id));
    const [closed] = JSON.parse((await api.request(id, "json")).text) as Row[];
    expect(closed).toMatchObject({ status: "closed", updated_datetime: "2026-03-03T03:03:03Z" });
    const discovery = await (await fetch(`${server.baseUrl}/open311/discovery.json`)).text();
    const keyService = (JSON.parse(discovery) as Row)["key_service"] as string;
    expect(keyService).not.toContain("/staff/");
    expect(keyService).toContain(tenant.nameJa);
  });

  it("places an address_string at a point inside the 町字 it names, by its Japanese or exact English name", async () => {
    const [higashi] = await db()
      .select()
      .from(reportAreas)
      .where(and(eq(reportAreas.tenantId, tenant.id), eq(reportAreas.nameJa, "東町")));
    for (const address of ["Higashi-machi", "てのひら市東町1丁目"]) {
      const posted = await api.post("json", {
        api_key: key,
        service_code: "streetlight",
        address_string: address,
        description: "街灯が消えています",
      });
      expect(posted.status, posted.text).toBe(200);
      const [row] = await db()
        .select()
        .from(reports)
        .where(eq(reports.reference, idOf(posted.text)));
      expect(containsPoint(higashi!.geometry, { lat: row!.lat, lng: row!.lng })).toBe(true);
    }
    // An English name inside other words is too loose to place a report.
    const loose = await api.post("json", {
      api_key: key,
      service_code: "streetlight",
      address_string: "near the Higashi-machi station",
      description: "街灯が消えています",
    });
    expect(loose.status).toBe(400);
  });
});

describe("Open311 API keys", () => {
  it("keeps only the hash, audits creation and revocation, and a city's key cannot post to another", async () => {
    const other = await addSecondCity(db(), { slug: "open311-other", municipalityCode: "990045", hosts: [] });
    const theirs = await newKey("Their app", other.id);
    const [row] = await db().select().from(reportApiKeys).where(eq(reportApiKeys.id, theirs.apiKey.id));
    expect(row!.keyHash).not.toContain(theirs.key);
    expect(row!.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(theirs.key.startsWith(row!.keyPrefix)).toBe(true);
    expect(Buffer.from(theirs.key, "base64url")).toHaveLength(32);
    const refused = await api.post("json", {
      api_key: theirs.key,
      service_code: "streetlight",
      lat: String(demoPlaces.higashiMachi.lat),
      long: String(demoPlaces.higashiMachi.lng),
      description: "よその市のキー",
    });
    expect(refused.status).toBe(403);
    // Nor can this city revoke the other city's key.
    await expect(
      revokeApiKey({ db: db(), tenantId: tenant.id, id: theirs.apiKey.id, actor: admin }),
    ).rejects.toMatchObject({ status: 404 });
    const audit = await db().select().from(auditLog).where(eq(auditLog.resourceId, theirs.apiKey.id));
    expect(audit.map((a) => a.action)).toEqual(["reports.api_key.create"]);
    expect(JSON.stringify(audit)).not.toContain(theirs.key);
    await expect(newKey("   ")).rejects.toMatchObject({ status: 400 });
  });

  it("lets a system administrator list, create and revoke keys on the staff page, and nobody else", async () => {
    const { platform } = server;
    const adminHeaders = await platform.signInStaff("admin@tenohira.localhost");
    const managerHeaders = await platform.signInStaff("manager@tenohira.localhost");
    expect((await platform.request("/staff/reports/api-keys", { headers: managerHeaders })).status).toBe(403);
    const form = await (await platform.request("/staff/reports/api-keys", { headers: adminHeaders })).text();
    const nonce = /name="nonce" value="([A-Za-z0-9_-]{22})"/.exec(form)![1]!;
    const send = () =>
      platform.request("/staff/reports/api-keys", {
        method: "POST",
        headers: adminHeaders,
        body: new URLSearchParams({ name: "市民アプリ", nonce }),
      });
    const created = await send();
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const page = await created.text();
    const shown = /<code>([A-Za-z0-9_-]{43})<\/code>/.exec(page)![1]!;
    // Sending the same form again (a reload) issues no second key and shows none.
    const resent = await send();
    expect(resent.status).toBe(409);
    expect(await resent.text()).toContain("送信済み");
    const rows = await db().select().from(reportApiKeys).where(eq(reportApiKeys.name, "市民アプリ"));
    expect(rows).toHaveLength(1);
    const row = rows[0];
    expect(row!.keyPrefix).toBe(shown.slice(0, 8));
    const list = await (await platform.request("/staff/reports/api-keys", { headers: adminHeaders })).text();
    expect(list).toContain("市民アプリ");
    expect(list).not.toContain(shown);
    const revoked = await platform.request(`/staff/reports/api-keys/${row!.id}/revoke`, {
      method: "POST",
      headers: adminHeaders,
    });
    expect(revoked.status).toBe(303);
    const [after] = await db().select().from(reportApiKeys).where(eq(reportApiKeys.id, row!.id));
    expect(after!.revokedAt).not.toBeNull();
    // Revoking again (a second tab, a double click) changes nothing and returns to the list.
    const again = await platform.request(`/staff/reports/api-keys/${row!.id}/revoke`, {
      method: "POST",
      headers: adminHeaders,
    });
    expect(again.status).toBe(303);
    expect(again.headers.get("location")).toBe("/staff/reports/api-keys");
    const [still] = await db().select().from(reportApiKeys).where(eq(reportApiKeys.id, row!.id));
    expect(still!.revokedAt).toEqual(after!.revokedAt);
    const revocations = await db().select().from(auditLog).where(eq(auditLog.resourceId, row!.id));
    expect(revocations.filter((a) => a.action === "reports.api_key.revoke")).toHaveLength(1);
    const empty = await platform.request("/staff/reports/api-keys", {
      method: "POST",
      headers: adminHeaders,
      body: new URLSearchParams({ name: "", nonce: "A".repeat(22) }),
    });
    expect(empty.status).toBe(400);
    const unreadable = await platform.request("/staff/reports/api-keys", {
      method: "POST",
      headers: { ...adminHeaders, "content-type": "multipart/form-data; boundary=x" },
      body: "not multipart at all",
    });
    expect(unreadable.status).toBe(400);
  });
});
