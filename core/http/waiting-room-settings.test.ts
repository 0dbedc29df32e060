import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../audit/schema.ts";
import { tenants } from "../tenancy/schema.ts";
import { createTestPlatform, type TestPlatform } from "../testing/test-platform.ts";
import { parseWaitingRoomForm } from "./waiting-room-settings-pages.ts";

let platform: TestPlatform;
let admin: Record<string, string>;
const db = () => platform.services.database.db;
const storedRoom = async () => (await db().select().from(tenants))[0]!.settings.waitingRoom;

beforeAll(async () => {
  // The core alone: the settings page is core and must not need a module.
  platform = await createTestPlatform({ modules: [] });
  admin = await platform.signInStaff("admin@tenohira.localhost");
});
afterAll(() => platform.close());

const post = (path: string, fields: Record<string, string>, headers = admin) =>
  platform.request(path, {
    method: "POST",
    headers: { cookie: headers["cookie"]!, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: headers["x-csrf-token"]!, ...fields }),
  });

const rush = {
  paths: "/sign-in\r\n/api/openapi.json",
  admitPerSecond: "1",
  burst: "1",
  passMinutes: "10",
  from: "2020-01-01T09:00",
  until: "2099-12-31T18:00",
};

describe("parseWaitingRoomForm", () => {
  it("turns Tokyo local times into ISO instants and names each wrong field", () => {
    expect(parseWaitingRoomForm({ ...rush, burst: "" })).toEqual({
      settings: {
        paths: ["/sign-in", "/api/openapi.json"],
        admitPerSecond: 1,
        passMinutes: 10,
        from: "2020-01-01T09:00:00+09:00",
        until: "2099-12-31T18:00:00+09:00",
      },
    });
    expect(
      parseWaitingRoomForm({
        paths: "facilities\n/",
        admitPerSecond: "0",
        burst: "1.5",
        passMinutes: "-1",
        from: "2026-12-01T10:00",
        until: "2026-12-01T09:00",
      }),
    ).toEqual({
      errors: {
        paths: "pathInvalid",
        admitPerSecond: "positive",
        burst: "wholeNumber",
        passMinutes: "positive",
        until: "untilAfterFrom",
      },
    });
    expect(parseWaitingRoomForm({ ...rush, paths: " \n", from: "tomorrow" })).toEqual({
      errors: { paths: "pathsRequired", from: "dateTime" },
    });
  });
});

describe("the waiting room settings page", () => {
  it("is for system administrators only, and listed in the console menu only for them", async () => {
    const manager = await platform.signInStaff("manager@tenohira.localhost");
    expect((await platform.request("/staff/waiting-room", { headers: manager })).status).toBe(403);
    expect((await post("/staff/waiting-room", rush, manager)).status).toBe(403);
    expect((await platform.request("/staff/waiting-room")).status).toBe(401);
    const pagesOf = async (headers: Record<string, string>) =>
      (
        (await (await platform.request("/staff/api/me", { headers })).json()) as { pages: { href: string }[] }
      ).pages.map((p) => p.href);
    expect(await pagesOf(admin)).toContain("/staff/waiting-room");
    expect(await pagesOf(manager)).not.toContain("/staff/waiting-room");
    const page = await platform.request("/staff/waiting-room", { headers: admin });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("現在は無効です");
  });

  it("re-renders wrong input with bilingual per-field errors and saves nothing", async () => {
    const bad = { ...rush, paths: "sign-in", admitPerSecond: "0" };
    const ja = await post("/staff/waiting-room", bad);
    expect(ja.status).toBe(422);
    const jaBody = await ja.text();
    expect(jaBody).toContain("パスは「/」で始め");
    expect(jaBody).toContain("0より大きい数を入力してください");
    expect(jaBody).toContain('value="0"');
    const en = await post("/staff/waiting-room?lang=en", bad);
    expect(await en.text()).toContain("Enter a number greater than 0");
    expect(await storedRoom()).toBeUndefined();
  });

  it("turns the room on for the very next request, audited with before and after, and off again", async () => {
    const visit = () => platform.request("/sign-in", { headers: { accept: "text/html" } });
    // The tenant list is cached now, before the change.
    expect((await visit()).headers.has("retry-after")).toBe(false);

    const saved = await post("/staff/waiting-room", rush);
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe("/staff/waiting-room?saved=1");
    expect(await storedRoom()).toEqual({
      paths: ["/sign-in", "/api/openapi.json"],
      admitPerSecond: 1,
      burst: 1,
      passMinutes: 10,
      from: "2020-01-01T09:00:00+09:00",
      until: "2099-12-31T18:00:00+09:00",
    });
    // Burst 1: the first visitor goes in, the one right after is queued, without any restart.
    expect((await visit()).headers.has("retry-after")).toBe(false);
    const queued = await visit();
    expect(queued.headers.get("retry-after")).not.toBeNull();
    expect(await queued.text()).toContain("混み合っています");

    const form = await platform.request("/staff/waiting-room", { headers: admin });
    const html = await form.text();
    expect(html).toContain('value="2099-12-31T18:00"');
    expect(html).toContain("現在、入場制限を行っています");

    expect((await post("/staff/waiting-room/off", {})).status).toBe(303);
    expect(await storedRoom()).toBeUndefined();
    expect((await visit()).headers.has("retry-after")).toBe(false);

    const audits = await db()
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "core.waiting_room.update"))
      .orderBy(auditLog.occurredAt);
    expect(audits.map((a) => [a.before, (a.after as { waitingRoom: unknown }).waitingRoom !== null])).toEqual(
      [
        [{ waitingRoom: null }, true],
        [{ waitingRoom: (audits[0]!.after as { waitingRoom: unknown }).waitingRoom }, false],
      ],
    );
  });
});
