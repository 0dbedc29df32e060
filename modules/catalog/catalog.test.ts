import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../core/audit/schema.ts";
import { domainEvents } from "../../core/events/schema.ts";
import { departments, staffAccounts } from "../../core/identity/schema.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import { createTestPlatform, type TestPlatform } from "../../core/testing/test-platform.ts";
import { createService } from "./operations/create-service.ts";
import { catalogServices } from "./schema.ts";

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

describe("department scoping", () => {
  type Service = {
    id: string;
    slug: string;
    departmentId: string | null;
    status: string;
    assuranceLevel: string;
  };
  const db = () => platform.services.database.db;
  const departmentId = async (code: string) =>
    (await db().select().from(departments).where(eq(departments.code, code)))[0]!.id;
  const serviceId = async (slug: string) =>
    (await db().select().from(catalogServices).where(eq(catalogServices.slug, slug)))[0]!.id;
  const slugs = async (headers: Record<string, string>) => {
    const response = await platform.request("/staff/api/catalog/services", { headers });
    expect(response.status).toBe(200);
    return ((await response.json()) as { services: Service[] }).services.map((s) => s.slug).sort();
  };
  const denials = async (staffEmail: string) => {
    const [member] = await db().select().from(staffAccounts).where(eq(staffAccounts.email, staffEmail));
    return db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "access.denied"), eq(auditLog.actorId, member!.id)))
      .orderBy(asc(auditLog.id));
  };
  const post = (path: string, headers: Record<string, string>, body?: unknown) =>
    platform.request(path, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it("a member of department A cannot list, see or publish department B's service; an administrator can", async () => {
    const doro = await platform.signInStaff("doro@tenohira.localhost");
    const manager = await platform.signInStaff("manager@tenohira.localhost");
    expect(await slugs(doro)).toEqual(["doro-tsuho"]);
    expect(await slugs(manager)).toEqual(["juminhyo"]);

    // doro-ka staff adds a draft (in their own department by default); 市民課 cannot see or publish it.
    const created = await post("/staff/api/catalog/services", doro, {
      slug: "kyoka-shinsei",
      nameJa: "道路占用許可",
      nameEn: "Road occupancy permit",
    });
    expect(created.status).toBe(201);
    const draft = (await created.json()) as Service;
    expect(draft.departmentId).toBe(await departmentId("doro-ka"));

    const seen = await platform.request(`/staff/api/catalog/services/${draft.id}`, { headers: manager });
    expect(seen.status).toBe(403);
    expect((await post(`/staff/api/catalog/services/${draft.id}/publish`, manager)).status).toBe(403);
    const juminhyo = await serviceId("juminhyo");
    expect(
      (await platform.request(`/staff/api/catalog/services/${juminhyo}`, { headers: doro })).status,
    ).toBe(403);
    // Creating in someone else's department is refused too.
    const elsewhere = await post("/staff/api/catalog/services", doro, {
      slug: "not-mine",
      nameJa: "他課の手続き",
      nameEn: "Not mine",
      departmentId: await departmentId("shimin-ka"),
    });
    expect(elsewhere.status).toBe(403);

    const managerDenied = await denials("manager@tenohira.localhost");
    expect(
      managerDenied.map((d) => [d.resourceType, d.resourceId, (d.after as { verb: string }).verb]),
    ).toEqual([
      ["catalog_service", draft.id, "catalog.service.read"],
      ["catalog_service", draft.id, "catalog.service.publish"],
    ]);
    const doroDenied = await denials("doro@tenohira.localhost");
    expect(doroDenied.map((d) => [d.resourceId, (d.after as { verb: string }).verb])).toEqual([
      [juminhyo, "catalog.service.read"],
      [null, "catalog.service.manage"],
    ]);

    // The administrator sees every department and publishes the draft.
    expect(await slugs(admin)).toEqual(
      expect.arrayContaining(["doro-tsuho", "juminhyo", "kyoka-shinsei", "sodai-gomi"]),
    );
    expect(
      (await platform.request(`/staff/api/catalog/services/${draft.id}`, { headers: admin })).status,
    ).toBe(200);
    const published = await post(`/staff/api/catalog/services/${draft.id}/publish`, admin);
    expect(((await published.json()) as Service).status).toBe("published");
    expect((await denials("admin@tenohira.localhost")).length).toBe(0);
  });

  it("a manager reaches the departments below theirs; a 係 member only their own 係", async () => {
    const staff = await platform.signInStaff("staff@tenohira.localhost");
    const manager = await platform.signInStaff("manager@tenohira.localhost");
    const created = await post("/staff/api/catalog/services", staff, {
      slug: "madoguchi-yoyaku",
      nameJa: "窓口予約",
      nameEn: "Counter booking",
    });
    expect(created.status).toBe(201);
    const booking = (await created.json()) as Service;
    expect(booking.departmentId).toBe(await departmentId("madoguchi-kakari"));
    expect(await slugs(staff)).toEqual(["madoguchi-yoyaku"]);
    expect(await slugs(manager)).toEqual(["juminhyo", "madoguchi-yoyaku"]);
    expect((await post(`/staff/api/catalog/services/${booking.id}/publish`, manager)).status).toBe(200);
    // The 係 member may edit but not publish: a role denial, audited by verb.
    expect((await post(`/staff/api/catalog/services/${booking.id}/publish`, staff)).status).toBe(403);
    expect((await denials("staff@tenohira.localhost")).map((d) => d.resourceId)).toEqual([
      "catalog.service.publish",
    ]);
  });

  it("an operator sees only the service granted to it", async () => {
    const operator = await platform.signInStaff("operator@tenohira.localhost");
    expect(await slugs(operator)).toEqual(["sodai-gomi"]);
    const granted = await serviceId("sodai-gomi");
    const other = await serviceId("juminhyo");
    expect(
      (await platform.request(`/staff/api/catalog/services/${granted}`, { headers: operator })).status,
    ).toBe(200);
    expect(
      (await platform.request(`/staff/api/catalog/services/${other}`, { headers: operator })).status,
    ).toBe(403);
    expect(
      (await post("/staff/api/catalog/services", operator, { slug: "op-try", nameJa: "委託", nameEn: "Try" }))
        .status,
    ).toBe(403);
    expect((await denials("operator@tenohira.localhost")).map((d) => d.resourceId)).toEqual([
      other,
      "catalog.service.manage",
    ]);
  });

  it("answers 404 for an unknown service and another city's, and 400 for another city's department", async () => {
    const missing = "00000000-0000-4000-8000-000000000000";
    expect(
      (await platform.request(`/staff/api/catalog/services/${missing}`, { headers: admin })).status,
    ).toBe(404);
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
    const [foreignDepartment] = await db()
      .insert(departments)
      .values({
        tenantId: other!.id,
        code: "x-ka",
        nameJa: "他市の課",
        nameEn: "Other division",
        level: "ka",
      })
      .returning();
    const [foreign] = await db()
      .insert(catalogServices)
      .values({
        tenantId: other!.id,
        slug: "foreign",
        nameJa: "他市",
        nameEn: "Foreign",
        departmentId: foreignDepartment!.id,
      })
      .returning();
    expect(
      (await platform.request(`/staff/api/catalog/services/${foreign!.id}`, { headers: admin })).status,
    ).toBe(404);
    const response = await post("/staff/api/catalog/services", admin, {
      slug: "foreign-dept",
      nameJa: "他市の課へ",
      nameEn: "Into another city",
      departmentId: foreignDepartment!.id,
    });
    expect(response.status).toBe(400);
  });

  it("records the assurance level a service needs (none by default)", async () => {
    const card = await post("/staff/api/catalog/services", admin, {
      slug: "koseki",
      nameJa: "戸籍証明",
      nameEn: "Family register",
      assuranceLevel: "card",
    });
    expect(((await card.json()) as Service).assuranceLevel).toBe("card");
    const plain = await post("/staff/api/catalog/services", admin, {
      slug: "plain",
      nameJa: "案内",
      nameEn: "Guide",
    });
    expect(((await plain.json()) as Service).assuranceLevel).toBe("none");
    const bad = await post("/staff/api/catalog/services", admin, {
      slug: "bad-level",
      nameJa: "x",
      nameEn: "x",
      assuranceLevel: "passport",
    });
    expect(((await bad.json()) as { errors: { pointer: string }[] }).errors.map((e) => e.pointer)).toEqual([
      "/assuranceLevel",
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
