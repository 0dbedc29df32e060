import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../core/audit/schema.ts";
import { domainEvents } from "../../core/events/schema.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import { createTestPlatform, type TestPlatform } from "../../core/testing/test-platform.ts";
import { createService } from "./operations/create-service.ts";

let platform: TestPlatform;
let admin: Record<string, string>;
beforeAll(async () => {
  platform = await createTestPlatform();
  admin = await platform.signInStaff("admin@tenohira.localhost");
});
afterAll(() => platform.close());

const newService = (slug: string) =>
  JSON.stringify({ slug, nameJa: "犬の登録", nameEn: "Dog registration", channels: ["online", "counter"] });

describe("catalog staff API", () => {
  it("creates a draft and publishes it, with audit records and events in the same transaction", async () => {
    const created = await platform.request("/staff/api/catalog/services", {
      method: "POST",
      headers: { ...admin, "content-type": "application/json" },
      body: newService("inu-toroku"),
    });
    expect(created.status).toBe(201);
    const service = (await created.json()) as { id: string; status: string };
    expect(service.status).toBe("draft");
    expect((await (await platform.request("/services/inu-toroku")).text()).includes("犬の登録")).toBe(false);

    const published = await platform.request(`/staff/api/catalog/services/${service.id}/publish`, {
      method: "POST",
      headers: admin,
    });
    expect(published.status).toBe(200);
    expect(await (await platform.request("/services/inu-toroku")).text()).toContain("犬の登録");

    const { db } = platform.services.database;
    const audits = await db.select().from(auditLog).where(eq(auditLog.resourceId, service.id));
    expect(audits.map((a) => a.action)).toEqual(["catalog.service.create", "catalog.service.publish"]);
    expect(audits[1]!.actorType).toBe("staff");
    expect(audits[1]!.before).toEqual({ status: "draft" });
    const events = await db
      .select()
      .from(domainEvents)
      .where(eq(domainEvents.name, "catalog.service_published"));
    expect(events.some((e) => e.payload["serviceId"] === service.id)).toBe(true);
  });

  it("answers a duplicate slug with 409 and stores nothing new", async () => {
    const response = await platform.request("/staff/api/catalog/services", {
      method: "POST",
      headers: { ...admin, "content-type": "application/json" },
      body: newService("juminhyo"),
    });
    expect(response.status).toBe(409);
  });

  it("writes neither the change nor its audit record when the operation fails half-way", async () => {
    const { db } = platform.services.database;
    const [tenant] = await db.select().from(tenants);
    const before = (await db.select().from(auditLog)).length;
    await expect(
      db.transaction(async (tx) => {
        await createService({
          tx,
          tenantId: tenant!.id,
          actor: { type: "system", id: null },
          slug: "will-vanish",
          nameJa: "消える手続き",
          nameEn: "Vanishing",
          channels: [],
        });
        throw new Error("later step failed");
      }),
    ).rejects.toThrow("later step failed");
    expect((await db.select().from(auditLog)).length).toBe(before);
    const listed = (await (
      await platform.request("/staff/api/catalog/services", { headers: admin })
    ).json()) as {
      services: { slug: string }[];
    };
    expect(listed.services.map((s) => s.slug)).not.toContain("will-vanish");
  });

  it("requires sign-in (401), the CSRF token on writes (403) and the permission verb (403, audited)", async () => {
    expect((await platform.request("/staff/api/catalog/services")).status).toBe(401);

    const noCsrf = await platform.request("/staff/api/catalog/services", {
      method: "POST",
      headers: { cookie: admin["cookie"]!, "content-type": "application/json" },
      body: newService("no-csrf"),
    });
    expect(noCsrf.status).toBe(403);
    expect(((await noCsrf.json()) as { type: string }).type).toContain("csrf");

    const viewer = await platform.signInStaff("viewer@tenohira.localhost");
    expect((await platform.request("/staff/api/catalog/services", { headers: viewer })).status).toBe(200);
    const denied = await platform.request("/staff/api/catalog/services", {
      method: "POST",
      headers: { ...viewer, "content-type": "application/json" },
      body: newService("viewer-try"),
    });
    expect(denied.status).toBe(403);
    const { db } = platform.services.database;
    const logged = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "access.denied"), eq(auditLog.resourceId, "catalog.service.manage")));
    expect(logged.length).toBe(1);
  });

  it("rejects invalid input with every bad field named", async () => {
    const response = await platform.request("/staff/api/catalog/services", {
      method: "POST",
      headers: { ...admin, "content-type": "application/json" },
      body: JSON.stringify({ slug: "Bad Slug!", nameJa: "", channels: ["fax"] }),
    });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors: { pointer: string }[] };
    expect(problem.errors.map((e) => e.pointer).sort()).toEqual([
      "/channels/0",
      "/nameEn",
      "/nameJa",
      "/slug",
    ]);
  });
});

describe("catalog open data", () => {
  it("publishes the service list as JSON and as Excel-friendly CSV", async () => {
    const json = (await (await platform.request("/opendata/catalog/services.json")).json()) as {
      license: string;
      rows: { slug: string }[];
    };
    expect(json.license).toBe("CC BY 4.0");
    expect(json.rows.map((r) => r.slug)).toContain("juminhyo");
    const bytes = new Uint8Array(
      await (await platform.request("/opendata/catalog/services.csv")).arrayBuffer(),
    );
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // BOM, so Excel reads UTF-8
    const csv = new TextDecoder().decode(bytes);
    expect(csv.startsWith("slug,name_ja,name_en")).toBe(true);
    expect(csv).toContain("juminhyo,住民票の写しの交付申請");
  });
});
