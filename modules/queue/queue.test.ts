import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../core/audit/schema.ts";
import { domainEvents } from "../../core/events/schema.ts";
import { notifications } from "../../core/notifications/schema.ts";
import { type Tenant, tenants } from "../../core/tenancy/schema.ts";
import { addCityAdmin, addSecondCity } from "../../core/testing/second-city.ts";
import {
  createTestPlatform,
  type ResidentTestSession,
  type TestPlatform,
} from "../../core/testing/test-platform.ts";
import { loadOffice, type OfficeSetup, ticketPlace } from "./line.ts";
import { callNextTicket } from "./operations/call-next-ticket.ts";
import { completeTicket } from "./operations/complete-ticket.ts";
import { issueTicket } from "./operations/issue-ticket.ts";
import { notifyTicketHolders } from "./operations/notify-ticket-holders.ts";
import { recallTicket } from "./operations/recall-ticket.ts";
import { requeueTicket } from "./operations/requeue-ticket.ts";
import { skipTicket } from "./operations/skip-ticket.ts";
import { ONLINE_TICKETS_PER_IP } from "./pages.ts";
import { queueTicketRecords } from "./resident-records.ts";
import {
  queueCategories,
  queueCounterCategories,
  queueCounters,
  queueOffices,
  queueTickets,
} from "./schema.ts";
import { openAllDay } from "./testing.ts";

let platform: TestPlatform;
let tenant: Tenant;
let otherTenant: Tenant;
let staffHeaders: Record<string, string>;
let taro: ResidentTestSession;
let hanako: ResidentTestSession;
const db = () => platform.services.database.db;
const staffActor = { type: "staff" as const, id: null };

/** A fresh office of the demo city with the given counters (each listing the prefixes it serves). */
async function makeOffice(slug: string, counters: string[][], t: Tenant = tenant): Promise<OfficeSetup> {
  const [office] = await db()
    .insert(queueOffices)
    .values({
      tenantId: t.id,
      slug,
      nameJa: `テスト ${slug}`,
      nameEn: `Test ${slug}`,
      hours: [],
      notifyAhead: 1,
    })
    .returning();
  await openAllDay(db(), office!.id);
  const categories = await db()
    .insert(queueCategories)
    .values([
      {
        tenantId: t.id,
        officeId: office!.id,
        prefix: "A",
        nameJa: "住民票",
        nameEn: "Records",
        averageServiceMinutes: 5,
      },
      {
        tenantId: t.id,
        officeId: office!.id,
        prefix: "B",
        nameJa: "転入",
        nameEn: "Moving",
        averageServiceMinutes: 12,
      },
    ])
    .returning();
  for (const [i, prefixes] of counters.entries()) {
    const [counter] = await db()
      .insert(queueCounters)
      .values({ tenantId: t.id, officeId: office!.id, number: i + 1 })
      .returning();
    await db()
      .insert(queueCounterCategories)
      .values(
        prefixes.map((p) => ({
          tenantId: t.id,
          counterId: counter!.id,
          categoryId: categories.find((c) => c.prefix === p)!.id,
        })),
      );
  }
  return (await loadOffice(db(), { tenantId: t.id, slug }))!;
}

const take = (setup: OfficeSetup, prefix: string, extra: Partial<Parameters<typeof issueTicket>[0]> = {}) =>
  issueTicket({
    db: db(),
    tenant,
    setup,
    categoryPrefix: prefix,
    channel: "kiosk",
    residentId: null,
    guestEmail: null,
    language: "ja",
    origin: "http://localhost",
    idempotencyKey: null,
    actor: { type: "guest", id: null },
    ...extra,
  }).then((r) => r.ticket);

const call = (setup: OfficeSetup, counterNumber: number, ticketId?: string) =>
  callNextTicket({
    db: db(),
    tenantId: tenant.id,
    setup,
    counterNumber,
    actor: staffActor,
    ticketId: ticketId ?? null,
  });

const form = (
  session: { cookie: string; csrf: string } | null,
  fields: Record<string, string>,
  headers = {},
) => ({
  method: "POST",
  headers: { ...(session ? { cookie: session.cookie } : {}), ...headers },
  body: new URLSearchParams({ ...(session ? { _csrf: session.csrf } : {}), ...fields }),
});

beforeAll(async () => {
  // Client addresses come from X-Forwarded-For, so tests can be several visitors.
  platform = await createTestPlatform({ config: { trustProxy: "true" } });
  [tenant] = (await db().select().from(tenants).where(eq(tenants.slug, "tenohira"))) as [Tenant];
  otherTenant = await addSecondCity(db(), {
    municipalityCode: "990043",
    slug: "queue-other",
    hosts: ["other.localhost"],
  });
  await addCityAdmin(db(), otherTenant.id);
  const [seeded] = await db().select().from(queueOffices).where(eq(queueOffices.slug, "shimin-ka"));
  await openAllDay(db(), seeded!.id);
  staffHeaders = await platform.signInStaff("staff@tenohira.localhost");
  taro = await platform.signInResident("taro@example.jp");
  hanako = await platform.signInResident("hanako@example.jp");
}, 120_000);
afterAll(() => platform?.close());

describe("ticket numbers", () => {
  it("run per office and day, from one atomic counter, also when many are taken at once", async () => {
    const setup = await makeOffice("seq", [["A", "B"]]);
    const today = await Promise.all(Array.from({ length: 20 }, (_, i) => take(setup, i % 2 ? "A" : "B")));
    expect(today.map((t) => t.number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(today.find((t) => t.number === 7)!.displayNumber).toMatch(/^[AB]007$/);
    const tomorrow = await take(setup, "A", { now: new Date(Date.now() + 86_400_000) });
    expect(tomorrow.number).toBe(1);
    // Another office's day starts its own numbers.
    expect((await take(await makeOffice("seq-2", [["A"]]), "A")).number).toBe(1);
    expect(new Set(today.map((t) => t.token)).size).toBe(20);
  });

  it("writes the audit record and queue.ticket_issued event with the ticket", async () => {
    const ticket = await take(await makeOffice("audit", [["A"]]), "A");
    const events = await db().select().from(domainEvents).where(eq(domainEvents.name, "queue.ticket_issued"));
    expect(events.some((e) => e.payload["ticketId"] === ticket.id)).toBe(true);
    const audit = await db().select().from(auditLog).where(eq(auditLog.resourceId, ticket.id));
    expect(audit.map((a) => a.action)).toEqual(["queue.ticket.issue"]);
  });

  it("refuses a closed office, a holiday and an unknown category with a reason in both languages", async () => {
    const setup = await makeOffice("closed", [["A"]]);
    await db()
      .update(queueOffices)
      .set({ hours: [], closedOnHolidays: true })
      .where(eq(queueOffices.id, setup.office.id));
    const closed = (await loadOffice(db(), { tenantId: tenant.id, slug: "closed" }))!;
    await expect(take(closed, "A")).rejects.toMatchObject({
      status: 422,
      title: { ja: "本日は閉庁日のため整理券を発行していません", en: "The office is closed today" },
    });
    const weekdays = (await import("./office-hours.ts")).weekdayHours;
    await db().update(queueOffices).set({ hours: weekdays }).where(eq(queueOffices.id, setup.office.id));
    const holiday = (await loadOffice(db(), { tenantId: tenant.id, slug: "closed" }))!;
    // 2026-11-23 10:00 JST is 勤労感謝の日.
    await expect(take(holiday, "A", { now: new Date("2026-11-23T01:00:00Z") })).rejects.toMatchObject({
      status: 422,
    });
    expect((await take(holiday, "A", { now: new Date("2026-11-24T01:00:00Z") })).serviceDate).toBe(
      "2026-11-24",
    );
    await expect(take(setup, "Z")).rejects.toMatchObject({
      status: 422,
      title: { en: "This office has no such kind of procedure" },
    });
    const count = await db().select().from(queueTickets).where(eq(queueTickets.officeId, setup.office.id));
    expect(count).toHaveLength(1);
  });
});

describe("call next", () => {
  it("calls each ticket exactly once and passes none over when three counters press at once, many times", async () => {
    const setup = await makeOffice("rush", [["A"], ["A", "B"], ["B"]]);
    const tickets = [];
    for (let i = 0; i < 30; i++) {
      tickets.push(await take(setup, i % 3 === 0 ? "B" : "A"));
    }
    const presses = Array.from({ length: 60 }, (_, i) => call(setup, (i % 3) + 1));
    const results = await Promise.all(presses);
    const calledIds = results.flatMap((r) => (r.called ? [r.called.id] : []));
    expect(calledIds).toHaveLength(30);
    expect(new Set(calledIds).size).toBe(30);
    const rows = await db().select().from(queueTickets).where(eq(queueTickets.officeId, setup.office.id));
    expect(rows.every((t) => t.callCount === 1)).toBe(true);
    expect(rows.filter((t) => t.status === "waiting")).toEqual([]);
    // At most one ticket is being called per counter; the rest were finished by the next press.
    expect(rows.filter((t) => t.status === "called").length).toBeLessThanOrEqual(3);
    const calledEvents = (
      await db().select().from(domainEvents).where(eq(domainEvents.name, "queue.ticket_called"))
    ).filter((e) => e.payload["officeId"] === setup.office.id);
    expect(calledEvents).toHaveLength(30);
  });

  it("follows the line's order per category and never calls a category the counter does not serve", async () => {
    const setup = await makeOffice("order", [["A"], ["B"]]);
    const [a1, b1, a2] = [await take(setup, "A"), await take(setup, "B"), await take(setup, "A")];
    expect((await call(setup, 1)).called!.id).toBe(a1.id);
    const second = await call(setup, 1);
    expect(second.finished!.id).toBe(a1.id);
    expect(second.called!.id).toBe(a2.id);
    expect((await call(setup, 1)).called).toBeNull();
    await expect(call(setup, 1, b1.id)).rejects.toMatchObject({
      status: 422,
      title: { ja: "この窓口ではこの手続きを扱っていません" },
    });
    expect((await call(setup, 2, b1.id)).called!.id).toBe(b1.id);
    await expect(call(setup, 9)).rejects.toMatchObject({ status: 404 });
  });

  it("recalls, marks absent and puts back in line without a second number", async () => {
    const setup = await makeOffice("skip", [["A"]]);
    const [first, second] = [await take(setup, "A"), await take(setup, "A")];
    await call(setup, 1);
    const recalled = await recallTicket({
      db: db(),
      tenantId: tenant.id,
      setup,
      counterNumber: 1,
      actor: staffActor,
    });
    expect(recalled.callCount).toBe(2);
    const skipped = await skipTicket({
      db: db(),
      tenantId: tenant.id,
      setup,
      counterNumber: 1,
      actor: staffActor,
    });
    expect(skipped).toMatchObject({ id: first.id, status: "skipped", counterId: null });
    await expect(
      skipTicket({ db: db(), tenantId: tenant.id, setup, counterNumber: 1, actor: staffActor }),
    ).rejects.toMatchObject({
      status: 409,
    });
    await requeueTicket({ db: db(), tenantId: tenant.id, setup, ticketId: first.id, actor: staffActor });
    // Back at its own number, so it comes before the second ticket.
    expect((await call(setup, 1)).called!.id).toBe(first.id);
    expect((await call(setup, 1)).called!.id).toBe(second.id);
  });
});

describe("position and estimate", () => {
  it("counts the people ahead in the ticket's category and divides their minutes among its counters", async () => {
    const setup = await makeOffice("place", [["A"], ["A", "B"]]);
    const a = [await take(setup, "A"), await take(setup, "A"), await take(setup, "A")];
    const b = await take(setup, "B");
    expect(await ticketPlace(db(), setup, a[2]!)).toEqual({ ahead: 2, estimatedMinutes: 5 }); // 2 × 5 min ÷ 2
    expect(await ticketPlace(db(), setup, b)).toEqual({ ahead: 0, estimatedMinutes: 0 });
    await call(setup, 1);
    expect((await ticketPlace(db(), setup, a[2]!)).ahead).toBe(1);
    const status = await platform.request("http://localhost/api/queue/offices/place/status");
    expect(status.status).toBe(200);
    const body = (await status.json()) as {
      open: boolean;
      categories: { prefix: string; waiting: number; estimatedMinutes: number }[];
      counters: { number: number; calling: string | null }[];
    };
    expect(body.open).toBe(true);
    expect(body.categories).toEqual([
      expect.objectContaining({ prefix: "A", waiting: 2, estimatedMinutes: 5 }),
      expect.objectContaining({ prefix: "B", waiting: 1, estimatedMinutes: 12 }),
    ]);
    expect(body.counters).toEqual([
      { number: 1, calling: a[0]!.displayNumber },
      { number: 2, calling: null },
    ]);
    expect((await platform.request("http://localhost/api/queue/offices/nowhere/status")).status).toBe(404);
  });
});

describe("notifications", () => {
  it("tells each holder once when near the front and once when called, inbox and email for a resident, email for a guest", async () => {
    const setup = await makeOffice("notify", [["A"]]);
    // notifyAhead is 1: the first two in line are "near".
    const kiosk = await take(setup, "A");
    const resident = await take(setup, "A", { residentId: taro.residentId, channel: "online" });
    const guest = await take(setup, "A", { guestEmail: "guest@example.jp", channel: "online" });
    await platform.worker.drain();
    await notifyTicketHolders(db(), { ticketId: guest.id, called: false });
    const sent = () =>
      db()
        .select()
        .from(notifications)
        .where(
          inArray(notifications.reference, [
            kiosk.displayNumber,
            resident.displayNumber,
            guest.displayNumber,
          ]),
        );
    let rows = await sent();
    expect(rows.map((r) => [r.reference, r.channel, r.subject.includes("まもなく")])).toEqual(
      expect.arrayContaining([
        [resident.displayNumber, "inbox", true],
        [resident.displayNumber, "email", true],
      ]),
    );
    expect(rows).toHaveLength(2);
    await call(setup, 1); // kiosk ticket called: the guest is now near
    await platform.worker.drain();
    rows = await sent();
    expect(
      rows.filter((r) => r.reference === guest.displayNumber).map((r) => [r.channel, r.recipient]),
    ).toEqual([["email", "guest@example.jp"]]);
    await call(setup, 1); // the resident is called
    await platform.worker.drain();
    await recallTicket({ db: db(), tenantId: tenant.id, setup, counterNumber: 1, actor: staffActor });
    await requeueTicket({ db: db(), tenantId: tenant.id, setup, ticketId: resident.id, actor: staffActor });
    // Put back in line, the "called" notice is forgotten: called again, the holder is told again, once.
    const [requeued] = await db().select().from(queueTickets).where(eq(queueTickets.id, resident.id));
    expect(requeued!.calledNotifiedAt).toBeNull();
    await call(setup, 1);
    await platform.worker.drain();
    await notifyTicketHolders(db(), { ticketId: resident.id, called: true });
    rows = await sent();
    const calledNotices = rows.filter(
      (r) => r.reference === resident.displayNumber && r.subject.includes("窓口1へお越しください"),
    );
    expect(calledNotices.map((r) => r.channel).sort()).toEqual(["email", "email", "inbox", "inbox"]);
    expect(rows.filter((r) => r.reference === resident.displayNumber)).toHaveLength(6);
    expect(rows.filter((r) => r.reference === kiosk.displayNumber)).toEqual([]);
  });
});

describe("pages and isolation", () => {
  it("takes a ticket online once per idempotency key and one live ticket per resident", async () => {
    const first = await platform.request(
      "http://localhost/queue/shimin-ka/tickets",
      form(taro, { category: "A", _idempotency: "k-1" }),
    );
    expect(first.status).toBe(303);
    const again = await platform.request(
      "http://localhost/queue/shimin-ka/tickets",
      form(taro, { category: "A", _idempotency: "k-1" }),
    );
    expect(again.headers.get("location")).toBe(first.headers.get("location"));
    const second = await platform.request(
      "http://localhost/queue/shimin-ka/tickets",
      form(taro, { category: "B", _idempotency: "k-2" }),
    );
    expect(second.status).toBe(409);
    expect(await second.text()).toContain("この窓口の整理券をすでにお持ちです");
    const unknown = await platform.request(
      "http://localhost/queue/shimin-ka/tickets",
      form(hanako, { category: "Z", _idempotency: "k-3" }),
    );
    expect(unknown.status).toBe(422);
    const missing = await platform.request(
      "http://localhost/queue/shimin-ka/tickets?lang=en",
      form(hanako, { category: "" }),
    );
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("Choose the kind of procedure");
    const page = await platform.request(`http://localhost${first.headers.get("location")}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("お待ちください");
  });

  it("cancels from the status page, and refuses cancelling twice", async () => {
    const taken = await platform.request(
      "http://localhost/queue/shimin-ka/tickets",
      form(null, { category: "B", email: "g2@example.jp" }),
    );
    const path = taken.headers.get("location")!;
    expect((await platform.request(`http://localhost${path}/cancel`, form(null, {}))).status).toBe(303);
    const again = await platform.request(`http://localhost${path}/cancel`, form(null, {}));
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("この整理券は取り消し済みか");
    const badEmail = await platform.request(
      "http://localhost/queue/shimin-ka/tickets",
      form(null, { category: "B", email: "nope" }),
    );
    expect(badEmail.status).toBe(400);
  });

  it("links the counters from the console's menu and lists only the offices of the member's department", async () => {
    const me = await platform.request("http://localhost/staff/api/me", { headers: staffHeaders });
    expect(((await me.json()) as { pages: { href: string }[] }).pages.map((p) => p.href)).toContain(
      "/staff/queue",
    );
    const mine = await platform.request("http://localhost/staff/queue", { headers: staffHeaders });
    expect(mine.status).toBe(200);
    expect(await mine.text()).toContain('href="/staff/queue/shimin-ka"');
    const doro = await platform.signInStaff("doro@tenohira.localhost");
    const theirs = await platform.request("http://localhost/staff/queue", { headers: doro });
    expect(theirs.status).toBe(200);
    expect(await theirs.text()).not.toContain("/staff/queue/shimin-ka");
  });

  it("lets counter staff call, refuses other departments, other cities and the wrong counter", async () => {
    const setup = (await loadOffice(db(), { tenantId: tenant.id, slug: "shimin-ka" }))!;
    const b = await take(setup, "B");
    const post = (
      path: string,
      headers: Record<string, string>,
      fields: Record<string, string> = {},
      host = "localhost",
    ) =>
      platform.request(`http://${host}${path}`, {
        method: "POST",
        headers: { cookie: headers["cookie"]! },
        // The screens post what they show at the counter; nobody is being served at these counters yet.
        body: new URLSearchParams({ _csrf: headers["x-csrf-token"]!, serving: "none", ...fields }),
      });
    const page = await platform.request("http://localhost/staff/queue/shimin-ka", {
      headers: { cookie: staffHeaders["cookie"]! },
    });
    expect(page.status).toBe(200);
    // 窓口1 serves A only.
    const wrong = await post(`/staff/queue/shimin-ka/tickets/${b.id}/call`, staffHeaders, { counter: "1" });
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain("この窓口ではこの手続きを扱っていません");
    const doro = await platform.signInStaff("doro@tenohira.localhost");
    expect((await post("/staff/queue/shimin-ka/counters/2/call-next", doro)).status).toBe(403);
    const viewer = await platform.signInStaff("viewer@tenohira.localhost");
    expect(
      (
        await platform.request("http://localhost/staff/queue/shimin-ka", {
          headers: { cookie: viewer["cookie"]! },
        })
      ).status,
    ).toBe(200);
    expect((await post("/staff/queue/shimin-ka/counters/2/call-next", viewer)).status).toBe(403);
    // The other city's administrator: their session is not valid here, and their city has no such office.
    const otherAdmin = await platform.signInStaff("admin@other.localhost", { host: "other.localhost" });
    expect((await post("/staff/queue/shimin-ka/counters/2/call-next", otherAdmin)).status).toBe(401);
    expect(
      (await post("/staff/queue/shimin-ka/counters/2/call-next", otherAdmin, {}, "other.localhost")).status,
    ).toBe(404);
    expect((await db().select().from(queueTickets).where(eq(queueTickets.id, b.id)))[0]!.status).toBe(
      "waiting",
    );
    // This city's staff call it at 窓口2.
    const called = await post("/staff/queue/shimin-ka/counters/2/call-next", staffHeaders);
    expect(called.status).toBe(303);
    // The token page belongs to this city only.
    const calledTicket = (
      await db()
        .select()
        .from(queueTickets)
        .where(and(eq(queueTickets.officeId, setup.office.id), eq(queueTickets.status, "called")))
    )[0]!;
    expect((await platform.request(`http://other.localhost/queue/t/${calledTicket.token}`)).status).toBe(404);
    const status = await platform.request(`http://localhost/queue/t/${calledTicket.token}`);
    expect(await status.text()).toContain("窓口2へお越しください");
    const board = await platform.request("http://localhost/queue/shimin-ka/board");
    expect(await board.text()).toContain(calledTicket.displayNumber);
  });

  it("lists a resident's own tickets only", async () => {
    const mine = await queueTicketRecords({ db: db(), tenantId: tenant.id, residentId: taro.residentId });
    const hers = await queueTicketRecords({ db: db(), tenantId: tenant.id, residentId: hanako.residentId });
    const taroTickets = await db()
      .select()
      .from(queueTickets)
      .where(eq(queueTickets.residentId, taro.residentId));
    expect(mine.map((r) => r.id).sort()).toEqual(taroTickets.map((t) => t.id).sort());
    expect(hers.some((r) => taroTickets.some((t) => t.id === r.id))).toBe(false);
    expect(
      await queueTicketRecords({ db: db(), tenantId: otherTenant.id, residentId: taro.residentId }),
    ).toEqual([]);
  });
});

describe("abuse, stale screens and old tickets", () => {
  const takeOnline = (fields: Record<string, string>, ip: string, slug = "shimin-ka", lang = "") =>
    platform.request(
      `http://localhost/queue/${slug}/tickets${lang}`,
      form(null, fields, { "x-forwarded-for": ip }),
    );

  it("issues one live guest ticket per address, office and day, whatever its case, with a reason in both languages", async () => {
    const first = await takeOnline({ category: "A", email: "victim@example.jp" }, "192.0.2.10");
    expect(first.status).toBe(303);
    const again = await takeOnline({ category: "B", email: "Victim@Example.jp" }, "192.0.2.11");
    expect(again.status).toBe(409);
    expect(await again.text()).toContain(
      "このメールアドレスには、この窓口の本日の整理券がすでに発行されています",
    );
    const en = await takeOnline(
      { category: "A", email: "VICTIM@example.jp" },
      "192.0.2.12",
      "shimin-ka",
      "?lang=en",
    );
    expect(en.status).toBe(409);
    expect(await en.text()).toContain(
      "A ticket for this office today has already been issued to this email address",
    );
    // Once that ticket is cancelled, the address may take a new one.
    await platform.request(`http://localhost${first.headers.get("location")}/cancel`, form(null, {}));
    expect((await takeOnline({ category: "A", email: "victim@example.jp" }, "192.0.2.13")).status).toBe(303);
  });

  it("limits the tickets one address takes online, but not the kiosk's", async () => {
    const ip = "198.51.100.7";
    for (let i = 0; i < ONLINE_TICKETS_PER_IP; i++) {
      expect((await takeOnline({ category: "A", email: `flood-${i}@example.jp` }, ip)).status).toBe(303);
    }
    const refused = await takeOnline({ category: "A", email: "flood-last@example.jp" }, ip);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).not.toBeNull();
    expect(await refused.text()).toContain("短い時間に多くの整理券が発行されたため");
    // Another visitor is not affected.
    expect((await takeOnline({ category: "A", email: "someone@example.jp" }, "198.51.100.8")).status).toBe(
      303,
    );
    // The kiosk is one device with one address; it stays CSRF-protected and idempotent.
    const kiosk = await platform.request("http://localhost/queue/shimin-ka/kiosk", {
      headers: { "x-forwarded-for": ip },
    });
    expect(kiosk.headers.get("cache-control")).toBe("no-store");
    for (let i = 0; i < ONLINE_TICKETS_PER_IP + 2; i++) {
      const printed = await platform.request(
        "http://localhost/queue/shimin-ka/kiosk",
        form(null, { category: "A", _idempotency: `kiosk-flood-${i}` }, { "x-forwarded-for": ip }),
      );
      expect(printed.status).toBe(303);
    }
    // With a session, a post without the session's CSRF token is refused like anywhere on the site.
    const crossSite = await platform.request("http://localhost/queue/shimin-ka/kiosk", {
      method: "POST",
      headers: { cookie: taro.cookie, "x-forwarded-for": ip },
      body: new URLSearchParams({ category: "A", _idempotency: "kiosk-forged" }),
    });
    expect(crossSite.status).toBe(403);
  });

  it("keeps a guest's idempotency key to its office and day, and sends no-store on ticket pages", async () => {
    const other = await makeOffice("idem-other", [["A"]]);
    const here = await platform.request(
      "http://localhost/queue/shimin-ka/kiosk",
      form(null, { category: "A", _idempotency: "shared-key" }),
    );
    const there = await platform.request(
      `http://localhost/queue/${other.office.slug}/kiosk`,
      form(null, { category: "A", _idempotency: "shared-key" }),
    );
    expect(there.status).toBe(303);
    expect(there.headers.get("location")).not.toBe(here.headers.get("location"));
    expect(there.headers.get("location")).toMatch(`/queue/${other.office.slug}/kiosk/tickets/`);
    const repeat = await platform.request(
      `http://localhost/queue/${other.office.slug}/kiosk`,
      form(null, { category: "A", _idempotency: "shared-key" }),
    );
    expect(repeat.headers.get("location")).toBe(there.headers.get("location"));
    const printed = await platform.request(`http://localhost${there.headers.get("location")}`);
    expect(printed.headers.get("cache-control")).toBe("no-store");
    const token = there.headers.get("location")!.split("/").pop();
    expect((await platform.request(`http://localhost/queue/t/${token}`)).headers.get("cache-control")).toBe(
      "no-store",
    );
  });

  it("refuses a counter press made on an outdated screen, so a double click finishes nobody unserved", async () => {
    const setup = await makeOffice("stale", [["A"]]);
    // Counter staff of 市民課 work this office.
    const [seeded] = await db().select().from(queueOffices).where(eq(queueOffices.slug, "shimin-ka"));
    await db()
      .update(queueOffices)
      .set({ departmentId: seeded!.departmentId })
      .where(eq(queueOffices.id, setup.office.id));
    const [first, second] = [await take(setup, "A"), await take(setup, "A")];
    const page = await (
      await platform.request(`http://localhost/staff/queue/${setup.office.slug}`, {
        headers: { cookie: staffHeaders["cookie"]! },
      })
    ).text();
    const shown = /\/counters\/1\/call-next">[\s\S]*?name="serving" value="([^"]+)"/.exec(page)?.[1];
    expect(shown).toBe("none");
    const press = (path: string, lang = "") =>
      platform.request(`http://localhost/staff/queue/${setup.office.slug}${path}${lang}`, {
        method: "POST",
        headers: { cookie: staffHeaders["cookie"]! },
        body: new URLSearchParams({ _csrf: staffHeaders["x-csrf-token"]!, serving: shown! }),
      });
    expect((await press("/counters/1/call-next")).status).toBe(303);
    // The second click of a double click still says "nobody was being served".
    const double = await press("/counters/1/call-next");
    expect(double.status).toBe(409);
    expect(await double.text()).toContain("画面が古くなっています");
    const en = await press("/counters/1/complete", "?lang=en");
    expect(en.status).toBe(409);
    expect(await en.text()).toContain("The page is out of date");
    const tickets = await db().select().from(queueTickets).where(eq(queueTickets.officeId, setup.office.id));
    expect(tickets.find((t) => t.id === first.id)!.status).toBe("called");
    expect(tickets.find((t) => t.id === second.id)!.status).toBe("waiting");
    // The operations hold to the same guard: complete, skip and recall of a ticket the screen did not show.
    const counter = { db: db(), tenantId: tenant.id, setup, counterNumber: 1, actor: staffActor };
    for (const run of [completeTicket, skipTicket, recallTicket]) {
      await expect(run({ ...counter, expectedServingId: second.id })).rejects.toMatchObject({ status: 409 });
    }
    await expect(callNextTicket({ ...counter, expectedServingId: null })).rejects.toMatchObject({
      status: 409,
      slug: "queue-stale-screen",
    });
    expect((await completeTicket({ ...counter, expectedServingId: first.id })).id).toBe(first.id);
    // A form without the field is treated as outdated too.
    const bare = await platform.request(
      `http://localhost/staff/queue/${setup.office.slug}/counters/1/call-next`,
      {
        method: "POST",
        headers: { cookie: staffHeaders["cookie"]! },
        body: new URLSearchParams({ _csrf: staffHeaders["x-csrf-token"]! }),
      },
    );
    expect(bare.status).toBe(409);
  });

  it("calls by id and puts back only today's tickets", async () => {
    const setup = await makeOffice("yesterday", [["A"]]);
    const stale = await take(setup, "A");
    const skipped = await take(setup, "A");
    await db().update(queueTickets).set({ status: "skipped" }).where(eq(queueTickets.id, skipped.id));
    await db()
      .update(queueTickets)
      .set({ serviceDate: "2020-01-06" })
      .where(inArray(queueTickets.id, [stale.id, skipped.id]));
    await expect(call(setup, 1, stale.id)).rejects.toMatchObject({ status: 409 });
    await expect(
      requeueTicket({ db: db(), tenantId: tenant.id, setup, ticketId: skipped.id, actor: staffActor }),
    ).rejects.toMatchObject({ status: 409 });
    const after = await db()
      .select()
      .from(queueTickets)
      .where(inArray(queueTickets.id, [stale.id, skipped.id]));
    expect(after.map((t) => t.status).sort()).toEqual(["skipped", "waiting"]);
  });

  it("serves its style and live-update script as files the CSP allows, with no inline ones", async () => {
    const css = await platform.request("http://localhost/assets/queue.css");
    expect(css.headers.get("content-type")).toContain("text/css");
    const js = await platform.request("http://localhost/assets/queue-live.js");
    expect(js.headers.get("content-type")).toContain("text/javascript");
    const board = await (await platform.request("http://localhost/queue/shimin-ka/board")).text();
    expect(board).toContain('<script src="/assets/queue-live.js" defer></script>');
    expect(board).not.toMatch(/<script>|<style>/);
  });
});
