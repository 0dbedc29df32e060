import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/database.ts";
import { createTestPlatform, type ResidentTestSession, type TestPlatform } from "../testing/test-platform.ts";
import { addCaseMemo } from "./operations/add-case-memo.ts";
import { changeCaseStatus } from "./operations/change-case-status.ts";
import { setCaseNextAction } from "./operations/set-case-next-action.ts";
import { type Case, caseEntries, cases } from "./schema.ts";
import { type CasesFixture, casesFixture, openTestCase } from "./testing.ts";

let platform: TestPlatform;
let fixture: CasesFixture;
let owner: ResidentTestSession;
let stranger: ResidentTestSession;
const db = (): Db => platform.services.database.db;

beforeAll(async () => {
  platform = await createTestPlatform();
  fixture = await casesFixture(db());
  owner = await platform.signInResident("owner@example.jp");
  stranger = await platform.signInResident("stranger@example.jp");
});
afterAll(() => platform.close());

const openFor = (session: ResidentTestSession, overrides: Parameters<typeof openTestCase>[2] = {}) =>
  openTestCase(db(), fixture, { residentId: session.residentId, ...overrides });
const page = (path: string, session: ResidentTestSession | null = owner) =>
  platform.request(path, { headers: session ? { cookie: session.cookie } : {} });
const post = (path: string, fields: Record<string, string>, session: ResidentTestSession = owner) =>
  platform.request(path, {
    method: "POST",
    headers: { cookie: session.cookie },
    body: new URLSearchParams({ _csrf: session.csrf, ...fields }),
  });
const staffDoes = <T>(work: (tx: Db) => Promise<T>) => db().transaction(work);
const complete = (found: Case) =>
  staffDoes((tx) =>
    changeCaseStatus({
      tx,
      tenantId: fixture.tenantId,
      actor: { type: "staff", id: fixture.staff("staff@tenohira.localhost") },
      caseId: found.id,
      to: "completed",
      by: "staff",
    }),
  );

describe("GET /my/cases/:id", () => {
  it("shows the owner the status, history, message form and withdrawal, and nobody else", async () => {
    const found = await openFor(owner);
    await staffDoes((tx) =>
      addCaseMemo({
        tx,
        tenantId: fixture.tenantId,
        actor: { type: "staff", id: fixture.staff("staff@tenohira.localhost") },
        caseId: found.id,
        body: "職員だけのメモ",
      }),
    );
    const response = await page(`/my/cases/${found.id}`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("<h1>印鑑登録証明書の交付申請</h1>");
    expect(html).toContain(found.reference);
    expect(html).toContain("受け付けました");
    expect(html).toContain("申請を受け付けました");
    expect(html).toContain(`action="/my/cases/${found.id}/messages"`);
    expect(html).toContain(`href="/my/cases/${found.id}/withdraw"`);
    expect(html).not.toContain("職員だけのメモ");
    expect(html).not.toContain('name="score"');
    expect((await page(`/my/cases/${found.id}`, stranger)).status).toBe(404);
    const signedOut = await page(`/my/cases/${found.id}`, null);
    expect([302, 303]).toContain(signedOut.status);
    expect(signedOut.headers.get("location")).toMatch(/^\/sign-in\?return=/);
    expect((await page("/my/cases/not-a-case")).status).toBe(404);
  });

  it("shows the next action as a button, and the page in English", async () => {
    const found = await openFor(owner);
    await staffDoes((tx) =>
      setCaseNextAction({
        tx,
        tenantId: fixture.tenantId,
        caseId: found.id,
        nextAction: { kind: "pay", href: `/payments/${found.id}` },
      }),
    );
    const html = await (await page(`/my/cases/${found.id}`)).text();
    expect(html).toContain(`<a class="button" href="/payments/${found.id}">手数料を支払う</a>`);
    const english = await (await page(`/my/cases/${found.id}?lang=en`)).text();
    expect(english).toContain("Certificate of seal registration");
    expect(english).toContain("Pay the fee");
    expect(english).toContain("Message to the city");
  });
});

describe("messages", () => {
  it("refuses an empty or long message with the page again, and keeps a good one", async () => {
    const found = await openFor(owner);
    const empty = await post(`/my/cases/${found.id}/messages`, { body: "   " });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("メッセージを入力してください");
    const long = await post(`/my/cases/${found.id}/messages?lang=en`, { body: "あ".repeat(2001) });
    expect(long.status).toBe(400);
    expect(await long.text()).toContain("The message must be at most 2,000 characters");
    const sent = await post(`/my/cases/${found.id}/messages`, { body: "書類を追加で送ります\n2通目" });
    expect(sent.status).toBe(303);
    expect(sent.headers.get("location")).toBe(`/my/cases/${found.id}?done=message#messages`);
    const html = await (await page(`/my/cases/${found.id}?done=message`)).text();
    expect(html).toContain("メッセージを送信しました。");
    expect(html).toContain("書類を追加で送ります<br>2通目");
    expect((await post(`/my/cases/${found.id}/messages`, { body: "x" }, stranger)).status).toBe(404);
    const entries = await db().select().from(caseEntries).where(eq(caseEntries.caseId, found.id));
    expect(entries.map((e) => e.kind)).toEqual(["opened", "message_from_resident"]);
  });

  it("refuses a post without the session's CSRF token", async () => {
    const found = await openFor(owner);
    const forged = await platform.request(`/my/cases/${found.id}/messages`, {
      method: "POST",
      headers: { cookie: owner.cookie },
      body: new URLSearchParams({ body: "x" }),
    });
    expect(forged.status).toBe(403);
  });
});

describe("withdrawal", () => {
  it("asks for confirmation, then withdraws and tells the resident", async () => {
    const found = await openFor(owner);
    const confirm = await page(`/my/cases/${found.id}/withdraw`);
    expect(confirm.status).toBe(200);
    const form = await confirm.text();
    expect(form).toContain('<input type="hidden" name="confirm" value="yes">');
    expect(form).toContain("元に戻せません");
    const unconfirmed = await post(`/my/cases/${found.id}/withdraw`, {});
    expect(unconfirmed.status).toBe(303);
    expect(unconfirmed.headers.get("location")).toBe(`/my/cases/${found.id}/withdraw`);
    expect((await post(`/my/cases/${found.id}/withdraw`, { confirm: "yes" }, stranger)).status).toBe(404);
    const tooLong = await post(`/my/cases/${found.id}/withdraw`, {
      confirm: "yes",
      reason: "あ".repeat(1001),
    });
    expect(tooLong.status).toBe(400);
    const done = await post(`/my/cases/${found.id}/withdraw`, {
      confirm: "yes",
      reason: "別の方法で取得しました",
    });
    expect(done.status).toBe(303);
    const [row] = await db().select().from(cases).where(eq(cases.id, found.id));
    expect(row).toMatchObject({ status: "withdrawn", statusReason: "別の方法で取得しました" });
    const html = await (await page(`/my/cases/${found.id}?done=withdrawn`)).text();
    expect(html).toContain("申請を取り下げました。");
    expect(html).toContain("取り下げました");
    expect(html).not.toContain(`/my/cases/${found.id}/withdraw"`);
    const again = await page(`/my/cases/${found.id}/withdraw`);
    expect(again.status).toBe(303);
    const refused = await post(`/my/cases/${found.id}/withdraw`, { confirm: "yes" });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("「取下げ」の案件は状態を変更できません");
  });
});

describe("rating", () => {
  it("is offered only once the case is completed, once, with a fieldset of five choices", async () => {
    const found = await openFor(owner);
    const early = await post(`/my/cases/${found.id}/rating`, { score: "5" });
    expect(early.status).toBe(409);
    expect(await early.text()).toContain("評価は手続きが完了してからお願いします");
    await complete(found);
    const html = await (await page(`/my/cases/${found.id}`)).text();
    expect(html).toMatch(/<fieldset[^>]*>\s*<legend>満足度（5段階）<\/legend>/);
    expect(html.match(/type="radio" id="f-score[-0-9]*" name="score"/g)).toHaveLength(5);
    const missing = await post(`/my/cases/${found.id}/rating`, { comment: "とても早かった" });
    expect(missing.status).toBe(400);
    const missingHtml = await missing.text();
    expect(missingHtml).toContain("満足度を1から5で選んでください");
    expect(missingHtml).toContain("とても早かった</textarea>");
    expect((await post(`/my/cases/${found.id}/rating`, { score: "4" }, stranger)).status).toBe(404);
    const rated = await post(`/my/cases/${found.id}/rating`, { score: "4", comment: "とても早かった" });
    expect(rated.status).toBe(303);
    const after = await (await page(`/my/cases/${found.id}?done=rated`)).text();
    expect(after).toContain("評価をお寄せいただき、ありがとうございました。");
    expect(after).toContain("あなたの評価：4 / 5");
    expect(after).not.toContain('name="score"');
    const twice = await post(`/my/cases/${found.id}/rating`, { score: "5" });
    expect(twice.status).toBe(409);
    expect(await twice.text()).toContain("この申請はすでに評価済みです");
  });
});
