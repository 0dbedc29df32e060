import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../audit/schema.ts";
import { tenants } from "../tenancy/schema.ts";
import { createTestPlatform, type TestPlatform } from "../testing/test-platform.ts";
import { residentAttributes, residents, staffAccounts } from "./schema.ts";

let platform: TestPlatform;
let residentId: string;
beforeAll(async () => {
  platform = await createTestPlatform();
  const { db } = platform.services.database;
  const [tenant] = await db.select().from(tenants);
  const [resident] = await db
    .insert(residents)
    .values({ tenantId: tenant!.id, email: "hanako@example.jp", displayName: "手乃 花子" })
    .returning();
  residentId = resident!.id;
  await db.insert(residentAttributes).values([
    { tenantId: tenant!.id, residentId, name: "postal_code", value: "999-0019", source: "typed" },
    {
      tenantId: tenant!.id,
      residentId,
      name: "birth_date",
      value: "1990-04-01",
      source: "card_verified",
      verifiedAt: new Date(),
      verificationMethod: "jpki",
    },
  ]);
});
afterAll(() => platform.close());

const staffIdOf = async (email: string) =>
  (await platform.services.database.db.select().from(staffAccounts).where(eq(staffAccounts.email, email)))[0]!
    .id;

describe("staff reads of residents' personal data", () => {
  it("returns the resident and their attributes, and audits every read", async () => {
    const staff = await platform.signInStaff("staff@tenohira.localhost");
    for (let i = 0; i < 2; i++) {
      const response = await platform.request(`/staff/api/residents/${residentId}`, { headers: staff });
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        displayName: string;
        attributes: { name: string; source: string }[];
      };
      expect(body.displayName).toBe("手乃 花子");
      expect(body.attributes.map((a) => [a.name, a.source])).toEqual([
        ["birth_date", "card_verified"],
        ["postal_code", "typed"],
      ]);
    }
    const reads = await platform.services.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "resident.read"), eq(auditLog.resourceId, residentId)));
    expect(reads.length).toBe(2);
    expect(reads[0]!.actorId).toBe(await staffIdOf("staff@tenohira.localhost"));
    expect(reads[0]!.after).toEqual({ attributes: ["birth_date", "postal_code"] });
    expect(JSON.stringify(reads)).not.toContain("1990-04-01");
  });

  it("finds residents by email, audited with what was searched and found", async () => {
    const viewer = await platform.signInStaff("viewer@tenohira.localhost");
    const found = await platform.request("/staff/api/residents?email=Hanako@Example.jp", { headers: viewer });
    expect(((await found.json()) as { residents: { id: string }[] }).residents.map((r) => r.id)).toEqual([
      residentId,
    ]);
    const none = await platform.request("/staff/api/residents?email=nobody@example.jp", { headers: viewer });
    expect(((await none.json()) as { residents: unknown[] }).residents).toEqual([]);
    const searches = await platform.services.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "resident.search"))
      .orderBy(asc(auditLog.id));
    expect(searches.map((s) => s.after)).toEqual([
      { email: "hanako@example.jp", found: [residentId] },
      { email: "nobody@example.jp", found: [] },
    ]);
  });

  it("refuses operators (audited) and strangers, and answers 404 for an unknown resident", async () => {
    const operator = await platform.signInStaff("operator@tenohira.localhost");
    expect((await platform.request(`/staff/api/residents/${residentId}`, { headers: operator })).status).toBe(
      403,
    );
    const denied = await platform.services.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "access.denied"), eq(auditLog.resourceId, "core.residents.read")));
    expect(denied.map((d) => d.actorId)).toEqual([await staffIdOf("operator@tenohira.localhost")]);
    expect((await platform.request(`/staff/api/residents/${residentId}`)).status).toBe(401);
    const admin = await platform.signInStaff("admin@tenohira.localhost");
    const missing = await platform.request("/staff/api/residents/00000000-0000-4000-8000-000000000000", {
      headers: admin,
    });
    expect(missing.status).toBe(404);
  });
});
