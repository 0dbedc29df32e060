import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../core/audit/schema.ts";
import { staffAccounts } from "../../core/identity/schema.ts";
import { notifications } from "../../core/notifications/schema.ts";
import { type Tenant, tenants } from "../../core/tenancy/schema.ts";
import { addSecondCity } from "../../core/testing/second-city.ts";
import { createTestPlatform, type TestPlatform } from "../../core/testing/test-platform.ts";
import { reportsModule } from "./module.ts";
import { changeReportStatus } from "./operations/change-report-status.ts";
import { mergeReports } from "./operations/merge-reports.ts";
import { type Report, reportFollowers } from "./schema.ts";
import { demoPlaces } from "./seeds.ts";
import { addReportBasics, fileTestReport, memberContext } from "./testing.ts";

let platform: TestPlatform;
let tenant: Tenant;
let otherTenant: Tenant;
let adminId: string;
const db = () => platform.services.database.db;

const adminCtx = () =>
  memberContext({ db: db(), tenantId: tenant.id, staffId: adminId, departmentIds: "all" });

/** A guest's streetlight report whose address is taken as confirmed, so every update reaches it. */
const file = (email: string, locale: "ja" | "en" = "ja"): Promise<Report> =>
  fileTestReport({
    services: platform.services,
    tenantId: tenant.id,
    categoryCode: "streetlight",
    point: demoPlaces.kitaMachi,
    description: "街灯が消えています",
    locale,
    contact: { email },
    confirmEmail: true,
  });

const mailsTo = (report: Report, email: string) =>
  db()
    .select()
    .from(notifications)
    .where(and(eq(notifications.reference, report.reference), eq(notifications.recipient, email)))
    .orderBy(notifications.createdAt);

const followersOf = (report: Report) =>
  db().select().from(reportFollowers).where(eq(reportFollowers.reportId, report.id));

/** The unsubscribe path in the newest mail to the address. */
async function linkIn(report: Report, email: string): Promise<string> {
  const mails = await mailsTo(report, email);
  const match = mails.at(-1)?.body.match(/\/reports\/unsubscribe\/[A-Za-z0-9_-]{43}/);
  expect(match).not.toBeNull();
  return match![0];
}

const post = (url: string) =>
  platform.request(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" } });

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
    slug: "unsubscribe-other",
    municipalityCode: "990045",
    hosts: ["other.localhost"],
  });
  await addReportBasics(db(), otherTenant.id, { code: "other-road", nameJa: "道路", nameEn: "Roads" });
}, 120_000);
afterAll(() => platform?.close());

describe("one-click unsubscribe for e-mail followers", () => {
  it("mails a link; GET only asks, POST stops the updates, and the link is then unknown", async () => {
    const report = await file("guest@example.jp");
    await changeReportStatus({ ...adminCtx(), reportId: report.id, statusKey: "investigating" });
    await platform.worker.drain();
    const [mail] = await mailsTo(report, "guest@example.jp");
    expect(mail?.body).toContain("お知らせを止めるには");
    const path = await linkIn(report, "guest@example.jp");
    const [follower] = await followersOf(report);
    // Only the hash is kept, never the token itself.
    expect(follower?.unsubscribeTokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(follower?.unsubscribeTokenHash).not.toBe(path.split("/").at(-1));
    // The access log masks the token: the manifest's pattern captures exactly it.
    expect(reportsModule.secretPaths?.map((pattern) => pattern.exec(path)?.[1])).toContain(
      path.split("/").at(-1),
    );

    // A mail scanner's prefetch changes nothing.
    const confirm = await platform.request(`http://localhost${path}`);
    expect(confirm.status).toBe(200);
    const page = await confirm.text();
    expect(page).toContain(report.reference);
    expect(page).toContain("お知らせを止める");
    expect(page).toContain(`method="post" action="${path}"`);
    const english = await (await platform.request(`http://localhost${path}?lang=en`)).text();
    expect(english).toContain("Stop updates");
    expect(await followersOf(report)).toHaveLength(1);

    const done = await post(`http://localhost${path}`);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("お知らせを止めました");
    expect(await followersOf(report)).toHaveLength(0);
    const [audit] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "reports.report.unsubscribe"), eq(auditLog.resourceId, report.id)));
    expect(audit?.actorType).toBe("guest");

    // The used link is gone, in both languages.
    const again = await platform.request(`http://localhost${path}`);
    expect(again.status).toBe(404);
    expect(await again.text()).toContain("このリンクは使えません");
    const againEn = await post(`http://localhost${path}?lang=en`);
    expect(againEn.status).toBe(404);
    expect(await againEn.text()).toContain("This link cannot be used");

    // The next change sends that address nothing.
    await changeReportStatus({ ...adminCtx(), reportId: report.id, statusKey: "in_progress" });
    await platform.worker.drain();
    expect(await mailsTo(report, "guest@example.jp")).toHaveLength(1);
  });

  it("writes the link in the follower's language and keeps only the newest link working", async () => {
    const report = await file("visitor@example.com", "en");
    await changeReportStatus({ ...adminCtx(), reportId: report.id, statusKey: "investigating" });
    await platform.worker.drain();
    const older = await linkIn(report, "visitor@example.com");
    await changeReportStatus({ ...adminCtx(), reportId: report.id, statusKey: "in_progress" });
    await platform.worker.drain();
    const newest = await linkIn(report, "visitor@example.com");
    expect(newest).not.toBe(older);
    expect((await mailsTo(report, "visitor@example.com")).at(-1)?.body).toContain("To stop updates");
    expect((await platform.request(`http://localhost${older}`)).status).toBe(404);
    expect((await post(`http://localhost${older}`)).status).toBe(404);
    expect(await followersOf(report)).toHaveLength(1);
    expect((await platform.request(`http://localhost${newest}`)).status).toBe(200);
  });

  it("stops the updates of the report a merge carried the address to, by the merged notice's link", async () => {
    // The same person reported the problem twice; someone else reported it once more.
    const target = await file("twice@example.jp");
    const middle = await file("middle@example.jp");
    const duplicate = await file("twice@example.jp");
    // Merged twice over: duplicate → middle → target.
    await mergeReports({ ...adminCtx(), reportId: duplicate.id, into: { id: middle.id } });
    await mergeReports({ ...adminCtx(), reportId: middle.id, into: { id: target.id } });
    await platform.worker.drain();
    expect((await followersOf(middle)).map((f) => f.email?.toLowerCase())).toContain("twice@example.jp");
    const [notice] = await mailsTo(duplicate, "twice@example.jp");
    expect(notice?.body).toContain(middle.reference);
    const path = await linkIn(duplicate, "twice@example.jp");

    expect((await post(`http://localhost${path}`)).status).toBe(200);
    for (const report of [duplicate, middle, target]) {
      expect((await followersOf(report)).map((f) => f.email?.toLowerCase())).not.toContain(
        "twice@example.jp",
      );
    }
    // Someone else's copy stays and still hears of the target.
    expect((await followersOf(target)).map((f) => f.email)).toEqual(["middle@example.jp"]);
    await changeReportStatus({ ...adminCtx(), reportId: target.id, statusKey: "in_progress" });
    await platform.worker.drain();
    expect(await mailsTo(target, "twice@example.jp")).toHaveLength(0);
    expect(await mailsTo(target, "middle@example.jp")).toHaveLength(1);
  });

  it("answers 404 to a wrong token and to a token of another city", async () => {
    const report = await file("city-a@example.jp");
    await changeReportStatus({ ...adminCtx(), reportId: report.id, statusKey: "investigating" });
    await platform.worker.drain();
    const path = await linkIn(report, "city-a@example.jp");
    const wrong = `/reports/unsubscribe/${"A".repeat(43)}`;
    expect((await platform.request(`http://localhost${wrong}`)).status).toBe(404);
    expect((await post(`http://localhost${wrong}`)).status).toBe(404);
    const elsewhere = await platform.request(`http://other.localhost${path}`);
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.text()).not.toContain(report.reference);
    expect((await post(`http://other.localhost${path}`)).status).toBe(404);
    expect(await followersOf(report)).toHaveLength(1);
  });
});
