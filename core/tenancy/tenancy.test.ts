import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../app/seed-demo.ts";
import { hashPassword } from "../identity/passwords.ts";
import { staffAccounts } from "../identity/schema.ts";
import { createTestPlatform, type TestPlatform } from "../testing/test-platform.ts";
import { tenants } from "./schema.ts";

let platform: TestPlatform;
const OTHER_HOST = "other-city.example.jp";

beforeAll(async () => {
  platform = await createTestPlatform();
  const { db } = platform.services.database;
  // A second city on the same install, served on its own host name.
  const [other] = await db
    .insert(tenants)
    .values({
      municipalityCode: "462012",
      slug: "other",
      nameJa: "別の市",
      nameEn: "Other City",
      hosts: [OTHER_HOST],
    })
    .returning();
  await db.insert(staffAccounts).values({
    tenantId: other!.id,
    email: "admin@tenohira.localhost",
    displayName: "別の市の管理者",
    role: "system_admin",
    passwordHash: await hashPassword(DEMO_PASSWORD),
  });
});
afterAll(() => platform.close());

const onOther = (path: string, init: RequestInit = {}) =>
  platform.request(`http://${OTHER_HOST}${path}`, init);

describe("tenancy", () => {
  it("serves each city by host, with its own name and its own data", async () => {
    expect(await (await platform.request("/")).text()).toContain("てのひら市");
    const other = await (await onOther("/")).text();
    expect(other).toContain("別の市");
    expect(other).not.toContain("住民票の写しの交付申請");
    const services = (await (await onOther("/api/catalog/services")).json()) as { services: unknown[] };
    expect(services.services).toEqual([]);
    expect((await onOther("/services/juminhyo")).status).toBe(404);
  });

  it("does not accept one city's session on another city's host", async () => {
    const demoAdmin = await platform.signInStaff("admin@tenohira.localhost");
    expect((await platform.request("/staff/api/me", { headers: demoAdmin })).status).toBe(200);
    expect((await onOther("/staff/api/me", { headers: demoAdmin })).status).toBe(401);
  });

  it("keeps staff actions inside their own city", async () => {
    const signIn = await onOther("/staff/api/session", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "admin@tenohira.localhost", password: DEMO_PASSWORD }),
    });
    expect(signIn.status).toBe(200);
    const headers = {
      cookie: (signIn.headers.get("set-cookie") ?? "").split(";")[0]!,
      "x-csrf-token": ((await signIn.json()) as { csrfToken: string }).csrfToken,
    };
    const demoServices = (await (await platform.request("/api/catalog/services")).json()) as {
      services: { id: string }[];
    };
    const demoServiceId = demoServices.services[0]!.id;
    // The other city's administrator cannot publish the demo city's service, even knowing its id.
    const publish = await onOther(`/staff/api/catalog/services/${demoServiceId}/publish`, {
      method: "POST",
      headers,
    });
    expect(publish.status).toBe(404);
    const audit = (await (await onOther("/staff/api/audit", { headers })).json()) as {
      entries: { action: string }[];
    };
    expect(audit.entries.every((e) => !e.action.startsWith("catalog."))).toBe(true);
  });

  it("answers 404 for a host no city claims when every city has its own hosts", async () => {
    const fresh = await createTestPlatform();
    try {
      await fresh.services.database.db
        .update(tenants)
        .set({ hosts: ["tenohira.example.jp"] })
        .where(eq(tenants.slug, "tenohira"));
      const response = await fresh.request("http://unknown.example.jp/", {
        headers: { accept: "application/json" },
      });
      expect(response.status).toBe(404);
      expect(((await response.json()) as { type: string }).type).toContain("unknown-tenant");
      expect((await fresh.request("http://tenohira.example.jp/")).status).toBe(200);
    } finally {
      await fresh.close();
    }
  });
});
