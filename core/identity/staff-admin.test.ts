import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../audit/schema.ts";
import { domainEvents } from "../events/schema.ts";
import { createTestPlatform, type TestPlatform } from "../testing/test-platform.ts";
import { departments, staffAccounts } from "./schema.ts";

let platform: TestPlatform;
let admin: Record<string, string>;
beforeAll(async () => {
  platform = await createTestPlatform();
  admin = await platform.signInStaff("admin@tenohira.localhost");
});
afterAll(() => platform.close());

type Member = { id: string; email: string; role: string; departmentId: string | null; serviceIds: string[] };

const db = () => platform.services.database.db;
const staffId = async (email: string) =>
  (await db().select().from(staffAccounts).where(eq(staffAccounts.email, email)))[0]!.id;
const departmentId = async (code: string) =>
  (await db().select().from(departments).where(eq(departments.code, code)))[0]!.id;
const send = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  platform.request(path, {
    method,
    headers: { ...headers, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const audits = (action: string) =>
  db().select().from(auditLog).where(eq(auditLog.action, action)).orderBy(asc(auditLog.id));

describe("staff administration", () => {
  it("lists every member to administrators and a manager's subtree to a manager; refuses others (audited)", async () => {
    const all = (await (await platform.request("/staff/api/staff", { headers: admin })).json()) as {
      staff: Member[];
    };
    expect(all.staff.map((m) => m.email)).toContain("operator@tenohira.localhost");
    const operator = all.staff.find((m) => m.email === "operator@tenohira.localhost")!;
    expect(operator.serviceIds.length).toBe(1);
    expect(JSON.stringify(all)).not.toMatch(/password|totpSecret/i);

    const manager = await platform.signInStaff("manager@tenohira.localhost");
    const mine = (await (await platform.request("/staff/api/staff", { headers: manager })).json()) as {
      staff: Member[];
    };
    expect(mine.staff.map((m) => m.email)).toEqual([
      "manager@tenohira.localhost",
      "staff@tenohira.localhost",
      "viewer@tenohira.localhost",
    ]);
    const staff = await platform.signInStaff("staff@tenohira.localhost");
    expect((await platform.request("/staff/api/staff", { headers: staff })).status).toBe(403);
    const denied = await audits("access.denied");
    expect(denied.map((d) => d.resourceId)).toEqual(["core.staff.read"]);
  });

  it("changes a role and a department, audited with before and after, with an event", async () => {
    const viewer = await staffId("viewer@tenohira.localhost");
    const doroKa = await departmentId("doro-ka");
    const changed = await send("PATCH", `/staff/api/staff/${viewer}`, admin, {
      role: "staff",
      departmentId: doroKa,
    });
    expect(changed.status).toBe(200);
    expect(((await changed.json()) as Member).role).toBe("staff");
    const [change] = await audits("core.staff.access_change");
    expect(change!.resourceId).toBe(viewer);
    expect(change!.before).toEqual({ role: "read_only", departmentId: await departmentId("shimin-ka") });
    expect(change!.after).toEqual({ role: "staff", departmentId: doroKa });
    const events = await db()
      .select()
      .from(domainEvents)
      .where(eq(domainEvents.name, "core.staff_access_changed"));
    expect(events.some((e) => e.payload["staffId"] === viewer)).toBe(true);

    // The new department applies at once: the viewer now sees 道路河川課's service, not 市民課's.
    const headers = await platform.signInStaff("viewer@tenohira.localhost");
    const list = (await (await platform.request("/staff/api/catalog/services", { headers })).json()) as {
      services: { slug: string }[];
    };
    expect(list.services.map((s) => s.slug)).toEqual(["doro-tsuho"]);
  });

  it("refuses role changes by non-administrators (audited), unknown departments and demoting the last administrator", async () => {
    const manager = await platform.signInStaff("manager@tenohira.localhost");
    const target = await staffId("staff@tenohira.localhost");
    expect(
      (await send("PATCH", `/staff/api/staff/${target}`, manager, { role: "department_manager" })).status,
    ).toBe(403);
    const denied = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "access.denied"), eq(auditLog.resourceId, "core.staff.manage")));
    expect(denied.length).toBe(1);

    const missing = "00000000-0000-4000-8000-000000000000";
    const bad = await send("PATCH", `/staff/api/staff/${target}`, admin, { departmentId: missing });
    expect(bad.status).toBe(400);
    expect((await send("PATCH", `/staff/api/staff/${missing}`, admin, { role: "staff" })).status).toBe(404);
    expect((await send("PATCH", `/staff/api/staff/${target}`, admin, {})).status).toBe(400);

    const self = await staffId("admin@tenohira.localhost");
    expect((await send("PATCH", `/staff/api/staff/${self}`, admin, { role: "staff" })).status).toBe(409);
  });

  it("grants and revokes an operator's services, audited with before and after", async () => {
    const operator = await staffId("operator@tenohira.localhost");
    const headers = await platform.signInStaff("operator@tenohira.localhost");
    const slugs = async () =>
      (
        (await (await platform.request("/staff/api/catalog/services", { headers })).json()) as {
          services: { id: string; slug: string }[];
        }
      ).services;
    const before = await slugs();
    expect(before.map((s) => s.slug)).toEqual(["sodai-gomi"]);
    const all = (await (
      await platform.request("/staff/api/catalog/services", { headers: admin })
    ).json()) as {
      services: { id: string; slug: string }[];
    };
    const juminhyo = all.services.find((s) => s.slug === "juminhyo")!.id;

    const granted = await send("PUT", `/staff/api/staff/${operator}/services/${juminhyo}`, admin);
    expect(granted.status).toBe(200);
    expect((await slugs()).map((s) => s.slug).sort()).toEqual(["juminhyo", "sodai-gomi"]);
    // Granting again changes nothing and records nothing.
    await send("PUT", `/staff/api/staff/${operator}/services/${juminhyo}`, admin);
    const [grant, ...more] = await audits("core.staff.grant");
    expect(more).toEqual([]);
    expect(grant!.before).toEqual({ serviceIds: [before[0]!.id] });
    expect(grant!.after).toEqual({ serviceIds: [before[0]!.id, juminhyo].sort() });

    expect((await send("DELETE", `/staff/api/staff/${operator}/services/${juminhyo}`, admin)).status).toBe(
      200,
    );
    expect((await slugs()).map((s) => s.slug)).toEqual(["sodai-gomi"]);
    expect((await send("DELETE", `/staff/api/staff/${operator}/services/${juminhyo}`, admin)).status).toBe(
      404,
    );
    const [revoke] = await audits("core.staff.revoke");
    expect(revoke!.after).toEqual({ serviceIds: [before[0]!.id] });

    const notOperator = await staffId("manager@tenohira.localhost");
    expect((await send("PUT", `/staff/api/staff/${notOperator}/services/${juminhyo}`, admin)).status).toBe(
      409,
    );
  });

  it("signs a member out everywhere, by their own choice or an administrator's", async () => {
    const laptop = await platform.signInStaff("doro@tenohira.localhost");
    const phone = await platform.signInStaff("doro@tenohira.localhost");
    const out = await platform.request("/staff/api/sessions", { method: "DELETE", headers: phone });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/tenohira_session=;/);
    expect((await platform.request("/staff/api/me", { headers: laptop })).status).toBe(401);
    expect((await platform.request("/staff/api/me", { headers: phone })).status).toBe(401);

    const again = await platform.signInStaff("doro@tenohira.localhost");
    const doro = await staffId("doro@tenohira.localhost");
    const ended = await send("DELETE", `/staff/api/staff/${doro}/sessions`, admin);
    expect(await ended.json()).toEqual({ ended: 1 });
    expect((await platform.request("/staff/api/me", { headers: again })).status).toBe(401);
    expect((await platform.request("/staff/api/me", { headers: admin })).status).toBe(200);

    const ends = await audits("staff.sessions.end");
    expect(ends.map((e) => [e.actorId, e.resourceId, e.after])).toEqual([
      [doro, doro, { ended: 2 }],
      [await staffId("admin@tenohira.localhost"), doro, { ended: 1 }],
    ]);
    const operator = await platform.signInStaff("operator@tenohira.localhost");
    expect((await send("DELETE", `/staff/api/staff/${doro}/sessions`, operator)).status).toBe(403);
  });
});
