import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, DEMO_TENANT_SLUG } from "../../app/seed-demo.ts";
import { auditLog } from "../../core/audit/schema.ts";
import { findCaseBySubject } from "../../core/cases/operations/find-case-by-subject.ts";
import { hashPassword } from "../../core/identity/passwords.ts";
import { staffAccounts } from "../../core/identity/schema.ts";
import { notifications } from "../../core/notifications/schema.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import { createTestPlatform, type TestPlatform } from "../../core/testing/test-platform.ts";
import { paymentsOfSubject } from "../payments/index.ts";
import { APPLICATION_SUBJECT } from "./application-case.ts";
import type { FormDefinitionInput } from "./definition/form-definition.ts";
import { applications, forms } from "./schema.ts";
import { insertPublishedForm } from "./testing.ts";

const page: FormDefinitionInput["pages"][number] = {
  key: "request",
  title: { ja: "申請内容", en: "Request" },
  fields: [
    { key: "name", type: "text", label: { ja: "氏名", en: "Name" }, required: true },
    { key: "copies", type: "number", label: { ja: "通数", en: "Copies" }, required: true, min: 1, max: 10 },
  ],
};

const payNow: FormDefinitionInput = {
  schema_version: 1,
  title: { ja: "証明書の交付（テスト）", en: "Certificate (test)" },
  assuranceLevel: "email",
  fee: { amount: { "*": [300, { var: "copies" }] }, label: { ja: "手数料", en: "Fee" } },
  pages: [page],
};

const payDeferred: FormDefinitionInput = {
  ...payNow,
  title: { ja: "粗大ごみ（テスト）", en: "Oversized garbage (test)" },
  fee: {
    amount: { "*": [500, { var: "copies" }] },
    label: { ja: "収集手数料（概算）", en: "Fee (estimate)" },
    timing: "deferred",
  },
};

let platform: TestPlatform;
let tenantId: string;
let manager: Record<string, string>;
let payNowFormId: string;
let reviewFormId: string;
const db = () => platform.services.database.db;

beforeAll(async () => {
  platform = await createTestPlatform({ config: { baseUrl: "http://localhost" } });
  const [tenant] = await db().select().from(tenants).where(eq(tenants.slug, DEMO_TENANT_SLUG));
  tenantId = tenant!.id;
  payNowFormId = (await insertPublishedForm(db(), { tenantId, slug: "bo-pay-now", definition: payNow })).form
    .id;
  reviewFormId = (await insertPublishedForm(db(), { tenantId, slug: "bo-review", definition: payDeferred }))
    .form.id;
  // The forms belong to the manager's department, whose staff process them.
  const [member] = await db()
    .select()
    .from(staffAccounts)
    .where(eq(staffAccounts.email, "manager@tenohira.localhost"));
  await db().update(forms).set({ departmentId: member!.departmentId }).where(eq(forms.tenantId, tenantId));
  // A second city on the same install, added before the first request so the tenant cache knows it.
  const [other] = await db()
    .insert(tenants)
    .values({
      municipalityCode: "990035",
      slug: "bo-other",
      nameJa: "よその市",
      nameEn: "Other",
      hosts: ["bo.localhost"],
    })
    .returning();
  await db()
    .insert(staffAccounts)
    .values({
      tenantId: other!.id,
      email: "admin@bo.localhost",
      displayName: "よその管理者",
      role: "system_admin",
      passwordHash: await hashPassword(DEMO_PASSWORD),
    });
  manager = await platform.signInStaff("manager@tenohira.localhost");
}, 120_000);
afterAll(() => platform?.close());

type Session = { cookie: string; csrf: string };

const post = (session: Session, path: string, fields: Record<string, string>) =>
  platform.request(`http://localhost${path}`, {
    method: "POST",
    headers: { cookie: session.cookie },
    body: new URLSearchParams({ _csrf: session.csrf, ...fields }),
  });
const get = (session: Session, path: string) =>
  platform.request(`http://localhost${path}`, { headers: { cookie: session.cookie } });
const staffPost = (path: string, body: unknown, headers = manager) =>
  platform.request(path, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

/** Starts, fills and submits an application; returns its id and where the submit sent the browser. */
async function submit(session: Session, slug: string, answers: Record<string, string>) {
  const first = (await post(session, `/forms/${slug}/start`, {})).headers.get("location")!;
  const id = /\/a\/([0-9a-f-]{36})\//.exec(first)![1]!;
  expect((await post(session, first, answers)).headers.get("location")).toMatch(/\/check$/);
  const check = await (await get(session, `/forms/${slug}/a/${id}/check`)).text();
  const key = /name="_idempotency" value="([^"]+)"/.exec(check)![1]!;
  const submitted = await post(session, `/forms/${slug}/a/${id}/submit`, { _idempotency: key });
  expect(submitted.status).toBe(303);
  return { id, location: submitted.headers.get("location")! };
}

const caseOf = (applicationId: string) =>
  findCaseBySubject({ db: db(), tenantId, subjectType: APPLICATION_SUBJECT, subjectId: applicationId });
const applicationRow = async (id: string) =>
  (await db().select().from(applications).where(eq(applications.id, id)))[0]!;

describe("applications in the back office", () => {
  it("opens a case on submit and sends a fee form straight to payment; a success marks it paid", async () => {
    const resident = await platform.signInResident("bo-pay@example.jp");
    const { id, location } = await submit(resident, "bo-pay-now", { name: "鹿屋 花子", copies: "2" });
    expect(location).toMatch(/^\/payments\/[0-9a-f-]{36}$/);

    const opened = await caseOf(id);
    expect(opened).toMatchObject({ status: "received", reference: expect.any(String), channel: "web" });
    expect(opened!.nextAction).toMatchObject({ kind: "pay" });
    const [payment] = await paymentsOfSubject({
      db: db(),
      tenantId,
      subject: { module: "forms", type: APPLICATION_SUBJECT, id },
    });
    // The amount is the server's: 300 × 2 copies, whatever the browser sent.
    expect(payment!.amount).toBe(600);
    expect((await applicationRow(id)).paymentStatus).toBe("unpaid");

    const done = await (await get(resident, `/forms/bo-pay-now/a/${id}/done`)).text();
    expect(done).toContain(`href="/payments/${payment!.id}"`);
    expect(done).toContain(`href="/my/cases/${opened!.id}"`);

    // Pay on the test provider's page, then come back: the return asks the provider and records the success.
    const started = await post(resident, `/payments/${payment!.id}/start`, {});
    const providerPage = new URL(started.headers.get("location")!, "http://localhost").pathname;
    expect(providerPage).toMatch(/^\/payments\/test-provider\/pay\//);
    const paidAtProvider = await post(resident, providerPage, {
      card: "4242 4242 4242 4242",
      _action: "pay",
    });
    const back = new URL(paidAtProvider.headers.get("location")!, "http://localhost").pathname;
    expect(back).toBe(`/payments/${payment!.id}/return`);
    expect((await get(resident, back)).status).toBe(200);
    await platform.worker.drain();
    const paid = await applicationRow(id);
    expect(paid.paymentStatus).toBe("paid");
    expect(paid.receiptFileId).not.toBeNull();
    expect((await caseOf(id))!.nextAction).toBeNull();
    expect(await (await get(resident, `/forms/bo-pay-now/a/${id}/done`)).text()).toContain(
      "お支払いを確認しました",
    );
  });

  it("lets the resident correct a returned application on its pinned version and resubmit it", async () => {
    const resident = await platform.signInResident("bo-return@example.jp");
    const { id } = await submit(resident, "bo-pay-now", { name: "鹿屋 太郎", copies: "1" });
    const opened = (await caseOf(id))!;

    // Before staff return it, the answers are locked.
    expect(
      (await post(resident, `/forms/bo-pay-now/a/${id}/p/request`, { name: "x", copies: "1" })).headers.get(
        "location",
      ),
    ).toMatch(/\/done$/);

    const returned = await staffPost(`/staff/api/cases/${opened.id}/status`, {
      to: "returned",
      reason: "氏名の漢字が住民票と異なります",
    });
    expect(returned.status).toBe(200);
    await platform.worker.drain();
    expect((await caseOf(id))!.nextAction).toEqual({
      kind: "correct",
      href: `/forms/bo-pay-now/a/${id}/check`,
    });

    const check = await (await get(resident, `/forms/bo-pay-now/a/${id}/check`)).text();
    expect(check).toContain("氏名の漢字が住民票と異なります");
    expect(check).toContain(`action="/forms/bo-pay-now/a/${id}/resubmit"`);

    // A correction that would change the fee is refused, and nothing moves.
    await post(resident, `/forms/bo-pay-now/a/${id}/p/request`, { name: "鹿屋 太朗", copies: "3" });
    const dearer = await post(resident, `/forms/bo-pay-now/a/${id}/resubmit`, {
      _idempotency: "y".repeat(20),
    });
    expect(dearer.headers.get("location")).toMatch(/\/check\?unavailable=fee_changed$/);
    expect((await caseOf(id))!.status).toBe("returned");
    expect((await applicationRow(id)).submittedAnswers?.["copies"]).toBe(1);
    // Meanwhile staff still see the answers as submitted, not the correction in progress.
    const seen = (await (
      await platform.request(`/staff/api/forms/applications/${id}`, { headers: manager })
    ).json()) as {
      rows: { key: string; value: string }[];
    };
    expect(seen.rows.find((row) => row.key === "name")?.value).toBe("鹿屋 太郎");

    const changed = await post(resident, `/forms/bo-pay-now/a/${id}/p/request`, {
      name: "鹿屋 太朗",
      copies: "1",
    });
    expect(changed.headers.get("location")).toMatch(/\/check$/);
    const resubmitted = await post(resident, `/forms/bo-pay-now/a/${id}/resubmit`, {
      _idempotency: "x".repeat(20),
    });
    expect(resubmitted.headers.get("location")).toMatch(/\/done$/);

    const after = await applicationRow(id);
    expect(after.answers["name"]).toBe("鹿屋 太朗");
    expect(after.submittedAnswers?.["name"]).toBe("鹿屋 太朗");
    expect(after.resubmittedAt).not.toBeNull();
    expect((await caseOf(id))!.status).toBe("received");
    // The queue finds it by the corrected name.
    const found = await platform.request(`/staff/api/cases?q=${encodeURIComponent("太朗")}`, {
      headers: manager,
    });
    expect(
      ((await found.json()) as { cases: { subjectId: string }[] }).cases.map((c) => c.subjectId),
    ).toContain(id);
    const [audit] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "forms.application.resubmit"), eq(auditLog.resourceId, id)));
    expect(audit!.after).toMatchObject({ changedFields: ["name"] });

    // Once resubmitted, the answers are locked again.
    expect((await get(resident, `/forms/bo-pay-now/a/${id}/p/request`)).headers.get("location")).toMatch(
      /\/done$/,
    );
  });

  it("事後決済: staff set the fee after review and the resident is sent a payment link, once", async () => {
    const resident = await platform.signInResident("bo-review@example.jp");
    const { id, location } = await submit(resident, "bo-review", { name: "鹿屋 次郎", copies: "3" });
    expect(location).toBe(`/forms/bo-review/a/${id}/done`);
    expect(await applicationRow(id)).toMatchObject({ paymentStatus: "awaiting_amount", feeAmount: null });

    const bad = await staffPost(`/staff/api/forms/applications/${id}/payment-request`, { amount: -5 });
    expect(bad.status).toBe(400);
    const requested = await staffPost(`/staff/api/forms/applications/${id}/payment-request`, {
      amount: 1000,
    });
    expect(requested.status).toBe(200);
    const { paymentId } = (await requested.json()) as { paymentId: string };
    expect(await applicationRow(id)).toMatchObject({ paymentStatus: "unpaid", feeAmount: 1000 });
    const [payment] = await paymentsOfSubject({
      db: db(),
      tenantId,
      subject: { module: "forms", type: APPLICATION_SUBJECT, id },
    });
    expect(payment).toMatchObject({ id: paymentId, amount: 1000 });
    expect((await caseOf(id))!.nextAction).toEqual({ kind: "pay", href: `/payments/${paymentId}` });
    const messages = await db()
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.tenantId, tenantId),
          eq(notifications.reference, (await applicationRow(id)).referenceNumber!),
        ),
      );
    expect(messages.some((m) => m.body.includes(`/payments/${paymentId}`))).toBe(true);

    const twice = await staffPost(`/staff/api/forms/applications/${id}/payment-request`, { amount: 1200 });
    expect(twice.status).toBe(409);
    expect((await applicationRow(id)).feeAmount).toBe(1000);
  });

  it("takes applications received on paper into the same queue, checked like online ones", async () => {
    const refused = await staffPost(`/staff/api/forms/forms/${payNowFormId}/applications`, {
      channel: "paper",
      inputs: { name: "", copies: "20", nickname: "x" },
    });
    expect(refused.status).toBe(400);
    const problem = (await refused.json()) as { errors: { pointer: string; detailJa?: string }[] };
    expect(problem.errors.map((e) => e.pointer).sort()).toEqual([
      "/inputs/copies",
      "/inputs/name",
      "/inputs/nickname",
    ]);
    expect(problem.errors.every((e) => e.detailJa)).toBe(true);

    const entered = await staffPost(`/staff/api/forms/forms/${payNowFormId}/applications`, {
      channel: "paper",
      inputs: { name: "窓口 一郎", copies: "1" },
      feePaidAtCounter: true,
    });
    expect(entered.status).toBe(201);
    const { id, caseId } = (await entered.json()) as { id: string; caseId: string };
    expect(await applicationRow(id)).toMatchObject({
      channel: "paper",
      paymentStatus: "paid",
      feeAmount: 300,
    });
    expect(await caseOf(id)).toMatchObject({ id: caseId, channel: "paper", status: "received" });
  });

  it("gives clerks a one-page entry screen for paper and phone applications", async () => {
    const page = await platform.request(`/staff/forms/${payNowFormId}/enter`, { headers: manager });
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('name="_channel"');
    expect(text).toContain('name="copies"');

    const form = (fields: Record<string, string>) =>
      platform.request(`/staff/forms/${payNowFormId}/enter`, {
        method: "POST",
        headers: manager,
        body: new URLSearchParams(fields),
      });
    const refused = await form({ _channel: "phone", name: "", copies: "1", _action: "enter" });
    expect(refused.status).toBe(400);
    const shownBack = await refused.text();
    expect(shownBack).toContain("error-summary");
    expect(shownBack).toMatch(/name="copies"[^>]*value="1"/);

    const entered = await form({ _channel: "phone", name: "電話 花子", copies: "2", _action: "enter" });
    expect(entered.status).toBe(303);
    const caseId = /^\/staff\/cases\/([0-9a-f-]{36})$/.exec(entered.headers.get("location")!)![1]!;
    const [row] = await db()
      .select()
      .from(applications)
      .where(and(eq(applications.formId, payNowFormId), eq(applications.channel, "phone")));
    expect(row).toMatchObject({ paymentStatus: "awaiting_amount", feeAmount: null });
    expect(await caseOf(row!.id)).toMatchObject({ id: caseId, channel: "phone" });

    // Read-only members may see applications but not enter them; the console learns it from /me.
    const viewer = await platform.signInStaff("viewer@tenohira.localhost");
    const me = (await (await platform.request("/staff/api/me", { headers: viewer })).json()) as {
      permissions: string[];
    };
    expect(me.permissions).toContain("cases.case.read");
    expect(me.permissions).not.toContain("forms.application.process");
    expect((await platform.request(`/staff/forms/${payNowFormId}/enter`, { headers: viewer })).status).toBe(
      403,
    );
  });

  it("withdraws an unpaid fee when the resident withdraws, and keeps payments within the department", async () => {
    const resident = await platform.signInResident("bo-withdraw@example.jp");
    const { id } = await submit(resident, "bo-pay-now", { name: "鹿屋 三郎", copies: "1" });
    const opened = (await caseOf(id))!;
    const subject = { module: "forms", type: APPLICATION_SUBJECT, id };

    // 道路河川課 staff may read payments, but not of 市民課's applications.
    const doro = await platform.signInStaff("doro@tenohira.localhost");
    const query = `/staff/api/payments?subjectType=${APPLICATION_SUBJECT}&subjectId=${id}`;
    expect((await platform.request(query, { headers: doro })).status).toBe(403);
    expect((await platform.request(query, { headers: manager })).status).toBe(200);

    const withdrawn = await post(resident, `/my/cases/${opened.id}/withdraw`, { confirm: "yes" });
    expect(withdrawn.status).toBe(303);
    expect((await caseOf(id))!.status).toBe("withdrawn");
    await platform.worker.drain();
    const [payment] = await paymentsOfSubject({ db: db(), tenantId, subject });
    expect(payment).toMatchObject({ state: "cancelled", finished: true });
  });

  it("keeps another city's staff out", async () => {
    const response = await platform.request("http://bo.localhost/staff/api/session", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "admin@bo.localhost", password: DEMO_PASSWORD }),
    });
    const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0]!;
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    const [anyApplication] = await db()
      .select()
      .from(applications)
      .where(eq(applications.formId, reviewFormId));
    const foreign = await platform.request(
      `http://bo.localhost/staff/api/forms/applications/${anyApplication!.id}/payment-request`,
      {
        method: "POST",
        headers: { cookie, "x-csrf-token": csrfToken, "content-type": "application/json" },
        body: JSON.stringify({ amount: 100 }),
      },
    );
    expect(foreign.status).toBe(404);
    const entered = await platform.request(
      `http://bo.localhost/staff/api/forms/forms/${payNowFormId}/applications`,
      {
        method: "POST",
        headers: { cookie, "x-csrf-token": csrfToken, "content-type": "application/json" },
        body: JSON.stringify({ channel: "phone", inputs: { name: "x", copies: "1" } }),
      },
    );
    expect(entered.status).toBe(404);
  });
});
