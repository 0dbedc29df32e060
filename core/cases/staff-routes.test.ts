import { and, eq } from "drizzle-orm";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../app/seed-demo.ts";
import { auditLog } from "../audit/schema.ts";
import type { Db } from "../db/database.ts";
import { hashPassword } from "../identity/passwords.ts";
import { staffAccounts } from "../identity/schema.ts";
import { createTestPlatform, type TestPlatform } from "../testing/test-platform.ts";
import type { Case } from "./schema.ts";
import { type CasesFixture, casesFixture, createResident, openTestCase } from "./testing.ts";

type ListItem = {
  id: string;
  reference: string;
  status: string;
  statusLabel: { ja: string; en: string };
  assignee: { id: string; displayName: string } | null;
  team: { id: string; name: string } | null;
  sla: string;
  dueAt: string | null;
};
type Detail = ListItem & { allowedTransitions: string[]; statusReason: string | null; rating: unknown };
type Entry = { id: string; kind: string; staff: { displayName: string } | null; visibleToResident: boolean };
type Problem = { status: number; title: string; title_ja: string; errors?: { pointer: string }[] };

let platform: TestPlatform;
let fixture: CasesFixture;
let manager: Record<string, string>;
let staff: Record<string, string>;
let doro: Record<string, string>;
let viewer: Record<string, string>;
let shiminCase: Case;
let doroCase: Case;
let paperCase: Case;
const db = (): Db => platform.services.database.db;

beforeAll(async () => {
  platform = await createTestPlatform();
  fixture = await casesFixture(db());
  await db()
    .update(staffAccounts)
    .set({ role: "system_admin", passwordHash: await hashPassword(DEMO_PASSWORD) })
    .where(eq(staffAccounts.id, fixture.other.staffId));
  const residentId = await createResident(db(), fixture.tenantId, "hanako@example.jp");
  // 窓口係, below 市民課: the staff member's own section, within the manager's reach too.
  const counter = fixture.department("madoguchi-kakari");
  shiminCase = await openTestCase(db(), fixture, {
    departmentId: counter,
    residentId,
    searchText: "手乃 花子 テノ ハナコ",
    serviceTitle: { ja: "印鑑登録証明書", en: "Certificate of seal registration" },
  });
  doroCase = await openTestCase(db(), fixture, {
    serviceKey: "doro",
    title: { ja: "道路損傷の通報", en: "Road damage" },
    departmentId: fixture.department("doro-ka"),
  });
  paperCase = await openTestCase(db(), fixture, {
    departmentId: counter,
    channel: "paper",
    searchText: "紙の申請",
  });
  manager = await platform.signInStaff("manager@tenohira.localhost");
  staff = await platform.signInStaff("staff@tenohira.localhost");
  doro = await platform.signInStaff("doro@tenohira.localhost");
  viewer = await platform.signInStaff("viewer@tenohira.localhost");
});
afterAll(() => platform.close());

const api = (path: string) => `/staff/api/cases${path}`;
const get = (path: string, headers: Record<string, string>) => platform.request(api(path), { headers });
const send = (method: string, path: string, headers: Record<string, string>, body: unknown) =>
  platform.request(api(path), {
    method,
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
async function ok<T>(response: Response | Promise<Response>, status = 200): Promise<T> {
  const answered = await response;
  const text = await answered.text();
  expect(answered.status, text).toBe(status);
  return JSON.parse(text) as T;
}

describe("GET /staff/api/cases", () => {
  it("lists the cases of the member's departments, with the services for the filter", async () => {
    const list = await ok<{ cases: ListItem[]; total: number; services: { key: string }[] }>(
      get("", manager),
    );
    expect(list.cases.map((c) => c.id).sort()).toEqual([shiminCase.id, paperCase.id].sort());
    expect(list.total).toBe(2);
    // The demo city's own services (seeded with their SLAs) and those that got a case.
    expect(list.services.map((s) => s.key)).toEqual(expect.arrayContaining(["doro", "inkan", "juminhyo"]));
    expect(list.cases[0]).toMatchObject({
      status: "received",
      statusLabel: { ja: "受付", en: "Received" },
      sla: "none",
    });
    const roads = await ok<{ cases: ListItem[] }>(get("", doro));
    expect(roads.cases.map((c) => c.id)).toEqual([doroCase.id]);
    const searched = await ok<{ cases: ListItem[] }>(get(`?q=${encodeURIComponent("はなこ")}`, viewer));
    expect(searched.cases.map((c) => c.id)).toEqual([shiminCase.id]);
    const audits = await db().select().from(auditLog).where(eq(auditLog.action, "cases.case.list"));
    expect(audits.length).toBeGreaterThanOrEqual(3);
  });

  it("refuses bad filters with a 400 naming each field", async () => {
    const problem = await ok<Problem>(get("?status=received,bogus&limit=500&assignee=someone", manager), 400);
    expect(problem.errors?.map((e) => e.pointer).sort()).toEqual(["/assignee", "/limit", "/status"]);
  });
});

describe("one case", () => {
  it("shows the case and its history, audited; other departments get 403, other cities 404", async () => {
    const body = await ok<{ case: Detail; entries: Entry[] }>(get(`/${shiminCase.id}`, staff));
    expect(body.case).toMatchObject({
      id: shiminCase.id,
      allowedTransitions: ["in_progress", "returned", "completed", "rejected"],
      statusReason: null,
      rating: null,
    });
    expect(body.entries.map((e) => e.kind)).toEqual(["opened"]);
    expect((await get(`/${shiminCase.id}`, doro)).status).toBe(403);
    const denied = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "access.denied"), eq(auditLog.resourceId, shiminCase.id)));
    expect(denied).toHaveLength(1);
    const otherSession = await platform.request("http://other.localhost/staff/api/session", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "staff@other.localhost", password: DEMO_PASSWORD }),
    });
    const { csrfToken } = (await otherSession.json()) as { csrfToken: string };
    const otherAdmin = {
      cookie: (otherSession.headers.get("set-cookie") ?? "").split(";")[0]!,
      "x-csrf-token": csrfToken,
    };
    const elsewhere = await platform.request(`http://other.localhost${api(`/${shiminCase.id}`)}`, {
      headers: otherAdmin,
    });
    expect(elsewhere.status).toBe(404);
    const otherList = await ok<{ cases: unknown[] }>(
      platform.request(`http://other.localhost${api("")}`, { headers: otherAdmin }),
    );
    expect(otherList.cases).toEqual([]);
  });

  it("changes the status, refusing invalid transitions with a 409 in both languages", async () => {
    const changed = await ok<{ case: Detail }>(
      send("POST", `/${shiminCase.id}/status`, staff, { to: "in_progress", expectedStatus: "received" }),
    );
    expect(changed.case).toMatchObject({ status: "in_progress", statusLabel: { ja: "処理中" } });
    const refused = await ok<Problem>(
      send("POST", `/${shiminCase.id}/status`, staff, { to: "withdrawn" }),
      409,
    );
    expect(refused).toMatchObject({
      title: "Only the resident can withdraw an application",
      title_ja: "取下げは申請者本人だけが行えます",
    });
    const noReason = await ok<Problem>(
      send("POST", `/${shiminCase.id}/status`, staff, { to: "returned" }),
      409,
    );
    expect(noReason.title_ja).toBe("差し戻しには理由が必要です");
    const stale = await ok<Problem>(
      send("POST", `/${shiminCase.id}/status`, staff, { to: "completed", expectedStatus: "received" }),
      409,
    );
    expect(stale.title).toMatch(/changed to in progress meanwhile/);
    expect((await send("POST", `/${shiminCase.id}/status`, staff, { to: "done" })).status).toBe(400);
    expect((await send("POST", `/${shiminCase.id}/status`, viewer, { to: "completed" })).status).toBe(403);
  });

  it("assigns, writes memos and messages the resident", async () => {
    const staffId = fixture.staff("staff@tenohira.localhost");
    const teamId = fixture.department("madoguchi-kakari");
    const assigned = await ok<{ case: Detail }>(
      send("POST", `/${shiminCase.id}/assignment`, manager, { staffId, teamId }),
    );
    expect(assigned.case.assignee).toEqual({ id: staffId, displayName: "窓口 一郎" });
    expect(assigned.case.team).toEqual({ id: teamId, name: "窓口係" });
    const unknown = await ok<Problem>(
      send("POST", `/${shiminCase.id}/assignment`, manager, { staffId: fixture.other.staffId, teamId: null }),
      422,
    );
    expect(unknown.title_ja).toBe("担当者に指定した職員が見つかりません");
    const memo = await ok<{ entry: Entry }>(
      send("POST", `/${shiminCase.id}/memos`, staff, { body: "確認中" }),
      201,
    );
    expect(memo.entry).toMatchObject({
      kind: "memo",
      visibleToResident: false,
      staff: { displayName: "窓口 一郎" },
    });
    expect((await send("POST", `/${shiminCase.id}/memos`, staff, { body: "   " })).status).toBe(400);
    const message = await ok<{ entry: Entry }>(
      send("POST", `/${shiminCase.id}/messages`, staff, { body: "書類を確認しました。" }),
      201,
    );
    expect(message.entry).toMatchObject({ kind: "message_to_resident", visibleToResident: true });
    const unreachable = await ok<Problem>(
      send("POST", `/${paperCase.id}/messages`, staff, { body: "x" }),
      409,
    );
    expect(unreachable.title_ja).toMatch(/連絡先がない/);
    const detail = await ok<{ entries: Entry[] }>(get(`/${shiminCase.id}`, staff));
    expect(detail.entries.map((e) => e.kind)).toEqual([
      "opened",
      "status_changed",
      "assigned",
      "memo",
      "message_to_resident",
    ]);
  });

  it("updates in bulk, one result per case", async () => {
    const extra = await openTestCase(db(), fixture, { departmentId: fixture.department("madoguchi-kakari") });
    const body = await ok<{ results: { id: string; ok: boolean; detail?: string }[] }>(
      send("POST", "/bulk", staff, {
        ids: [extra.id, doroCase.id],
        action: "assign",
        staffId: fixture.staff("staff@tenohira.localhost"),
      }),
    );
    expect(body.results).toEqual([
      { id: extra.id, ok: true },
      {
        id: doroCase.id,
        ok: false,
        detail: "案件が見つかりません",
        reason: { ja: "案件が見つかりません", en: "No such case" },
      },
    ]);
    const problem = await ok<Problem>(
      send("POST", "/bulk", staff, { ids: [extra.id], action: "status" }),
      400,
    );
    expect(problem.errors?.map((e) => e.pointer)).toEqual(["/to"]);
    expect(
      (await send("POST", "/bulk", viewer, { ids: [extra.id], action: "status", to: "completed" })).status,
    ).toBe(403);
  });
});

describe("export, metrics, settings and assignees", () => {
  it("exports CSV in UTF-8 with BOM and in CP932, and XLSX; managers only", async () => {
    const utf8 = await get("/export?format=csv&encoding=utf-8", manager);
    expect(utf8.status).toBe(200);
    expect(utf8.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(utf8.headers.get("content-disposition")).toMatch(/attachment; filename="cases-\d{8}\.csv"/);
    const bytes = new Uint8Array(await utf8.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const sjis = await get("/export?encoding=cp932", manager);
    const text = iconv.decode(Buffer.from(await sjis.arrayBuffer()), "cp932");
    expect(text).toContain(shiminCase.reference);
    expect(text.split("\r\n")[0]).toMatch(/^受付番号,手続き,件名,状態/);
    await openTestCase(db(), fixture, { title: { ja: "髙橋𠮷男の申請", en: "x" } });
    const refused = await ok<Problem>(get("/export?encoding=cp932", manager), 422);
    expect(refused.errors?.[0]?.pointer).toMatch(/^\/rows\/\d+\/件名$/);
    expect((await get("/export?encoding=cp932&onUnrepresentable=replace", manager)).status).toBe(200);
    const xlsx = await get("/export?format=xlsx", manager);
    expect(xlsx.headers.get("content-type")).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    expect((await get("/export", staff)).status).toBe(403);
  });

  it("reports metrics and manages SLAs", async () => {
    const metrics = await ok<{ services: { serviceKey: string; total: number; onlineShare: number }[] }>(
      get("/metrics?from=2020-01-01", manager),
    );
    expect(metrics.services.find((s) => s.serviceKey === "inkan")).toMatchObject({ total: 4 });
    const settings = await ok<{
      services: { serviceKey: string; title: { ja: string }; slaBusinessDays: number | null }[];
    }>(get("/settings", viewer));
    expect(settings.services.find((s) => s.serviceKey === "inkan")).toEqual({
      serviceKey: "inkan",
      title: { ja: "印鑑登録証明書", en: "Certificate of seal registration" },
      slaBusinessDays: null,
    });
    expect(settings.services.find((s) => s.serviceKey === "juminhyo")?.slaBusinessDays).toBe(3);
    expect(await ok(send("PUT", "/settings/inkan", manager, { slaBusinessDays: 3 }))).toMatchObject({
      slaBusinessDays: 3,
    });
    expect((await send("PUT", "/settings/inkan", staff, { slaBusinessDays: 3 })).status).toBe(403);
    expect((await send("PUT", "/settings/inkan", manager, { slaBusinessDays: 0 })).status).toBe(400);
    expect((await send("PUT", "/settings/nothing", manager, { slaBusinessDays: 2 })).status).toBe(404);
    const fresh = await openTestCase(db(), fixture);
    const listed = await ok<{ cases: ListItem[] }>(get(`?q=${fresh.reference}`, manager));
    expect(listed.cases[0]!.dueAt).not.toBeNull();
  });

  it("lists who a case can be assigned to, within the member's departments", async () => {
    const assignees = await ok<{ staff: { displayName: string }[]; teams: { name: string }[] }>(
      get("/assignees", manager),
    );
    expect(assignees.staff.map((s) => s.displayName).sort()).toEqual(["市民 課長", "窓口 一郎"].sort());
    expect(assignees.teams.map((t) => t.name).sort()).toEqual(["市民課", "窓口係"].sort());
    const english = await ok<{ teams: { name: string }[] }>(get("/assignees?lang=en", manager));
    expect(english.teams.map((t) => t.name)).toContain("Counter Section");
  });

  it("is described in the OpenAPI document", async () => {
    const doc = await ok<{ paths: Record<string, unknown> }>(platform.request("/api/openapi.json"));
    expect(Object.keys(doc.paths)).toContain("/staff/api/cases/{id}/status");
  });
});
