import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../core/audit/schema.ts";
import { staffAccounts } from "../../core/identity/schema.ts";
import { notifications } from "../../core/notifications/schema.ts";
import { type Tenant, tenants } from "../../core/tenancy/schema.ts";
import { addSecondCity } from "../../core/testing/second-city.ts";
import { createTestPlatform, type TestPlatform } from "../../core/testing/test-platform.ts";
import { sendFollowerConfirmations } from "./confirm-follower-email.ts";
import { hashLinkToken } from "./follower-links.ts";
import { changeReportStatus } from "./operations/change-report-status.ts";
import { confirmFollower } from "./operations/confirm-follower.ts";
import { createApiKey } from "./operations/create-api-key.ts";
import { mergeReports } from "./operations/merge-reports.ts";
import { type Report, reportAreas, reportFollowers, reports } from "./schema.ts";
import { demoPlaces } from "./seeds.ts";
import { addReportBasics, fileTestReport, memberContext } from "./testing.ts";

let platform: TestPlatform;
let tenant: Tenant;
let otherTenant: Tenant;
let adminId: string;
const db = () => platform.services.database.db;

const adminCtx = () =>
  memberContext({ db: db(), tenantId: tenant.id, staffId: adminId, departmentIds: "all" });

const file = (email: string, locale: "ja" | "en" = "ja"): Promise<Report> =>
  fileTestReport({
    services: platform.services,
    tenantId: tenant.id,
    categoryCode: "streetlight",
    point: demoPlaces.kitaMachi,
    description: "街灯が消えています",
    locale,
    contact: { email },
  });

const mailsTo = (reference: string, email: string) =>
  db()
    .select()
    .from(notifications)
    .where(and(eq(notifications.reference, reference), eq(notifications.recipient, email)))
    .orderBy(notifications.createdAt);

const followerOf = async (reportId: string, email: string) =>
  (
    await db()
      .select()
      .from(reportFollowers)
      .where(and(eq(reportFollowers.reportId, reportId), eq(reportFollowers.email, email)))
  )[0];

/** The confirmation link's token in the one confirmation mail to the address. */
async function tokenIn(reference: string, email: string): Promise<string> {
  const confirmations = (await mailsTo(reference, email)).filter((m) =>
    m.body.includes("/reports/followers/confirm?token="),
  );
  expect(confirmations).toHaveLength(1);
  return confirmations[0]!.body.match(/\/reports\/followers\/confirm\?token=([A-Za-z0-9_-]{43})/)![1]!;
}

const page = (token: string, host = "localhost", lang = "") =>
  platform.request(`http://${host}/reports/followers/confirm?token=${token}${lang ? `&lang=${lang}` : ""}`);

const confirm = (token: string, host = "localhost", lang = "") =>
  platform.request(`http://${host}/reports/followers/confirm${lang ? `?lang=${lang}` : ""}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token }),
  });

beforeAll(async () => {
  platform = await createTestPlatform();
  [tenant] = (await db().select().from(tenants).where(eq(tenants.slug, "tenohira"))) as [Tenant];
  const [admin] = await db()
    .select()
    .from(staffAccounts)
    .where(and(eq(staffAccounts.tenantId, tenant.id), eq(staffAccounts.email, "admin@tenohira.localhost")));
  adminId = admin!.id;
  // A second city on the same install, added before the first request so the tenant cache knows it.
  otherTenant = await addSecondCity(db(), {
    slug: "confirm-other",
    municipalityCode: "990046",
    hosts: ["other.localhost"],
  });
  await addReportBasics(db(), otherTenant.id, { code: "other-road", nameJa: "道路", nameEn: "Roads" });
}, 120_000);
afterAll(() => platform?.close());

describe("confirming a guest reporter's e-mail address", () => {
  it("mails one link, sends no update until the button is pressed, then sends them", async () => {
    const report = await file("guest@example.jp");
    await platform.worker.drain();
    const token = await tokenIn(report.reference, "guest@example.jp");
    const [mail] = await mailsTo(report.reference, "guest@example.jp");
    expect(mail?.subject).toContain("メールアドレスの確認");
    expect(mail?.subject).toContain(report.reference);
    // Only the hash is kept, never the token itself.
    const pending = await followerOf(report.id, "guest@example.jp");
    expect(pending).toMatchObject({ confirmedAt: null, confirmTokenHash: hashLinkToken(token) });
    expect(JSON.stringify(pending)).not.toContain(token);

    // A retried job sends nothing more: the stored hash says the link has gone out.
    expect(await sendFollowerConfirmations(db(), { tenantId: tenant.id, reportId: report.id })).toBe(0);
    // Until confirmed, changes send the address nothing.
    await changeReportStatus({ ...adminCtx(), reportId: report.id, statusKey: "investigating" });
    await platform.worker.drain();
    expect(await mailsTo(report.reference, "guest@example.jp")).toHaveLength(1);

    // A mail scanner's prefetch changes nothing.
    const asked = await page(token);
    expect(asked.status).toBe(200);
    const html = await asked.text();
    expect(html).toContain(report.reference);
    expect(html).toContain("確認する");
    expect(html).toContain('method="post" action="/reports/followers/confirm"');
    expect(html).toContain(`name="token" value="${token}"`);
    const english = await (await page(token, "localhost", "en")).text();
    expect(english).toContain("Confirm your e-mail address");
    expect(english).toContain('action="/reports/followers/confirm?lang=en"');
    expect(await followerOf(report.id, "guest@example.jp")).toMatchObject({
      confirmedAt: null,
      confirmTokenHash: hashLinkToken(token),
    });

    const done = await confirm(token);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("確認しました");
    const confirmed = await followerOf(report.id, "guest@example.jp");
    expect(confirmed?.confirmedAt).toBeInstanceOf(Date);
    expect(confirmed?.confirmTokenHash).toBeNull();
    const [audit] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "reports.report.confirm_follower"), eq(auditLog.resourceId, report.id)));
    expect(audit?.actorType).toBe("guest");
    expect(JSON.stringify(audit)).not.toContain("guest@example.jp");

    // The used link is gone, in both languages.
    const again = await page(token);
    expect(again.status).toBe(404);
    expect(await again.text()).toContain("このリンクは使えません");
    const againEn = await confirm(token, "localhost", "en");
    expect(againEn.status).toBe(404);
    expect(await againEn.text()).toContain("This link cannot be used");

    // From now on the address hears of every change, and the job does not ask again.
    await changeReportStatus({ ...adminCtx(), reportId: report.id, statusKey: "in_progress" });
    await platform.worker.drain();
    const mails = await mailsTo(report.reference, "guest@example.jp");
    expect(mails).toHaveLength(2);
    expect(mails[1]?.body).toContain("対応中");
    expect(await sendFollowerConfirmations(db(), { tenantId: tenant.id, reportId: report.id })).toBe(0);
  });

  it("writes to an English-speaking reporter in English, with the link opening the English page", async () => {
    const report = await file("visitor@example.com", "en");
    await platform.worker.drain();
    const [mail] = await mailsTo(report.reference, "visitor@example.com");
    expect(mail?.subject).toContain("Confirm your e-mail address");
    expect(mail?.body).toMatch(/\/reports\/followers\/confirm\?token=[A-Za-z0-9_-]{43}&lang=en/);
    const token = await tokenIn(report.reference, "visitor@example.com");
    expect(await (await page(token, "localhost", "en")).text()).toContain("Confirm");
  });

  it("answers a clear 404 in both languages to a wrong, missing or other city's token, and confirms nothing", async () => {
    const report = await file("city-a@example.jp");
    await platform.worker.drain();
    const token = await tokenIn(report.reference, "city-a@example.jp");
    const wrong = "A".repeat(43);
    for (const response of [await page(wrong), await confirm(wrong), await confirm("")]) {
      expect(response.status).toBe(404);
      expect(await response.text()).toContain("このリンクは使えません");
    }
    const missing = await platform.request("http://localhost/reports/followers/confirm?lang=en");
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("This link cannot be used");
    // Another city's site knows nothing of this city's link.
    const elsewhere = await page(token, "other.localhost");
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.text()).not.toContain(report.reference);
    expect((await confirm(token, "other.localhost")).status).toBe(404);
    expect(await followerOf(report.id, "city-a@example.jp")).toMatchObject({
      confirmedAt: null,
      confirmTokenHash: hashLinkToken(token),
    });
  });

  it("asks addresses given to staff by phone and by Open311 apps to confirm too", async () => {
    const staff = await platform.signInStaff("doro@tenohira.localhost");
    const [kita] = await db()
      .select()
      .from(reportAreas)
      .where(and(eq(reportAreas.tenantId, tenant.id), eq(reportAreas.code, "kita-machi")));
    const entered = await platform.request("http://localhost/staff/reports/new", {
      method: "POST",
      headers: staff,
      body: new URLSearchParams({
        category: "streetlight",
        channel: "phone",
        description: "電話: 確認メールの試験",
        area: kita!.id,
        contact_email: "caller@example.jp",
      }),
    });
    expect(entered.status).toBe(303);
    const { key } = await createApiKey({
      db: db(),
      tenantId: tenant.id,
      name: "Confirm test",
      actor: { type: "system", id: null },
    });
    const posted = await platform.request("http://localhost/open311/v2/requests.json", {
      method: "POST",
      body: new URLSearchParams({
        api_key: key,
        service_code: "streetlight",
        lat: String(demoPlaces.kitaMachi.lat),
        long: String(demoPlaces.kitaMachi.lng),
        description: "Open311: 確認メールの試験",
        email: "app-user@example.jp",
      }),
    });
    expect(posted.status).toBe(200);
    const [byPhone] = await db()
      .select()
      .from(reports)
      .where(eq(reports.description, "電話: 確認メールの試験"));
    const [byApp] = await db()
      .select()
      .from(reports)
      .where(eq(reports.description, "Open311: 確認メールの試験"));
    await platform.worker.drain();
    // Staff are told, while the caller is still on the line, that the address must be confirmed first.
    expect(entered.headers.get("location")).toBe(`/staff/reports/${byPhone!.id}?done=entered_email`);
    const staffPage = async (lang = "") =>
      (
        await platform.request(`http://localhost${entered.headers.get("location")}${lang}`, {
          headers: staff,
        })
      ).text();
    const shown = await staffPage();
    expect(shown).toContain("通報した方がメールのリンクからアドレスを確認するまで、お知らせは届きません");
    expect(shown).toContain("うち1件はメールアドレスの確認待ち");
    expect(shown).toContain("確認待ちのメールアドレス1件には届きません");
    const shownEn = await staffPage("&lang=en");
    expect(shownEn).toContain("the reporter gets no updates until they confirm it");
    expect(shownEn).toContain("1 awaiting confirmation");
    const tokens: string[] = [];
    for (const [report, email] of [
      [byPhone!, "caller@example.jp"],
      [byApp!, "app-user@example.jp"],
    ] as const) {
      expect((await followerOf(report.id, email))?.confirmedAt).toBeNull();
      tokens.push(await tokenIn(report.reference, email));
      // Nobody asked the caller's language: the one mail is in Japanese and English, each with its page.
      const [mail] = await mailsTo(report.reference, email);
      expect(mail?.subject).toContain("メールアドレスの確認 / Confirm your e-mail address");
      expect(mail?.body).toContain("「確認する」を押してください");
      expect(mail?.body).toContain("press Confirm");
      expect(mail?.body).toContain(`/reports/followers/confirm?token=${tokens.at(-1)}\n`);
      expect(mail?.body).toContain(`/reports/followers/confirm?token=${tokens.at(-1)}&lang=en`);
      await changeReportStatus({ ...adminCtx(), reportId: report.id, statusKey: "investigating" });
      await platform.worker.drain();
      expect(await mailsTo(report.reference, email), email).toHaveLength(1);
    }
    // Once confirmed, the staff page no longer says so.
    expect((await confirm(tokens[0]!)).status).toBe(200);
    expect(await staffPage()).not.toContain("確認待ち");
  });

  it("carries an unconfirmed address over a merge unconfirmed, and its link confirms both copies", async () => {
    const target = await file("target-reporter@example.jp");
    // The target's reporter reported the problem again, and confirmed by the second report's link first.
    const again = await file("target-reporter@example.jp");
    const duplicate = await file("late@example.jp");
    await platform.worker.drain();
    const lateToken = await tokenIn(duplicate.reference, "late@example.jp");
    const targetToken = await tokenIn(target.reference, "target-reporter@example.jp");
    expect((await confirm(await tokenIn(again.reference, "target-reporter@example.jp"))).status).toBe(200);
    // That counts for the target too once the second report is merged into it.
    await mergeReports({ ...adminCtx(), reportId: again.id, into: { id: target.id } });
    await mergeReports({ ...adminCtx(), reportId: duplicate.id, into: { id: target.id } });
    expect(await followerOf(target.id, "late@example.jp")).toMatchObject({
      source: "merge",
      confirmedAt: null,
    });
    const reporter = await followerOf(target.id, "target-reporter@example.jp");
    expect(reporter?.confirmedAt).toBeInstanceOf(Date);
    expect(reporter?.confirmTokenHash).toBeNull();
    expect((await confirm(targetToken)).status).toBe(404);

    await changeReportStatus({ ...adminCtx(), reportId: target.id, statusKey: "investigating" });
    await platform.worker.drain();
    expect(await mailsTo(target.reference, "late@example.jp")).toHaveLength(0);
    expect(await mailsTo(target.reference, "target-reporter@example.jp")).toHaveLength(2);

    expect((await confirm(lateToken)).status).toBe(200);
    expect((await followerOf(duplicate.id, "late@example.jp"))?.confirmedAt).toBeInstanceOf(Date);
    expect((await followerOf(target.id, "late@example.jp"))?.confirmedAt).toBeInstanceOf(Date);
    await changeReportStatus({ ...adminCtx(), reportId: target.id, statusKey: "in_progress" });
    await platform.worker.drain();
    expect(await mailsTo(target.reference, "late@example.jp")).toHaveLength(1);
  });

  it("ends confirmed on the target whether the merge comes before, after or during the confirmation", async () => {
    const merge = (duplicate: Report, target: Report, on = db()) =>
      mergeReports({ ...adminCtx(), db: on, reportId: duplicate.id, into: { id: target.id } });
    const press = (token: string, on = db()) =>
      confirmFollower({ db: on, tenantId: tenant.id, token, actor: { type: "guest", id: null } });
    const pause = () => new Promise((resolve) => setTimeout(resolve, 300));
    const cases: Record<string, (duplicate: Report, target: Report, token: string) => Promise<unknown>> = {
      "merge, then confirm": async (duplicate, target, token) => {
        await merge(duplicate, target);
        await press(token);
      },
      "confirm, then merge": async (duplicate, target, token) => {
        await press(token);
        await merge(duplicate, target);
      },
      // On PostgreSQL the other transaction really runs meanwhile: without the lock on the duplicate it
      // would read the report unmerged (or its followers unconfirmed) and the target's copy stay unconfirmed.
      "confirm while the merge is uncommitted": (duplicate, target, token) => {
        let confirming: Promise<unknown> = Promise.resolve();
        return db()
          .transaction(async (tx) => {
            await merge(duplicate, target, tx);
            confirming = press(token);
            await pause();
          })
          .then(() => confirming);
      },
      "merge while the confirmation is uncommitted": (duplicate, target, token) => {
        let merging: Promise<unknown> = Promise.resolve();
        return db()
          .transaction(async (tx) => {
            await press(token, tx);
            merging = merge(duplicate, target);
            await pause();
          })
          .then(() => merging);
      },
    };
    for (const [name, run] of Object.entries(cases)) {
      const email = `race-${Object.keys(cases).indexOf(name)}@example.jp`;
      const target = await file(`target-of-${email}`);
      const duplicate = await file(email);
      await platform.worker.drain();
      await run(duplicate, target, await tokenIn(duplicate.reference, email));
      expect((await followerOf(duplicate.id, email))?.confirmedAt, name).toBeInstanceOf(Date);
      expect(await followerOf(target.id, email), name).toMatchObject({ source: "merge" });
      expect((await followerOf(target.id, email))?.confirmedAt, name).toBeInstanceOf(Date);
    }
  });

  it("mails one address at most three confirmations a day; beyond that the report stays unconfirmed", async () => {
    const filed = [];
    for (let i = 0; i < 4; i++) {
      filed.push(await file("often@example.jp"));
      await platform.worker.drain();
    }
    for (const report of filed.slice(0, 3)) {
      await tokenIn(report.reference, "often@example.jp");
    }
    const fourth = filed[3]!;
    expect(await mailsTo(fourth.reference, "often@example.jp")).toHaveLength(0);
    expect(await followerOf(fourth.id, "often@example.jp")).toMatchObject({
      confirmedAt: null,
      confirmTokenHash: null,
    });
    // Another address is counted apart.
    const other = await file("seldom@example.jp");
    await platform.worker.drain();
    await tokenIn(other.reference, "seldom@example.jp");
  });

  it("refuses a confirmation link older than 30 days, saying it expired, in both languages", async () => {
    const report = await file("slow@example.jp");
    await platform.worker.drain();
    const token = await tokenIn(report.reference, "slow@example.jp");
    await db()
      .update(reportFollowers)
      .set({ createdAt: new Date(Date.now() - 31 * 24 * 60 * 60 * 1000) })
      .where(eq(reportFollowers.reportId, report.id));
    const asked = await page(token);
    expect(asked.status).toBe(404);
    expect(await asked.text()).toContain("期限切れ");
    const pressed = await confirm(token, "localhost", "en");
    expect(pressed.status).toBe(404);
    expect(await pressed.text()).toContain("has expired");
    expect(await followerOf(report.id, "slow@example.jp")).toMatchObject({ confirmedAt: null });
    // A day younger, the same link still works.
    await db()
      .update(reportFollowers)
      .set({ createdAt: new Date(Date.now() - 29 * 24 * 60 * 60 * 1000) })
      .where(eq(reportFollowers.reportId, report.id));
    expect((await confirm(token)).status).toBe(200);
  });

  it("sends one mail when the subscriber runs three times at once", async () => {
    // Not drained: the three runs below are the only ones until the worker's own, which finds nothing.
    const report = await file("once@example.jp");
    const runs = await Promise.all(
      [1, 2, 3].map(() => sendFollowerConfirmations(db(), { tenantId: tenant.id, reportId: report.id })),
    );
    expect(runs.toSorted()).toEqual([0, 0, 1]);
    await platform.worker.drain();
    expect(await mailsTo(report.reference, "once@example.jp")).toHaveLength(1);
  });
});
