import { and, asc, eq, sql } from "drizzle-orm";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../audit/schema.ts";
import type { Db } from "../../db/database.ts";
import { domainEvents } from "../../events/schema.ts";
import type { StaffScope } from "../../identity/policy.ts";
import { notifications } from "../../notifications/schema.ts";
import { createTestPlatform, type TestPlatform } from "../../testing/test-platform.ts";
import { type Case, caseEntries, cases } from "../schema.ts";
import { type CasesFixture, casesFixture, createResident, openTestCase } from "../testing.ts";
import { addCaseMemo } from "./add-case-memo.ts";
import { appendCaseEntry } from "./append-case-entry.ts";
import { assignCase } from "./assign-case.ts";
import { bulkUpdateCases } from "./bulk-update-cases.ts";
import { changeCaseStatus } from "./change-case-status.ts";
import { exportCases } from "./export-cases.ts";
import { findCaseBySubject } from "./find-case-by-subject.ts";
import { type FindCasesOptions, findCases } from "./find-cases.ts";
import { getCase } from "./get-case.ts";
import { getCaseMetrics } from "./get-case-metrics.ts";
import { postResidentMessage } from "./post-resident-message.ts";
import { rateCase } from "./rate-case.ts";
import { sendCaseMessage } from "./send-case-message.ts";
import { setCaseNextAction } from "./set-case-next-action.ts";
import { updateCaseServiceSetting } from "./update-case-service-setting.ts";

let platform: TestPlatform;
let fixture: CasesFixture;
let residentId: string;
const db = (): Db => platform.services.database.db;
const staffActor = () => ({ type: "staff" as const, id: fixture.staff("staff@tenohira.localhost") });
const all: StaffScope = { all: true };

beforeAll(async () => {
  platform = await createTestPlatform();
  fixture = await casesFixture(db());
  residentId = await createResident(db(), fixture.tenantId, "taro@example.jp");
});
afterAll(() => platform.close());

const change = (found: Case, options: Partial<Parameters<typeof changeCaseStatus>[0]>) =>
  db().transaction((tx) =>
    changeCaseStatus({
      tx,
      tenantId: fixture.tenantId,
      actor: staffActor(),
      caseId: found.id,
      to: "in_progress",
      by: "staff",
      ...options,
    }),
  );
const entriesOf = (caseId: string) =>
  db().select().from(caseEntries).where(eq(caseEntries.caseId, caseId)).orderBy(asc(caseEntries.id));
const find = (options: Partial<FindCasesOptions> & { filters?: FindCasesOptions["filters"] }) =>
  db().transaction((tx) =>
    findCases({
      tx,
      tenantId: fixture.tenantId,
      actor: staffActor(),
      scope: all,
      staffId: fixture.staff("staff@tenohira.localhost"),
      page: 1,
      limit: 50,
      filters: {},
      ...options,
    }),
  );

describe("openCase", () => {
  it("opens a case with its history, audit record and event, once per subject", async () => {
    const opened = await openTestCase(db(), fixture, {
      subjectId: "app-open-1",
      residentId,
      searchText: "山田 太郎 ヤマダ タロウ",
    });
    expect(opened).toMatchObject({ status: "received", channel: "web", dueAt: null, completedAt: null });
    expect(opened.searchBigrams).toContain("やま");
    const again = await openTestCase(db(), fixture, { subjectId: "app-open-1", reference: "OTHER" });
    expect(again.id).toBe(opened.id);
    expect((await entriesOf(opened.id)).map((e) => e.kind)).toEqual(["opened"]);
    const [event] = await db()
      .select()
      .from(domainEvents)
      .where(
        and(
          eq(domainEvents.name, "cases.case_opened"),
          sql`${domainEvents.payload}->>'caseId' = ${opened.id}`,
        ),
      );
    expect(event!.payload).toMatchObject({
      module: "forms",
      subjectId: "app-open-1",
      serviceKey: "inkan",
    });
    const found = await findCaseBySubject({
      db: db(),
      tenantId: fixture.tenantId,
      subjectType: "forms_application",
      subjectId: "app-open-1",
    });
    expect(found?.id).toBe(opened.id);
    expect(
      await findCaseBySubject({
        db: db(),
        tenantId: fixture.other.tenantId,
        subjectType: "forms_application",
        subjectId: "app-open-1",
      }),
    ).toBeNull();
  });

  it("sets the deadline from the service's SLA in business days (Golden Week skipped)", async () => {
    await db().transaction((tx) =>
      updateCaseServiceSetting({
        tx,
        tenantId: fixture.tenantId,
        actor: staffActor(),
        serviceKey: "inkan",
        slaBusinessDays: 3,
      }),
    );
    // Friday 1 May 2026, 10:00 in Tokyo: 7, 8 and 11 May are the three business days.
    const opened = await openTestCase(db(), fixture, { receivedAt: new Date("2026-05-01T01:00:00Z") });
    expect(opened.dueAt?.toISOString()).toBe("2026-05-11T15:00:00.000Z");
  });

  it("refuses a next action that leaves the site", async () => {
    await expect(
      openTestCase(db(), fixture, { nextAction: { kind: "pay", href: "https://evil.example/pay" } }),
    ).rejects.toThrow(/path on this site/);
    await expect(
      openTestCase(db(), fixture, { nextAction: { kind: "pay", href: "//evil.example" } }),
    ).rejects.toThrow();
  });
});

describe("changeCaseStatus", () => {
  it("moves a case, keeps the history, publishes the change and tells the resident", async () => {
    const opened = await openTestCase(db(), fixture, { residentId });
    const result = await change(opened, { to: "in_progress" });
    expect(result.ok).toBe(true);
    const returned = await change(opened, { to: "returned", reason: "本人確認書類が読み取れません" });
    expect(returned).toMatchObject({
      ok: true,
      case: { status: "returned", statusReason: "本人確認書類が読み取れません" },
    });
    const history = await entriesOf(opened.id);
    expect(history.map((e) => [e.kind, e.fromStatus, e.toStatus])).toEqual([
      ["opened", null, null],
      ["status_changed", "received", "in_progress"],
      ["status_changed", "in_progress", "returned"],
    ]);
    const events = await db()
      .select()
      .from(domainEvents)
      .where(
        and(
          eq(domainEvents.name, "cases.case_status_changed"),
          sql`${domainEvents.payload}->>'caseId' = ${opened.id}`,
        ),
      )
      .orderBy(asc(domainEvents.id));
    expect(events.map((e) => e.payload)).toEqual([
      {
        caseId: opened.id,
        module: "forms",
        subjectType: "forms_application",
        subjectId: opened.subjectId,
        from: "received",
        to: "in_progress",
        reason: null,
      },
      expect.objectContaining({
        from: "in_progress",
        to: "returned",
        reason: "本人確認書類が読み取れません",
      }),
    ]);
    const sent = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.residentId, residentId), eq(notifications.reference, opened.reference)));
    expect(sent.map((n) => n.channel).sort()).toEqual(["email", "email", "inbox", "inbox"]);
    const message = sent.find((n) => n.body.includes("修正をお願いしています"))!;
    expect(message.subject).toContain(opened.reference);
    expect(message.body).toContain("理由: 本人確認書類が読み取れません");
    expect(message.body).toContain(`/my/cases/${opened.id}`);
    const audits = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.resourceId, opened.id), eq(auditLog.action, "cases.case.change_status")));
    expect(audits).toHaveLength(2);
  });

  it("refuses what the machine does not allow, with reasons, and writes nothing", async () => {
    const opened = await openTestCase(db(), fixture, { residentId });
    const before = await entriesOf(opened.id);
    expect(await change(opened, { to: "withdrawn" })).toEqual({
      ok: false,
      reason: { ja: "取下げは申請者本人だけが行えます", en: "Only the resident can withdraw an application" },
    });
    expect(await change(opened, { to: "rejected" })).toMatchObject({
      ok: false,
      reason: { en: "A rejection needs a reason" },
    });
    expect(await change(opened, { to: "completed", expectedStatus: "in_progress" })).toMatchObject({
      ok: false,
      reason: { en: "The status was changed to received meanwhile. Reload and try again" },
    });
    expect(await entriesOf(opened.id)).toEqual(before);
    const [row] = await db().select().from(cases).where(eq(cases.id, opened.id));
    expect(row!.status).toBe("received");
  });

  it("closes a case with its time and refuses anything after", async () => {
    const opened = await openTestCase(db(), fixture);
    const done = await change(opened, { to: "completed", expectedStatus: "received" });
    expect(done.ok && done.case.completedAt).toBeInstanceOf(Date);
    expect(await change(opened, { to: "in_progress" })).toMatchObject({
      ok: false,
      reason: { ja: "「完了」の案件は状態を変更できません" },
    });
  });

  it("lets the resident's resubmission take a returned case back, ending the correction", async () => {
    const opened = await openTestCase(db(), fixture, { residentId });
    await change(opened, { to: "returned", reason: "記入漏れがあります" });
    await db().transaction((tx) =>
      setCaseNextAction({
        tx,
        tenantId: fixture.tenantId,
        caseId: opened.id,
        nextAction: { kind: "correct", href: `/forms/juminhyo/a/${opened.subjectId}/correct` },
      }),
    );
    const staffTry = await change(opened, { to: "received" });
    expect(staffTry.ok).toBe(false);
    const resubmitted = await change(opened, {
      to: "received",
      by: "resident",
      actor: { type: "resident", id: residentId },
      notify: false,
    });
    expect(resubmitted).toMatchObject({
      ok: true,
      case: { status: "received", nextAction: null, statusReason: null },
    });
  });

  it("emails a guest in the language they applied in, and changes a paper case without telling anyone", async () => {
    const guest = await openTestCase(db(), fixture, { notifyEmail: "guest@example.jp", locale: "en" });
    await change(guest, { to: "completed" });
    const [mail] = await db()
      .select()
      .from(notifications)
      .where(eq(notifications.reference, guest.reference));
    expect(mail).toMatchObject({ channel: "email", recipient: "guest@example.jp", residentId: null });
    expect(mail!.subject).toBe(`[Tenohira City] Update on your application (reference ${guest.reference})`);
    expect(mail!.body).toContain("is now: Completed");
    expect(mail!.body).not.toContain("/my/cases/");
    const paper = await openTestCase(db(), fixture, { channel: "paper" });
    expect((await change(paper, { to: "completed" })).ok).toBe(true);
    expect(
      await db().select().from(notifications).where(eq(notifications.reference, paper.reference)),
    ).toEqual([]);
  });
});

describe("history, assignment and messages", () => {
  it("keeps case entries append-only", async () => {
    const opened = await openTestCase(db(), fixture);
    await expect(
      db().execute(sql`UPDATE case_entries SET body = 'x' WHERE case_id = ${opened.id}`),
    ).rejects.toThrow();
    await expect(db().execute(sql`DELETE FROM case_entries WHERE case_id = ${opened.id}`)).rejects.toThrow();
  });

  it("assigns to members and teams of this city only", async () => {
    const opened = await openTestCase(db(), fixture);
    const assign = (staffId: string | null | undefined, teamId: string | null | undefined) =>
      db().transaction((tx) =>
        assignCase({
          tx,
          tenantId: fixture.tenantId,
          actor: staffActor(),
          caseId: opened.id,
          staffId,
          teamId,
        }),
      );
    expect(await assign(fixture.other.staffId, null)).toMatchObject({
      ok: false,
      reason: { en: "No such staff member to assign" },
    });
    expect(await assign(null, fixture.other.departmentId)).toMatchObject({
      ok: false,
      reason: { en: "No such team to assign" },
    });
    const staffId = fixture.staff("staff@tenohira.localhost");
    const teamId = fixture.department("madoguchi-kakari");
    expect(await assign(staffId, teamId)).toMatchObject({
      ok: true,
      case: { assigneeStaffId: staffId, assigneeTeamId: teamId },
    });
    // Omitted keeps, null clears.
    expect(await assign(undefined, null)).toMatchObject({
      ok: true,
      case: { assigneeStaffId: staffId, assigneeTeamId: null },
    });
    const history = await entriesOf(opened.id);
    expect(history.filter((e) => e.kind === "assigned").map((e) => e.visibleToResident)).toEqual([
      false,
      false,
    ]);
  });

  it("keeps memos for staff, sends messages to the resident, and takes messages only from the case's own resident", async () => {
    const opened = await openTestCase(db(), fixture, { residentId });
    const memo = await db().transaction((tx) =>
      addCaseMemo({
        tx,
        tenantId: fixture.tenantId,
        actor: staffActor(),
        caseId: opened.id,
        body: "電話で確認済み",
      }),
    );
    expect(memo.visibleToResident).toBe(false);
    const sent = await db().transaction((tx) =>
      sendCaseMessage({
        tx,
        tenantId: fixture.tenantId,
        actor: staffActor(),
        caseId: opened.id,
        body: "本人確認書類の裏面もお送りください。",
        origin: "https://tenohira.example",
      }),
    );
    expect(sent.ok).toBe(true);
    const [inbox] = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.reference, opened.reference), eq(notifications.channel, "inbox")));
    expect(inbox!.body).toContain("本人確認書類の裏面もお送りください。");
    expect(inbox!.body).toContain(`https://tenohira.example/my/cases/${opened.id}`);
    const reply = await db().transaction((tx) =>
      postResidentMessage({
        tx,
        tenantId: fixture.tenantId,
        residentId,
        caseId: opened.id,
        body: "送りました",
      }),
    );
    expect(reply).toMatchObject({
      kind: "message_from_resident",
      actorType: "resident",
      visibleToResident: true,
    });
    const stranger = await createResident(db(), fixture.tenantId, "stranger@example.jp");
    await expect(
      db().transaction((tx) =>
        postResidentMessage({
          tx,
          tenantId: fixture.tenantId,
          residentId: stranger,
          caseId: opened.id,
          body: "x",
        }),
      ),
    ).rejects.toMatchObject({ status: 404 });
    const note = await db().transaction((tx) =>
      appendCaseEntry({
        tx,
        tenantId: fixture.tenantId,
        caseId: opened.id,
        kind: "note",
        body: "手数料のお支払いを確認しました",
        visibleToResident: true,
        data: { amount: 300 },
      }),
    );
    expect(note).toMatchObject({ kind: "note", actorType: "system" });
    const paper = await openTestCase(db(), fixture, { channel: "paper" });
    expect(
      await db().transaction((tx) =>
        sendCaseMessage({ tx, tenantId: fixture.tenantId, actor: staffActor(), caseId: paper.id, body: "x" }),
      ),
    ).toMatchObject({ ok: false });
    expect((await entriesOf(paper.id)).map((e) => e.kind)).toEqual(["opened"]);
  });

  it("takes one rating from the case's resident, once it is completed", async () => {
    const opened = await openTestCase(db(), fixture, { residentId });
    const rate = (score: number, who = residentId) =>
      db().transaction((tx) =>
        rateCase({
          tx,
          tenantId: fixture.tenantId,
          residentId: who,
          caseId: opened.id,
          score,
          comment: "早かった",
        }),
      );
    expect(await rate(5)).toMatchObject({
      ok: false,
      reason: { en: "You can rate the service once your application is completed" },
    });
    await change(opened, { to: "completed" });
    expect(await rate(6)).toMatchObject({ ok: false, field: "score" });
    expect(await rate(4)).toMatchObject({ ok: true, rating: { score: 4, comment: "早かった" } });
    expect(await rate(5)).toMatchObject({
      ok: false,
      reason: { en: "You have already rated this application" },
    });
    const stranger = await createResident(db(), fixture.tenantId, "stranger2@example.jp");
    await expect(rate(5, stranger)).rejects.toMatchObject({ status: 404 });
  });
});

describe("the queue", () => {
  let doro: Case;
  let overdue: Case;
  let soon: Case;
  let later: Case;
  let counterCase: Case;
  const now = new Date("2026-06-10T01:00:00Z"); // Wednesday 10 June, 10:00 in Tokyo

  beforeAll(async () => {
    doro = await openTestCase(db(), fixture, {
      serviceKey: "doro-sonsho",
      title: { ja: "道路損傷の通報", en: "Road damage report" },
      departmentId: fixture.department("doro-ka"),
      searchText: "県道の穴 高橋 花子",
    });
    overdue = await openTestCase(db(), fixture, {
      serviceKey: "queue-test",
      searchText: "髙橋 一郎 タカハシ",
    });
    soon = await openTestCase(db(), fixture, { serviceKey: "queue-test", channel: "line" });
    later = await openTestCase(db(), fixture, {
      serviceKey: "queue-test",
      departmentId: fixture.department("madoguchi-kakari"),
    });
    counterCase = await openTestCase(db(), fixture, { serviceKey: "queue-test", channel: "counter" });
    await db()
      .update(cases)
      .set({ dueAt: new Date("2026-06-09T15:00:00Z") })
      .where(eq(cases.id, overdue.id));
    await db()
      .update(cases)
      .set({ dueAt: new Date("2026-06-11T15:00:00Z") })
      .where(eq(cases.id, soon.id));
    await db()
      .update(cases)
      .set({ dueAt: new Date("2026-06-20T15:00:00Z") })
      .where(eq(cases.id, later.id));
    await db().transaction((tx) =>
      assignCase({
        tx,
        tenantId: fixture.tenantId,
        actor: staffActor(),
        caseId: soon.id,
        staffId: fixture.staff("staff@tenohira.localhost"),
        teamId: fixture.department("madoguchi-kakari"),
      }),
    );
    // Another city's case must never appear.
    await db().transaction(async (tx) => {
      const { openCase } = await import("./open-case.ts");
      await openCase({
        tx,
        tenantId: fixture.other.tenantId,
        actor: { type: "system", id: null },
        module: "forms",
        subjectType: "forms_application",
        subjectId: "other-city-1",
        reference: "OTHER1",
        title: { ja: "よその申請", en: "Elsewhere" },
        serviceKey: "queue-test",
        departmentId: fixture.other.departmentId,
        residentId: null,
        notifyEmail: null,
        locale: "ja",
        channel: "web",
        searchText: "髙橋 一郎",
      });
    });
  });

  const ids = async (options: Parameters<typeof find>[0]) =>
    (await find({ now, ...options })).cases.map((c) => c.case.id);

  it("filters by service, channel, assignee, team and SLA, most urgent first", async () => {
    const queue = { serviceKey: "queue-test" };
    expect(await ids({ filters: queue })).toEqual([overdue.id, soon.id, later.id, counterCase.id]);
    expect(await ids({ filters: { ...queue, channel: ["line", "counter"] } })).toEqual([
      soon.id,
      counterCase.id,
    ]);
    expect(await ids({ filters: { ...queue, assignee: "me" } })).toEqual([soon.id]);
    expect(await ids({ filters: { ...queue, assignee: "none" } })).toEqual([
      overdue.id,
      later.id,
      counterCase.id,
    ]);
    expect(await ids({ filters: { ...queue, teamId: fixture.department("madoguchi-kakari") } })).toEqual([
      soon.id,
    ]);
    expect(await ids({ filters: { ...queue, sla: "overdue" } })).toEqual([overdue.id]);
    expect(await ids({ filters: { ...queue, sla: "due_soon" } })).toEqual([soon.id]);
    expect(await ids({ filters: { ...queue, sla: "on_track" } })).toEqual([later.id]);
    expect(await ids({ filters: { ...queue, sla: "none" } })).toEqual([counterCase.id]);
    const listed = await find({ now, filters: queue });
    expect(listed.cases.map((c) => c.sla)).toEqual(["overdue", "due_soon", "on_track", "none"]);
    expect(listed.cases[1]!.assigneeName).toBe("窓口 一郎");
    expect(listed.services.map((s) => s.key)).toContain("doro-sonsho");
  });

  it("includes departments below the one filtered by, and pages with a total", async () => {
    expect(
      await ids({ filters: { serviceKey: "queue-test", departmentId: fixture.department("shimin-ka") } }),
    ).toHaveLength(4);
    expect(
      await ids({
        filters: { serviceKey: "queue-test", departmentId: fixture.department("madoguchi-kakari") },
      }),
    ).toEqual([later.id]);
    const page2 = await find({ now, filters: { serviceKey: "queue-test" }, page: 2, limit: 3 });
    expect(page2).toMatchObject({ total: 4, page: 2, limit: 3 });
    expect(page2.cases.map((c) => c.case.id)).toEqual([counterCase.id]);
  });

  it("searches Japanese text, with name variants folded, within the tenant", async () => {
    expect(await ids({ filters: { q: "高橋 一郎" } })).toEqual([overdue.id]);
    expect(await ids({ filters: { q: "たかはし" } })).toEqual([overdue.id]);
    expect(await ids({ filters: { q: "高橋" } })).toEqual([overdue.id, doro.id]);
    expect(await ids({ filters: { q: "道路損傷" } })).toEqual([doro.id]);
    expect(await ids({ filters: { q: doro.reference.toLowerCase() } })).toEqual([doro.id]);
  });

  it("shows a member only the cases of their departments, and lists are audited", async () => {
    const shimin: StaffScope = {
      all: false,
      departmentIds: [fixture.department("shimin-ka"), fixture.department("madoguchi-kakari")],
      serviceIds: [],
    };
    expect(await ids({ scope: shimin, filters: { q: "高橋" } })).toEqual([overdue.id]);
    const operator: StaffScope = { all: false, departmentIds: [], serviceIds: ["x"] };
    expect(await ids({ scope: operator, filters: {} })).toEqual([]);
    const [audit] = await db()
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "cases.case.list"))
      .orderBy(sql`${auditLog.id} DESC`)
      .limit(1);
    expect(audit!.after).toEqual({ count: 0, total: 0, page: 1, filters: {}, search: false });
  });

  it("reads one case with its history, audited", async () => {
    const detail = await db().transaction((tx) =>
      getCase({ tx, tenantId: fixture.tenantId, actor: staffActor(), caseId: soon.id, now }),
    );
    expect(detail.view.sla).toBe("due_soon");
    expect(detail.entries.map((e) => e.kind)).toEqual(["opened", "assigned"]);
    expect(detail.entries[1]!.staffName).toBe("窓口 一郎");
    await expect(
      db().transaction((tx) =>
        getCase({ tx, tenantId: fixture.other.tenantId, actor: staffActor(), caseId: soon.id }),
      ),
    ).rejects.toMatchObject({ status: 404 });
    const reads = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "cases.case.read"), eq(auditLog.resourceId, soon.id)));
    expect(reads).toHaveLength(1);
  });

  it("updates many cases, each on its own", async () => {
    const a = await openTestCase(db(), fixture, { serviceKey: "bulk-test" });
    const b = await openTestCase(db(), fixture, { serviceKey: "bulk-test" });
    await change(b, { to: "completed" });
    const outside = await openTestCase(db(), fixture, {
      serviceKey: "bulk-test",
      departmentId: fixture.department("doro-ka"),
    });
    const missing = "00000000-0000-4000-8000-000000000000";
    const results = await bulkUpdateCases({
      db: db(),
      tenantId: fixture.tenantId,
      actor: staffActor(),
      scope: { all: false, departmentIds: [fixture.department("shimin-ka")], serviceIds: [] },
      ids: [a.id, b.id, outside.id, missing],
      action: "status",
      to: "in_progress",
    });
    expect(results).toEqual([
      { id: a.id, ok: true },
      {
        id: b.id,
        ok: false,
        reason: expect.objectContaining({ en: "A completed case cannot change status" }),
      },
      { id: outside.id, ok: false, reason: { ja: "案件が見つかりません", en: "No such case" } },
      { id: missing, ok: false, reason: { ja: "案件が見つかりません", en: "No such case" } },
    ]);
    const [row] = await db().select().from(cases).where(eq(cases.id, a.id));
    expect(row!.status).toBe("in_progress");
  });

  it("exports the queue as CP932 CSV that decodes back, and refuses characters CP932 lacks", async () => {
    const exportAs = (encoding: "utf-8" | "cp932", q: string) =>
      db().transaction((tx) =>
        exportCases({
          tx,
          tenantId: fixture.tenantId,
          actor: staffActor(),
          scope: all,
          staffId: null,
          filters: { q },
          format: "csv",
          encoding,
          onUnrepresentable: "refuse",
          language: "ja",
          now,
        }),
      );
    const sjis = await exportAs("cp932", "道路損傷");
    if (!sjis.ok) {
      throw new Error("expected an export");
    }
    const text = iconv.decode(Buffer.from(sjis.bytes), "cp932");
    expect(text.split("\r\n")[0]).toBe(
      "受付番号,手続き,件名,状態,受付方法,担当課,担当者,担当チーム,受付日時,処理期限,完了日時,期限の状況,理由",
    );
    expect(text).toContain(`${doro.reference},道路損傷の通報,道路損傷の通報,受付,ウェブ,道路河川課`);
    expect(sjis.fileName).toMatch(/^cases-20260610-sjis\.csv$/);
    await openTestCase(db(), fixture, { title: { ja: "𠮷野さんの申請", en: "Yoshino" }, searchText: "𠮷野" });
    const refused = await exportAs("cp932", "𠮷野");
    expect(refused).toEqual({
      ok: false,
      unrepresentable: [
        expect.objectContaining({ row: 1, column: "件名", character: "𠮷", codePoint: "U+20BB7" }),
      ],
    });
    const exports = await db().select().from(auditLog).where(eq(auditLog.action, "cases.case.export"));
    expect(exports).toHaveLength(1);
  });
});

describe("getCaseMetrics", () => {
  it("counts channels, online share, processing time, returns and satisfaction per service", async () => {
    const received = new Date("2026-07-01T00:00:00Z");
    const open = (channel: "web" | "line" | "counter") =>
      openTestCase(db(), fixture, {
        serviceKey: "metrics-test",
        title: { ja: "犬の登録", en: "Dog registration" },
        channel,
        receivedAt: received,
        residentId,
      });
    const web = await open("web");
    const line = await open("line");
    const counter = await open("counter");
    await open("web");
    await change(web, { to: "returned", reason: "記入漏れ" });
    await change(web, { to: "received", by: "system", actor: { type: "system", id: null } });
    for (const [found, hours] of [
      [web, 10],
      [line, 20],
      [counter, 30],
    ] as const) {
      await change(found, { to: "completed" });
      await db()
        .update(cases)
        .set({ completedAt: new Date(received.getTime() + hours * 3_600_000) })
        .where(eq(cases.id, found.id));
    }
    for (const [found, score] of [
      [web, 5],
      [line, 4],
    ] as const) {
      await db().transaction((tx) =>
        rateCase({ tx, tenantId: fixture.tenantId, residentId, caseId: found.id, score, comment: null }),
      );
    }
    const metrics = await getCaseMetrics({ db: db(), tenantId: fixture.tenantId, scope: all });
    expect(metrics.find((m) => m.serviceKey === "metrics-test")).toEqual({
      serviceKey: "metrics-test",
      title: { ja: "犬の登録", en: "Dog registration" },
      total: 4,
      byChannel: { web: 2, line: 1, counter: 1, paper: 0, phone: 0 },
      onlineShare: 0.75,
      processingHours: { median: 20, p90: 28 },
      returned: 1,
      satisfaction: { average: 4.5, count: 2 },
    });
    const before = await getCaseMetrics({
      db: db(),
      tenantId: fixture.tenantId,
      scope: all,
      to: new Date("2026-06-30T00:00:00Z"),
    });
    expect(before.find((m) => m.serviceKey === "metrics-test")).toBeUndefined();
    const elsewhere = await getCaseMetrics({ db: db(), tenantId: fixture.other.tenantId, scope: all });
    expect(elsewhere.map((m) => m.total)).toEqual([1]);
  });
});
