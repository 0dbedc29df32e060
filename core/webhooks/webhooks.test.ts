import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installedModules } from "../../app/modules.ts";
import { auditLog } from "../audit/schema.ts";
import { publishEvent } from "../events/publish-event.ts";
import { jobs } from "../jobs/schema.ts";
import { defineModule } from "../module.ts";
import { tenants } from "../tenancy/schema.ts";
import { addCityAdmin } from "../testing/second-city.ts";
import { createTestPlatform, type TestPlatform } from "../testing/test-platform.ts";
import { checkEndpointUrl } from "./endpoint-url.ts";
import { postWebhook } from "./post-webhook.ts";
import { webhookDeliveries } from "./schema.ts";
import { verifyWebhookSignature, webhookSignature } from "./verify-signature.ts";

/** A city's system standing in for 基幹系: answers what `answers` says per path, records what came. */
type Received = { path: string; headers: IncomingHttpHeaders; body: string };
function startReceiver(answers: Record<string, number[]>) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      body += chunk;
    });
    request.on("end", () => {
      const path = request.url ?? "/";
      received.push({ path, headers: request.headers, body });
      const status = answers[path]?.shift() ?? 200;
      response.writeHead(status, { "content-type": "text/plain" });
      response.end(status >= 300 ? "core system is down" : "ok");
    });
  });
  return new Promise<{ url: string; received: Received[]; close(): Promise<void> }>((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        received,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

const EVENT = "webhooktest.thing_happened";
/** A module declaring an event whose payload it enriches, as forms does for submissions. */
const testModule = defineModule({
  id: "webhooktest",
  name: { ja: "テスト", en: "Test" },
  webhookEvents: [
    {
      name: EVENT,
      description: { ja: "テスト用の出来事", en: "A test event" },
      async payload(_db, _tenantId, event) {
        return { ...event, enriched: "詳細" };
      },
    },
  ],
});

let platform: TestPlatform;
let admin: Record<string, string>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const db = () => platform.services.database.db;
const answers: Record<string, number[]> = {};

beforeAll(async () => {
  receiver = await startReceiver(answers);
  platform = await createTestPlatform({
    modules: [...installedModules, testModule],
    // The stand-in receiver is on 127.0.0.1, as a 基幹系 on LGWAN would be on a private address.
    config: { webhooksAllowPrivateNetworks: "true" },
  });
  const [other] = await db()
    .insert(tenants)
    .values({
      municipalityCode: "990027",
      slug: "other-city",
      nameJa: "よその市",
      nameEn: "Other City",
      hosts: ["other.localhost"],
    })
    .returning();
  await addCityAdmin(db(), other!.id);
  admin = await platform.signInStaff("admin@tenohira.localhost");
});
afterAll(async () => {
  await platform.close();
  await receiver.close();
});

const api = (path: string) => `/staff/api/webhooks${path}`;
const send = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  platform.request(api(path), {
    method,
    headers: { ...headers, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
async function ok<T>(response: Response | Promise<Response>, status = 200): Promise<T> {
  const answered = await response;
  const text = await answered.text();
  expect(answered.status, text).toBe(status);
  return JSON.parse(text) as T;
}
type Endpoint = { id: string; url: string; events: string[]; active: boolean };
type Delivery = {
  id: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
};
type Attempt = {
  attempt: number;
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
};

const tenantId = async () => (await db().select().from(tenants).where(eq(tenants.slug, "tenohira")))[0]!.id;
async function publish(payload: Record<string, unknown>) {
  const id = await tenantId();
  await db().transaction((tx) => publishEvent(tx, { tenantId: id, name: EVENT, payload }));
}
/** Runs the deliveries whose retry is scheduled later, as if the wait had passed. */
async function runDueRetries() {
  await db()
    .update(jobs)
    .set({ runAt: sql`now()` })
    .where(and(eq(jobs.name, "core.webhooks.deliver"), eq(jobs.status, "queued")));
  await platform.worker.drain();
}

describe("webhook endpoints (staff API)", () => {
  it("is for system administrators only (denial audited)", async () => {
    const manager = await platform.signInStaff("manager@tenohira.localhost");
    expect((await platform.request(api(""), { headers: manager })).status).toBe(403);
    const denials = await db().select().from(auditLog).where(eq(auditLog.action, "access.denied"));
    expect(denials.some((row) => (row.after as { verb: string }).verb === "core.webhooks.manage")).toBe(true);
  });

  it("lists the events modules declare", async () => {
    const { events } = await ok<{ events: { name: string }[] }>(
      platform.request(api("/events"), { headers: admin }),
    );
    expect(events.map((e) => e.name)).toContain(EVENT);
  });

  it("refuses what is not an http(s) URL, and events nobody declared", async () => {
    for (const url of ["ftp://example.com/in", "not a url", "https://user:pw@example.com/"]) {
      const problem = await ok<{ errors: { pointer: string; detailJa: string }[] }>(
        send("POST", "", admin, { url, events: [EVENT] }),
        400,
      );
      expect(problem.errors[0]!.pointer).toBe("/url");
      expect(problem.errors[0]!.detailJa).toMatch(/URL|http/);
    }
    const problem = await ok<{ errors: { pointer: string }[] }>(
      send("POST", "", admin, { url: `${receiver.url}/x`, events: ["nobody.declared_this"] }),
      400,
    );
    expect(problem.errors[0]!.pointer).toBe("/events/0");
  });

  it("shows the secret once, never in lists; audits the change", async () => {
    const created = await ok<{ endpoint: Endpoint; secret: string }>(
      send("POST", "", admin, {
        url: `${receiver.url}/once`,
        description: "住基",
        events: [EVENT],
        active: false,
      }),
      201,
    );
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const listed = await platform.request(api(""), { headers: admin });
    expect(await listed.text()).not.toContain(created.secret);
    const rotated = await ok<{ secret: string | null }>(
      send("PATCH", `/${created.endpoint.id}`, admin, { rotateSecret: true }),
    );
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);
    const audits = await db().select().from(auditLog).where(eq(auditLog.resourceId, created.endpoint.id));
    expect(audits.map((a) => a.action)).toEqual([
      "core.webhook_endpoint.create",
      "core.webhook_endpoint.update",
    ]);
    expect(JSON.stringify(audits)).not.toContain(created.secret);
    expect((await send("DELETE", `/${created.endpoint.id}`, admin)).status).toBe(204);
    expect((await send("DELETE", `/${created.endpoint.id}`, admin)).status).toBe(404);
  });
});

describe("webhook deliveries", () => {
  let endpoint: Endpoint;
  let secret: string;

  it("retries a delivery the receiver refused, then succeeds; the log shows both attempts", async () => {
    answers["/inbox"] = [500, 200];
    ({ endpoint, secret } = await ok<{ endpoint: Endpoint; secret: string }>(
      send("POST", "", admin, { url: `${receiver.url}/inbox`, events: [EVENT] }),
      201,
    ));
    await publish({ thingId: "t-1" });
    await platform.worker.drain();

    let { deliveries } = await ok<{ deliveries: Delivery[] }>(
      platform.request(api(`/${endpoint.id}/deliveries`), { headers: admin }),
    );
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({
      status: "failed",
      attempts: 1,
      lastStatusCode: 500,
      deliveredAt: null,
    });
    // The first retry waits 60 s.
    const wait = Date.parse(deliveries[0]!.nextAttemptAt!) - Date.now();
    expect(wait).toBeGreaterThan(50_000);
    expect(wait).toBeLessThan(70_000);

    await runDueRetries();
    ({ deliveries } = await ok<{ deliveries: Delivery[] }>(
      platform.request(api(`/${endpoint.id}/deliveries`), { headers: admin }),
    ));
    expect(deliveries[0]).toMatchObject({
      status: "succeeded",
      attempts: 2,
      lastStatusCode: 200,
      nextAttemptAt: null,
    });
    const detail = await ok<{ attempts: Attempt[] }>(
      platform.request(api(`/deliveries/${deliveries[0]!.id}`), { headers: admin }),
    );
    expect(detail.attempts).toEqual([
      {
        attempt: 1,
        statusCode: 500,
        error: "HTTP 500",
        responseExcerpt: "core system is down",
        startedAt: expect.any(String),
        durationMs: expect.any(Number),
      },
      {
        attempt: 2,
        statusCode: 200,
        error: null,
        responseExcerpt: "ok",
        startedAt: expect.any(String),
        durationMs: expect.any(Number),
      },
    ]);

    // What the receiver got: twice the same signed delivery, with the enriched payload.
    const got = receiver.received.filter((r) => r.path === "/inbox");
    expect(got).toHaveLength(2);
    for (const request of got) {
      expect(request.headers["tenohira-event"]).toBe(EVENT);
      expect(request.headers["tenohira-delivery"]).toBe(deliveries[0]!.id);
      expect(request.headers["content-type"]).toBe("application/json; charset=utf-8");
      const header = request.headers["tenohira-signature"] as string;
      expect(verifyWebhookSignature({ secret, header, body: request.body })).toEqual({
        ok: true,
        timestamp: expect.any(Number),
      });
      // A forged secret, or a body changed on the way, does not verify.
      expect(verifyWebhookSignature({ secret: "whsec_forged", header, body: request.body })).toEqual({
        ok: false,
        reason: "mismatch",
      });
      expect(verifyWebhookSignature({ secret, header, body: request.body.replace("t-1", "t-2") })).toEqual({
        ok: false,
        reason: "mismatch",
      });
      const body = JSON.parse(request.body) as Record<string, unknown>;
      expect(body).toMatchObject({
        id: deliveries[0]!.id,
        event: EVENT,
        eventId: expect.any(Number),
        occurredAt: expect.any(String),
        tenant: { municipalityCode: "990019", name: { ja: "てのひら市", en: "Tenohira City" } },
        data: { thingId: "t-1", enriched: "詳細" },
      });
    }
  });

  it("gives up after the last retry (dead), and a redelivery sends it again under the same id", async () => {
    await ok(send("PATCH", `/${endpoint.id}`, admin, { active: false }));
    answers["/down"] = [500, 500, 500, 500, 500, 503];
    const down = await ok<{ endpoint: Endpoint }>(
      send("POST", "", admin, { url: `${receiver.url}/down`, events: [EVENT] }),
      201,
    );
    await publish({ thingId: "t-2" });
    await platform.worker.drain();
    for (let retry = 1; retry <= 5; retry++) {
      await runDueRetries();
    }
    const [dead] = await db()
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.endpointId, down.endpoint.id));
    expect(dead).toMatchObject({ status: "dead", attempts: 6, lastStatusCode: 503, nextAttemptAt: null });
    expect(receiver.received.filter((r) => r.path === "/down")).toHaveLength(6);
    const [job] = await db().select().from(jobs).where(eq(jobs.singletonKey, dead!.id));
    expect(job).toMatchObject({ status: "dead", attempts: 6 });
    // The paused endpoint got nothing of this event.
    expect(receiver.received.filter((r) => r.path === "/inbox")).toHaveLength(2);

    const redelivered = await ok<{ delivery: Delivery }>(
      send("POST", `/deliveries/${dead!.id}/redeliver`, admin),
      202,
    );
    expect(redelivered.delivery.status).toBe("pending");
    await platform.worker.drain();
    const [after] = await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, dead!.id));
    expect(after).toMatchObject({ status: "succeeded", attempts: 7, lastStatusCode: 200 });
    const last = receiver.received.filter((r) => r.path === "/down").at(-1)!;
    expect(last.headers["tenohira-delivery"]).toBe(dead!.id);
    const audits = await db().select().from(auditLog).where(eq(auditLog.resourceId, dead!.id));
    expect(audits.map((a) => a.action)).toEqual(["core.webhook_delivery.redeliver"]);
  });

  it("keeps each city's endpoints and deliveries to itself", async () => {
    const { cookie } = await platform.signInStaff("admin@other.localhost", { host: "other.localhost" });
    const other = { cookie: cookie! };
    const request = (path: string) =>
      platform.request(`http://other.localhost${api(path)}`, { headers: other });
    expect((await ok<{ endpoints: Endpoint[] }>(request(""))).endpoints).toEqual([]);
    expect((await request(`/${endpoint.id}/deliveries`)).status).toBe(404);
    const [delivery] = await db().select().from(webhookDeliveries).limit(1);
    expect((await request(`/deliveries/${delivery!.id}`)).status).toBe(404);
  });
});

describe("where webhooks may go", () => {
  it("refuses private, loopback and link-local addresses unless the install allows them", async () => {
    const closed = { allowPrivateNetworks: false };
    for (const url of [
      "http://127.0.0.1:8080/",
      "http://localhost/",
      "http://10.1.2.3/",
      "http://192.168.0.10/",
      "http://169.254.169.254/latest/meta-data/",
      "http://[::1]/",
      "http://[::ffff:127.0.0.1]/",
      "http://[fd00::1]/",
    ]) {
      expect(await checkEndpointUrl(url, closed), url).toMatchObject({
        en: expect.stringContaining("Private"),
      });
      expect(await checkEndpointUrl(url, { allowPrivateNetworks: true }), url).toBeNull();
    }
    expect(await checkEndpointUrl("https://93.184.215.14/in", closed)).toBeNull();
  });

  it("checks the address again when sending, so DNS cannot point a saved name inward later", async () => {
    const before = receiver.received.length;
    const port = new URL(receiver.url).port;
    for (const url of [`${receiver.url}/x`, `http://localhost:${port}/x`]) {
      const result = await postWebhook({
        url,
        secret: "s",
        deliveryId: "d",
        eventName: EVENT,
        body: "{}",
        allowPrivateNetworks: false,
      });
      expect(result).toMatchObject({ ok: false, statusCode: null });
      expect(result.error).toMatch(/public address|non-public/);
    }
    expect(receiver.received.length).toBe(before);
  });

  it("gives up on a receiver that does not answer in time", async () => {
    const silent = createServer(() => {
      // Never answers.
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    const result = await postWebhook({
      url: `http://127.0.0.1:${port}/`,
      secret: "s",
      deliveryId: "d",
      eventName: EVENT,
      body: "{}",
      allowPrivateNetworks: true,
      timeoutMs: 200,
    });
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
    expect(result).toMatchObject({ ok: false, statusCode: null, error: "timed out" });
  });
});

describe("verifyWebhookSignature", () => {
  const body = '{"event":"x"}';
  const now = 1_780_000_000;
  const header = `t=${now},v1=${webhookSignature("whsec_a", now, body)}`;
  it("accepts a fresh signature and refuses old, malformed or missing ones", () => {
    expect(verifyWebhookSignature({ secret: "whsec_a", header, body, now: now + 10 })).toEqual({
      ok: true,
      timestamp: now,
    });
    expect(verifyWebhookSignature({ secret: "whsec_a", header, body, now: now + 301 })).toEqual({
      ok: false,
      reason: "expired",
    });
    expect(verifyWebhookSignature({ secret: "whsec_a", header: "v1=abc", body, now })).toEqual({
      ok: false,
      reason: "malformed",
    });
    expect(verifyWebhookSignature({ secret: "whsec_a", header: undefined, body, now })).toEqual({
      ok: false,
      reason: "missing",
    });
    // Two signatures while a secret is rotated: one match is enough.
    const both = `t=${now},v1=${webhookSignature("whsec_old", now, body)},v1=${webhookSignature("whsec_a", now, body)}`;
    expect(verifyWebhookSignature({ secret: "whsec_a", header: both, body, now }).ok).toBe(true);
  });
});
