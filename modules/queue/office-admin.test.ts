import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../core/audit/schema.ts";
import { domainEvents } from "../../core/events/schema.ts";
import { departments } from "../../core/identity/schema.ts";
import { type Tenant, tenants } from "../../core/tenancy/schema.ts";
import { createTestPlatform, type TestPlatform } from "../../core/testing/test-platform.ts";
import { loadOffice } from "./line.ts";
import { callNextTicket } from "./operations/call-next-ticket.ts";
import { completeTicket } from "./operations/complete-ticket.ts";
import { issueTicket } from "./operations/issue-ticket.ts";
import { queueCategories, queueCounters, queueOffices, queueTickets } from "./schema.ts";
import { openAllDay } from "./testing.ts";

let platform: TestPlatform;
let tenant: Tenant;
let manager: Record<string, string>;
const db = () => platform.services.database.db;
const departmentId = async (code: string) =>
  (
    await db()
      .select()
      .from(departments)
      .where(and(eq(departments.tenantId, tenant.id), eq(departments.code, code)))
  )[0]!.id;

beforeAll(async () => {
  platform = await createTestPlatform();
  [tenant] = (await db().select().from(tenants).where(eq(tenants.slug, "tenohira"))) as [Tenant];
  // A second city, added before the first request so the tenant cache knows it.
  await db()
    .insert(tenants)
    .values({
      municipalityCode: "990044",
      slug: "admin-other",
      nameJa: "よその市",
      nameEn: "Other",
      hosts: ["other.localhost"],
    });
  manager = await platform.signInStaff("manager@tenohira.localhost");
});
afterAll(() => platform.close());

const post = (path: string, fields: Record<string, string | string[]>, headers = manager) => {
  const body = new URLSearchParams({ _csrf: headers["x-csrf-token"]! });
  for (const [name, value] of Object.entries(fields)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      body.append(name, one);
    }
  }
  return platform.request(path, {
    method: "POST",
    headers: { cookie: headers["cookie"]!, "content-type": "application/x-www-form-urlencoded" },
    body,
  });
};

const allWeek = Object.fromEntries(
  Array.from({ length: 7 }, (_, day) => [
    [`opens${day}`, "00:00"],
    [`closes${day}`, "24:00"],
  ]).flat(),
);
const officeForm = async (slug: string) => ({
  slug,
  nameJa: "北支所",
  nameEn: "North Branch",
  departmentId: await departmentId("shimin-ka"),
  ...allWeek,
  opens0: "",
  closes0: "",
  notifyAhead: "2",
});

describe("office administration", () => {
  it("lets a department manager create an office of their department, audited with an event", async () => {
    const created = await post("/staff/queue/offices/new", await officeForm("kita"));
    expect(created.status).toBe(303);
    expect(created.headers.get("location")).toBe("/staff/queue/kita/settings?saved=1");
    const [office] = await db().select().from(queueOffices).where(eq(queueOffices.slug, "kita"));
    expect(office).toMatchObject({
      nameJa: "北支所",
      departmentId: await departmentId("shimin-ka"),
      closedOnHolidays: false,
      notifyAhead: 2,
    });
    expect(office!.hours[0]).toBeNull();
    expect(office!.hours[1]).toEqual({ opens: "00:00", closes: "24:00" });
    const audits = await db().select().from(auditLog).where(eq(auditLog.resourceId, office!.id));
    expect(audits.map((a) => a.action)).toEqual(["queue.office.create"]);
    const events = await db()
      .select()
      .from(domainEvents)
      .where(eq(domainEvents.name, "queue.office_created"));
    expect(events.map((e) => e.payload)).toContainEqual({ officeId: office!.id, slug: "kita" });
    // The same address name again: 409 beside the field, nothing written.
    const again = await post("/staff/queue/offices/new", await officeForm("kita"));
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("このアドレス名はほかの窓口が使っています");
  });

  it("refuses a department outside the member's charge and wrong values, per field in both languages", async () => {
    const outside = await post("/staff/queue/offices/new", {
      ...(await officeForm("doro")),
      departmentId: await departmentId("doro-ka"),
    });
    expect(outside.status).toBe(422);
    expect(await outside.text()).toContain("担当できる部署を選んでください");
    const wrong = { ...(await officeForm("minami")), opens1: "17:00", closes1: "08:30", notifyAhead: "99" };
    const ja = await post("/staff/queue/offices/new", wrong);
    expect(ja.status).toBe(422);
    const jaBody = await ja.text();
    expect(jaBody).toContain("終了は開始より後の時刻にしてください");
    expect(jaBody).toContain("0から50までの整数を入力してください");
    expect(jaBody).toContain('value="17:00"');
    const en = await post("/staff/queue/offices/new?lang=en", wrong);
    expect(await en.text()).toContain("The closing time must be after the opening time");
    expect(await db().select().from(queueOffices).where(eq(queueOffices.slug, "doro"))).toEqual([]);
    expect(await db().select().from(queueOffices).where(eq(queueOffices.slug, "minami"))).toEqual([]);
  });

  it("is for department managers within scope: staff and other departments are refused", async () => {
    const staff = await platform.signInStaff("staff@tenohira.localhost");
    expect((await platform.request("/staff/queue/kita/settings", { headers: staff })).status).toBe(403);
    expect((await post("/staff/queue/kita/settings/counters", { number: "1" }, staff)).status).toBe(403);
    const admin = await platform.signInStaff("admin@tenohira.localhost");
    await post(
      "/staff/queue/offices/new",
      { ...(await officeForm("doro")), departmentId: await departmentId("doro-ka") },
      admin,
    );
    // The 市民課 manager does not reach an office of 道路河川課.
    expect((await platform.request("/staff/queue/doro/settings", { headers: manager })).status).toBe(403);
    expect((await platform.request("/staff/queue/kita/settings", { headers: manager })).status).toBe(200);
  });

  it("adds counters and categories with unique numbers and letters, and which counters serve each", async () => {
    expect(
      (await post("/staff/queue/kita/settings/counters", { number: "1", nameJa: "証明書" })).status,
    ).toBe(303);
    expect((await post("/staff/queue/kita/settings/counters", { number: "2" })).status).toBe(303);
    const duplicate = await post("/staff/queue/kita/settings/counters", { number: "1" });
    expect(duplicate.status).toBe(409);
    expect(await duplicate.text()).toContain("この番号の窓口はすでにあります");
    expect((await post("/staff/queue/kita/settings/counters", { number: "100" })).status).toBe(422);

    let setup = (await loadOffice(db(), { tenantId: tenant.id, slug: "kita" }))!;
    expect(setup.counters.map((c) => [c.number, c.nameJa])).toEqual([
      [1, "証明書"],
      [2, ""],
    ]);
    const [one, two] = setup.counters as [(typeof setup.counters)[0], (typeof setup.counters)[0]];
    const category = { prefix: "A", nameJa: "証明書", nameEn: "Certificates", averageServiceMinutes: "5" };
    expect(
      (await post("/staff/queue/kita/settings/categories", { ...category, counterIds: [one.id, two.id] }))
        .status,
    ).toBe(303);
    const taken = await post("/staff/queue/kita/settings/categories?lang=en", { ...category, nameJa: "別" });
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain("Another kind of procedure of this office already uses this letter");
    const lower = await post("/staff/queue/kita/settings/categories", { ...category, prefix: "b" });
    expect(lower.status).toBe(422);
    expect(await lower.text()).toContain("記号はA〜Zの大文字1文字にしてください");
    // A counter of another office is not one of this office's counters.
    const shimin = (await loadOffice(db(), { tenantId: tenant.id, slug: "shimin-ka" }))!;
    const foreign = await post("/staff/queue/kita/settings/categories", {
      ...category,
      prefix: "B",
      counterIds: [shimin.counters[0]!.id],
    });
    expect(foreign.status).toBe(422);

    setup = (await loadOffice(db(), { tenantId: tenant.id, slug: "kita" }))!;
    const a = setup.categories[0]!;
    // Editing: only counter 2 serves A now, and it takes 7 minutes.
    expect(
      (
        await post(`/staff/queue/kita/settings/categories/${a.id}`, {
          ...category,
          averageServiceMinutes: "7",
          counterIds: two.id,
        })
      ).status,
    ).toBe(303);
    setup = (await loadOffice(db(), { tenantId: tenant.id, slug: "kita" }))!;
    expect(setup.categories[0]!.averageServiceMinutes).toBe(7);
    expect(setup.counters.map((c) => c.categoryIds)).toEqual([[], [a.id]]);
    const actions = (await db().select().from(auditLog).where(eq(auditLog.tenantId, tenant.id)))
      .map((row) => row.action)
      .filter((action) => action.startsWith("queue.c"))
      .sort();
    expect(actions).toEqual([
      "queue.category.add",
      "queue.category.update",
      "queue.counter.add",
      "queue.counter.add",
    ]);
  });

  it("refuses removing a category or counter with live tickets today, and removes them afterwards", async () => {
    let setup = (await loadOffice(db(), { tenantId: tenant.id, slug: "kita" }))!;
    await openAllDay(db(), setup.office.id);
    setup = (await loadOffice(db(), { tenantId: tenant.id, slug: "kita" }))!;
    const a = setup.categories[0]!;
    const two = setup.counters[1]!;
    const actor = { type: "staff" as const, id: null };
    const { ticket } = await issueTicket({
      db: db(),
      tenant,
      setup,
      categoryPrefix: "A",
      channel: "kiosk",
      residentId: null,
      guestEmail: null,
      language: "ja",
      origin: "http://localhost",
      idempotencyKey: null,
      actor,
    });
    const removeA = () => post(`/staff/queue/kita/settings/categories/${a.id}/remove`, {});
    const busyCategory = await removeA();
    expect(busyCategory.status).toBe(409);
    expect(await busyCategory.text()).toContain(
      "本日この手続きの整理券を待っている人がいるため削除できません",
    );

    await callNextTicket({ db: db(), tenantId: tenant.id, setup, counterNumber: 2, actor });
    const busyCounter = await post(`/staff/queue/kita/settings/counters/${two.id}/remove`, {});
    expect(busyCounter.status).toBe(409);
    expect(await busyCounter.text()).toContain("この窓口では整理券を呼び出し中のため削除できません");

    await completeTicket({ db: db(), tenantId: tenant.id, setup, counterNumber: 2, actor });
    expect((await removeA()).status).toBe(303);
    expect((await post(`/staff/queue/kita/settings/counters/${two.id}/remove`, {})).status).toBe(303);
    setup = (await loadOffice(db(), { tenantId: tenant.id, slug: "kita" }))!;
    expect(setup.categories).toEqual([]);
    expect(setup.counters.map((c) => c.number)).toEqual([1]);
    // The rows stay for the served ticket; the letter and the number are free again.
    const [kept] = await db().select().from(queueTickets).where(eq(queueTickets.id, ticket.id));
    expect(kept!.categoryId).toBe(a.id);
    expect(
      (await db().select().from(queueCategories).where(eq(queueCategories.id, a.id)))[0]!.removedAt,
    ).not.toBeNull();
    expect((await post("/staff/queue/kita/settings/counters", { number: "2" })).status).toBe(303);
    expect(
      (
        await post("/staff/queue/kita/settings/categories", {
          prefix: "A",
          nameJa: "新",
          nameEn: "New",
          averageServiceMinutes: "3",
        })
      ).status,
    ).toBe(303);
    const removed = await db()
      .select()
      .from(domainEvents)
      .where(eq(domainEvents.name, "queue.category_removed"));
    expect(removed.map((e) => e.payload)).toContainEqual({
      officeId: setup.office.id,
      categoryId: a.id,
      prefix: "A",
    });
    expect(
      (await db().select().from(queueCounters).where(eq(queueCounters.officeId, setup.office.id))).length,
    ).toBe(3);
  });

  it("edits the office's hours and notices, keeping its address name", async () => {
    const form = {
      ...(await officeForm("ignored")),
      nameEn: "North Branch Office",
      closedOnHolidays: "on",
      notifyAhead: "5",
    };
    expect((await post("/staff/queue/kita/settings", form)).status).toBe(303);
    const [office] = await db().select().from(queueOffices).where(eq(queueOffices.slug, "kita"));
    expect(office).toMatchObject({ nameEn: "North Branch Office", closedOnHolidays: true, notifyAhead: 5 });
    const page = await platform.request("/staff/queue/kita/settings?saved=1", { headers: manager });
    expect(await page.text()).toContain("保存しました");
  });

  it("does not let a member of one city reach its offices through another city's host", async () => {
    const response = await platform.request("http://other.localhost/staff/queue/kita/settings", {
      headers: manager,
    });
    // The session belongs to the first city: on the other city's host nobody is signed in.
    expect(response.status).toBe(401);
    const write = await post("http://other.localhost/staff/queue/kita/settings/counters", { number: "9" });
    expect([401, 403]).toContain(write.status);
    const setup = (await loadOffice(db(), { tenantId: tenant.id, slug: "kita" }))!;
    expect(setup.counters.map((c) => c.number)).not.toContain(9);
  });
});
