import { and, eq, inArray, sql } from "drizzle-orm";
import { pino } from "pino";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../core/audit/schema.ts";
import { tokyoDate } from "../../core/calendar/business-days.ts";
import { domainEvents } from "../../core/events/schema.ts";
import { residents, staffAccounts } from "../../core/identity/schema.ts";
import { jobs } from "../../core/jobs/schema.ts";
import { notifications } from "../../core/notifications/schema.ts";
import type { FileStore } from "../../core/storage/file-store.ts";
import { storedFiles } from "../../core/storage/schema.ts";
import { type Tenant, tenants } from "../../core/tenancy/schema.ts";
import { addCityAdmin, addSecondCity } from "../../core/testing/second-city.ts";
import { createTestPlatform, type TestPlatform } from "../../core/testing/test-platform.ts";
import { deleteExpiredPersonalDataJob, deleteStoredFileJob } from "./jobs.ts";
import { reportsModule } from "./module.ts";
import { changeReportStatus } from "./operations/change-report-status.ts";
import { deleteExpiredPersonalData } from "./operations/delete-expired-personal-data.ts";
import { followReport } from "./operations/follow-report.ts";
import { mergeReports } from "./operations/merge-reports.ts";
import { reopenReport } from "./operations/reopen-report.ts";
import {
  type Report,
  reportCategories,
  reportEntries,
  reportFollowers,
  reportPhotos,
  reportStatuses,
  reports,
} from "./schema.ts";
import { demoPlaces } from "./seeds.ts";
import { addReportBasics, fileTestReport, memberContext } from "./testing.ts";

let platform: TestPlatform;
let tenant: Tenant;
let otherCity: Tenant;
let adminId: string;
let otherAdminId: string;
let admin: Record<string, string>;
const db = () => platform.services.database.db;
const system = { type: "system" as const, id: null };

const contact = { name: "通報 太郎", email: "taro.retention@example.jp", phone: "090-1234-5678" };

async function jpeg(colour: string): Promise<Uint8Array> {
  return new Uint8Array(
    await sharp({ create: { width: 32, height: 24, channels: 3, background: colour } })
      .jpeg()
      .toBuffer(),
  );
}

async function addResident(email: string): Promise<string> {
  const [row] = await db()
    .insert(residents)
    .values({ tenantId: tenant.id, email })
    .returning({ id: residents.id });
  return row!.id;
}

/** A guest's report in the demo city with a full contact (its address confirmed as a follower). */
function fileWithContact(categoryCode: string, extra: { photos?: number } = {}): Promise<Report> {
  return Promise.all(
    Array.from({ length: extra.photos ?? 0 }, (_, i) => jpeg(["#884422", "#224488", "#448822"][i]!)),
  ).then((bytes) =>
    fileTestReport({
      services: platform.services,
      tenantId: tenant.id,
      categoryCode,
      point: demoPlaces.higashiMachi,
      description: `${categoryCode} の保存期間テスト`,
      contact,
      photos: bytes.map((b, i) => ({ fileName: `p${i + 1}.jpg`, bytes: b })),
      confirmEmail: true,
    }),
  );
}

/** Closes the report through the staff operation, then moves its closing back in time (e.g. "37 months"). */
async function closeAgo(
  report: Report,
  ago: string,
  city: { tenantId: string; staffId: string; statusKey: string } = {
    tenantId: tenant.id,
    staffId: adminId,
    statusKey: "fixed",
  },
): Promise<void> {
  await changeReportStatus({
    ...memberContext({ db: db(), tenantId: city.tenantId, staffId: city.staffId, departmentIds: "all" }),
    reportId: report.id,
    statusKey: city.statusKey,
  });
  await db()
    .update(reports)
    .set({ closedAt: sql`now() - ${ago}::interval` })
    .where(eq(reports.id, report.id));
}

const reload = async (id: string) => (await db().select().from(reports).where(eq(reports.id, id)))[0]!;
const followersOf = (id: string) =>
  db().select().from(reportFollowers).where(eq(reportFollowers.reportId, id));
const photosOf = (id: string) =>
  db()
    .select({ position: reportPhotos.position, public: reportPhotos.public, key: storedFiles.storageKey })
    .from(reportPhotos)
    .innerJoin(storedFiles, eq(storedFiles.id, reportPhotos.fileId))
    .where(eq(reportPhotos.reportId, id))
    .orderBy(reportPhotos.position);
const run = (tenantId = tenant.id) =>
  deleteExpiredPersonalData({ services: platform.services, tenantId, actor: system });

async function addCategory(code: string, values: { retentionMonths: number; reopenDays?: number }) {
  await db()
    .insert(reportCategories)
    .values({ tenantId: tenant.id, code, nameJa: code, nameEn: code, ...values });
}

beforeAll(async () => {
  platform = await createTestPlatform();
  [tenant] = (await db().select().from(tenants).where(eq(tenants.slug, "tenohira"))) as [Tenant];
  [{ id: adminId }] = (await db()
    .select({ id: staffAccounts.id })
    .from(staffAccounts)
    .where(eq(staffAccounts.email, "admin@tenohira.localhost"))) as [{ id: string }];
  otherCity = await addSecondCity(db(), {
    slug: "retention-other",
    municipalityCode: "990045",
    hosts: ["retention-other.localhost"],
  });
  otherAdminId = await addCityAdmin(db(), otherCity.id);
  await addReportBasics(db(), otherCity.id, { code: "other-road", nameJa: "道路", nameEn: "Roads" });
  await db().insert(reportStatuses).values({
    tenantId: otherCity.id,
    key: "done",
    labelJa: "対応済",
    labelEn: "Fixed",
    category: "fixed",
    stage: "done",
  });
  admin = await platform.signInStaff("admin@tenohira.localhost");
}, 120_000);
afterAll(() => platform?.close());

describe("deleting reporters' personal data after the retention period", () => {
  it("deletes contact, e-mail followers and private photos 36 months after closing, and keeps the record", async () => {
    const expired = await fileWithContact("streetlight", { photos: 2 });
    const resident = await addResident("follower.retention@example.jp");
    await followReport({
      db: db(),
      tenantId: tenant.id,
      reportId: expired.id,
      residentId: resident,
      locale: "ja",
      actor: { type: "resident", id: resident },
    });
    // Staff published the second photo: it is part of the public record now.
    await db()
      .update(reportPhotos)
      .set({ public: true })
      .where(and(eq(reportPhotos.reportId, expired.id), eq(reportPhotos.position, 2)));
    const young = await fileWithContact("streetlight", { photos: 1 });
    const open = await fileWithContact("streetlight");
    await db()
      .update(reports)
      .set({ receivedAt: sql`now() - interval '5 years'` })
      .where(eq(reports.id, open.id));
    await closeAgo(expired, "37 months");
    await closeAgo(young, "35 months");
    const [privatePhoto, publicPhoto] = await photosOf(expired.id);
    expect(await platform.services.storage.get(privatePhoto!.key)).not.toBeNull();

    const result = await run();
    // Nothing was mailed yet: the worker has not run in this file so far.
    expect(result).toEqual({ reports: 1, contactFields: 3, emailFollowers: 1, photos: 1, notifications: 0 });
    // The bytes go by a job queued with the deletion, so a store that is down cannot keep them for good.
    expect(await platform.services.storage.get(privatePhoto!.key)).not.toBeNull();
    await platform.worker.drain();

    const after = await reload(expired.id);
    expect(after).toMatchObject({
      contactName: null,
      contactEmail: null,
      contactPhone: null,
      description: "streetlight の保存期間テスト",
    });
    expect(after.personalDataDeletedAt).toBeInstanceOf(Date);
    expect((await followersOf(expired.id)).map((f) => f.residentId)).toEqual([resident]);
    expect(await photosOf(expired.id)).toEqual([publicPhoto]);
    expect(await platform.services.storage.get(privatePhoto!.key)).toBeNull();
    expect(await platform.services.storage.get(publicPhoto!.key)).not.toBeNull();
    expect(
      await db().select().from(storedFiles).where(eq(storedFiles.storageKey, privatePhoto!.key)),
    ).toEqual([]);

    for (const kept of [young, open]) {
      const row = await reload(kept.id);
      expect(row).toMatchObject({ contactEmail: contact.email, contactPhone: contact.phone });
      expect(row.personalDataDeletedAt).toBeNull();
      expect((await followersOf(kept.id)).filter((f) => f.email)).toHaveLength(1);
    }
    expect(await photosOf(young.id)).toHaveLength(1);

    // A second run finds nothing left and changes nothing.
    const version = after.version;
    expect(await run()).toMatchObject({ reports: 0, contactFields: 0, emailFollowers: 0, photos: 0 });
    expect((await reload(expired.id)).version).toBe(version);
  });

  it("removes a photo's bytes even when the store fails at first, by retrying the job", async () => {
    const report = await fileWithContact("streetlight", { photos: 1 });
    await closeAgo(report, "37 months");
    const [photo] = await photosOf(report.id);
    const store = platform.services.storage;
    let failures = 1;
    const flaky: FileStore = {
      ...store,
      async delete(key) {
        if (failures-- > 0) {
          throw new Error("object store unavailable");
        }
        await store.delete(key);
      },
    };
    platform.services.storage = flaky;
    try {
      expect(await run()).toMatchObject({ reports: 1, photos: 1 });
      await platform.worker.drain();
      expect(await platform.services.storage.get(photo!.key)).not.toBeNull();
      const jobOf = async () =>
        (
          await db()
            .select()
            .from(jobs)
            .where(and(eq(jobs.name, deleteStoredFileJob.name), sql`${jobs.payload}->>'key' = ${photo!.key}`))
        )[0]!;
      expect(await jobOf()).toMatchObject({
        status: "queued",
        attempts: 1,
        maxAttempts: 10,
        lastError: "object store unavailable",
      });
      // The retry is due after its back-off; bring it forward instead of waiting.
      await db().update(jobs).set({ runAt: sql`now()` }).where(eq(jobs.name, deleteStoredFileJob.name));
      await platform.worker.drain();
      expect(await jobOf()).toMatchObject({ status: "succeeded", attempts: 2 });
      expect(await platform.services.storage.get(photo!.key)).toBeNull();
      // A retry after a delete whose answer was lost finds no file, and that is success.
      await deleteStoredFileJob.handle(
        { key: photo!.key },
        {
          jobId: 1,
          tenantId: tenant.id,
          attempt: 3,
          logger: pino({ level: "silent" }),
          services: platform.services,
        },
      );
    } finally {
      platform.services.storage = store;
    }
  });

  it("blanks the reporter's and e-mail followers' addresses in the messages mailed to them, not a resident's", async () => {
    const address = "mailed.retention@example.jp";
    const report = await fileTestReport({
      services: platform.services,
      tenantId: tenant.id,
      categoryCode: "streetlight",
      point: demoPlaces.higashiMachi,
      contact: { name: "通報 花子", email: address },
    });
    await platform.worker.drain();
    // The confirmation mail went out; once confirmed, the address gets the updates too.
    await db()
      .update(reportFollowers)
      .set({ confirmedAt: new Date() })
      .where(eq(reportFollowers.reportId, report.id));
    const resident = await addResident("inbox.retention@example.jp");
    await followReport({
      db: db(),
      tenantId: tenant.id,
      reportId: report.id,
      residentId: resident,
      locale: "ja",
      actor: { type: "resident", id: resident },
    });
    await closeAgo(report, "37 months");
    await platform.worker.drain();
    const elsewhere = await fileTestReport({
      services: platform.services,
      tenantId: otherCity.id,
      categoryCode: "other-road",
      point: demoPlaces.kitaMachi,
      contact: { email: address },
    });
    await platform.worker.drain();
    // References are a city's own: another city may have mailed the same address under the same one.
    await db()
      .update(notifications)
      .set({ reference: report.reference })
      .where(and(eq(notifications.tenantId, otherCity.id), eq(notifications.reference, elsewhere.reference)));
    const messages = (tenantId: string) =>
      db()
        .select()
        .from(notifications)
        .where(and(eq(notifications.tenantId, tenantId), eq(notifications.reference, report.reference)))
        .orderBy(notifications.createdAt, notifications.channel);
    const mailed = await messages(tenant.id);
    const guestMails = mailed.filter((m) => m.recipient === address);
    expect(guestMails.map((m) => m.status)).toEqual(["delivered", "delivered"]);
    expect(guestMails[0]!.body).toContain("/reports/followers/confirm?token=");
    const residentMessages = mailed.filter((m) => m.residentId === resident);
    expect(residentMessages.map((m) => m.channel).sort()).toEqual(["email", "inbox"]);
    const otherCityBefore = await messages(otherCity.id);
    expect(otherCityBefore.map((m) => m.recipient)).toEqual([address]);

    expect(await run()).toMatchObject({ reports: 1, emailFollowers: 1, notifications: 2 });
    await platform.worker.drain();

    const after = await messages(tenant.id);
    expect(JSON.stringify(after.filter((m) => m.residentId === null))).not.toContain(address);
    for (const mail of guestMails) {
      expect(after.find((m) => m.id === mail.id)).toMatchObject({
        recipient: null,
        subject: "",
        body: "",
        status: "delivered",
        templateId: mail.templateId,
      });
    }
    expect(after.filter((m) => m.residentId === resident)).toEqual(residentMessages);
    expect(await messages(otherCity.id)).toEqual(otherCityBefore);
  });

  it("writes one internal timeline entry, an audit record and an event, with counts and no personal data", async () => {
    const report = await fileWithContact("streetlight", { photos: 1 });
    await closeAgo(report, "40 months");
    await run();
    const entries = await db()
      .select()
      .from(reportEntries)
      .where(and(eq(reportEntries.reportId, report.id), eq(reportEntries.kind, "personal_data_deleted")));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      public: false,
      actorType: "system",
      body: null,
      data: { contactFields: 3, emailFollowers: 1, photos: 1, retentionMonths: 36 },
    });
    const audits = await db()
      .select()
      .from(auditLog)
      .where(
        and(eq(auditLog.resourceId, report.id), eq(auditLog.action, "reports.report.delete_personal_data")),
      );
    expect(audits).toHaveLength(1);
    expect(audits[0]!.after).toEqual({ contactFields: 3, emailFollowers: 1, photos: 1, retentionMonths: 36 });
    const events = await db()
      .select()
      .from(domainEvents)
      .where(
        and(
          eq(domainEvents.name, "reports.personal_data_deleted"),
          sql`${domainEvents.payload}->>'reportId' = ${report.id}`,
        ),
      );
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toEqual({
      reportId: report.id,
      contactFields: 3,
      emailFollowers: 1,
      photos: 1,
      retentionMonths: 36,
    });
    const written = JSON.stringify([entries, audits, events]);
    for (const value of [contact.name, contact.email, contact.phone]) {
      expect(written).not.toContain(value);
    }
  });

  it("follows the category's own period: 12 months deletes at 13, not at 11", async () => {
    await addCategory("retain-12", { retentionMonths: 12 });
    const thirteen = await fileWithContact("retain-12");
    const eleven = await fileWithContact("retain-12");
    await closeAgo(thirteen, "13 months");
    await closeAgo(eleven, "11 months");
    expect(await run()).toMatchObject({ reports: 1 });
    expect((await reload(thirteen.id)).contactEmail).toBeNull();
    expect((await reload(eleven.id)).contactEmail).toBe(contact.email);
  });

  it("treats a merged duplicate like any closed report; the target keeps the followers carried over", async () => {
    const target = await fileWithContact("park");
    const duplicate = await fileTestReport({
      services: platform.services,
      tenantId: tenant.id,
      categoryCode: "park",
      point: demoPlaces.higashiMachi,
      contact: { email: "dup.retention@example.jp" },
      confirmEmail: true,
    });
    await mergeReports({
      ...memberContext({ db: db(), tenantId: tenant.id, staffId: adminId, departmentIds: "all" }),
      reportId: duplicate.id,
      into: { id: target.id },
    });
    await db()
      .update(reports)
      .set({ closedAt: sql`now() - interval '37 months'` })
      .where(eq(reports.id, duplicate.id));
    expect(await run()).toMatchObject({ reports: 1, emailFollowers: 1 });
    expect((await reload(duplicate.id)).contactEmail).toBeNull();
    expect(await followersOf(duplicate.id)).toEqual([]);
    expect((await followersOf(target.id)).map((f) => f.email).sort()).toEqual([
      "dup.retention@example.jp",
      contact.email,
    ]);
  });

  it("deletes e-mail followers a later merge carries into a report whose data is already gone", async () => {
    const target = await fileWithContact("park");
    await closeAgo(target, "37 months");
    expect(await run()).toMatchObject({ reports: 1 });
    const late = await fileTestReport({
      services: platform.services,
      tenantId: tenant.id,
      categoryCode: "park",
      point: demoPlaces.higashiMachi,
      contact: { email: "late.retention@example.jp" },
      confirmEmail: true,
    });
    await mergeReports({
      ...memberContext({ db: db(), tenantId: tenant.id, staffId: adminId, departmentIds: "all" }),
      reportId: late.id,
      into: { id: target.id },
    });
    expect((await followersOf(target.id)).map((f) => f.email)).toEqual(["late.retention@example.jp"]);
    expect(await run()).toMatchObject({ reports: 1, contactFields: 0, emailFollowers: 1, photos: 0 });
    expect(await followersOf(target.id)).toEqual([]);
    // The duplicate was closed just now: its own reporter's address is kept until its period passes.
    expect((await followersOf(late.id)).map((f) => f.email)).toEqual(["late.retention@example.jp"]);
    expect(
      await db()
        .select({ data: reportEntries.data })
        .from(reportEntries)
        .where(and(eq(reportEntries.reportId, target.id), eq(reportEntries.kind, "personal_data_deleted")))
        .orderBy(reportEntries.id),
    ).toEqual([
      { data: { contactFields: 3, emailFollowers: 1, photos: 0, retentionMonths: 36 } },
      { data: { contactFields: 0, emailFollowers: 1, photos: 0, retentionMonths: 36 } },
    ]);
    expect(await run()).toMatchObject({ reports: 0 });
  });

  it("lets a resident who followed before closing still reopen a report whose data was deleted", async () => {
    await addCategory("retain-1", { retentionMonths: 1, reopenDays: 365 });
    const report = await fileWithContact("retain-1");
    const resident = await addResident("reopener.retention@example.jp");
    await followReport({
      db: db(),
      tenantId: tenant.id,
      reportId: report.id,
      residentId: resident,
      locale: "ja",
      actor: { type: "resident", id: resident },
    });
    await db()
      .update(reportFollowers)
      .set({ createdAt: sql`now() - interval '60 days'` })
      .where(eq(reportFollowers.reportId, report.id));
    await closeAgo(report, "40 days");
    expect(await run()).toMatchObject({ reports: 1, emailFollowers: 1 });
    expect((await followersOf(report.id)).map((f) => f.residentId)).toEqual([resident]);
    const reopened = await reopenReport({
      db: db(),
      tenantId: tenant.id,
      reportId: report.id,
      residentId: resident,
      reason: "まだ直っていません",
      actor: { type: "resident", id: resident },
    });
    expect(reopened).toEqual({ ok: true });
    const row = await reload(report.id);
    expect(row).toMatchObject({ statusCategory: "open", closedAt: null, contactEmail: null });
    expect(row.personalDataDeletedAt).toBeInstanceOf(Date);
  });

  it("handles each city under its own category setting only", async () => {
    await db()
      .update(reportCategories)
      .set({ retentionMonths: 48 })
      .where(eq(reportCategories.tenantId, otherCity.id));
    const file = () =>
      fileTestReport({
        services: platform.services,
        tenantId: otherCity.id,
        categoryCode: "other-road",
        point: demoPlaces.kitaMachi,
        contact: { email: "elsewhere.retention@example.jp" },
      });
    const thirtySeven = await file();
    const fortyNine = await file();
    const city = { tenantId: otherCity.id, staffId: otherAdminId, statusKey: "done" };
    await closeAgo(thirtySeven, "37 months", city);
    await closeAgo(fortyNine, "49 months", city);
    // The demo city's run never reaches another city's reports.
    await run(tenant.id);
    expect((await reload(fortyNine.id)).contactEmail).toBe("elsewhere.retention@example.jp");
    expect(await run(otherCity.id)).toMatchObject({ reports: 1 });
    expect((await reload(fortyNine.id)).contactEmail).toBeNull();
    // 37 months is past the demo city's 36 but within this city's 48.
    expect((await reload(thirtySeven.id)).contactEmail).toBe("elsewhere.retention@example.jp");
  });

  it("works in batches, and the nightly job runs them for every city until none is left", async () => {
    expect(reportsModule.jobs?.map((j) => j.name)).toContain("reports.delete-expired-personal-data");
    expect(deleteExpiredPersonalDataJob.cron).toBe("30 3 * * *");
    const three = [
      await fileWithContact("river"),
      await fileWithContact("river"),
      await fileWithContact("river"),
    ];
    for (const report of three) {
      await closeAgo(report, "38 months");
    }
    const batch = await deleteExpiredPersonalData({
      services: platform.services,
      tenantId: tenant.id,
      actor: system,
      batchSize: 2,
    });
    expect(batch.reports).toBe(2);
    const nightly = (payload: { budgetMs?: number }) =>
      deleteExpiredPersonalDataJob.handle(payload, {
        jobId: 1,
        tenantId: null,
        attempt: 1,
        logger: pino({ level: "silent" }),
        services: platform.services,
      });
    // A run whose time is spent leaves the rest for the next night.
    await nightly({ budgetMs: 0 });
    const kept = await db()
      .select()
      .from(reports)
      .where(
        and(
          inArray(
            reports.id,
            three.map((r) => r.id),
          ),
          sql`personal_data_deleted_at IS NULL`,
        ),
      );
    expect(kept).toHaveLength(1);
    await nightly({});
    const rows = await db()
      .select()
      .from(reports)
      .where(
        inArray(
          reports.id,
          three.map((r) => r.id),
        ),
      );
    expect(rows.every((r) => r.contactEmail === null && r.personalDataDeletedAt !== null)).toBe(true);
    expect(await run()).toMatchObject({ reports: 0 });
    expect(await run(otherCity.id)).toMatchObject({ reports: 0 });
  });
});

describe("retention on the staff pages", () => {
  const categoryFields = (over: Record<string, string> = {}) => ({
    code: "retention-signs",
    nameJa: "標識",
    nameEn: "Signs",
    slaBusinessDays: "",
    defaultDepartmentId: "",
    publicLocation: "exact",
    coarsenMeters: "200",
    duplicateRadiusMeters: "50",
    reopenDays: "14",
    retentionMonths: "24",
    allowAnonymous: "1",
    formSlug: "",
    active: "1",
    ...over,
  });
  const post = (path: string, fields: Record<string, string>) =>
    platform.request(`http://localhost${path}`, {
      method: "POST",
      headers: admin,
      body: new URLSearchParams(fields),
    });
  const saved = () =>
    db()
      .select()
      .from(reportCategories)
      .where(and(eq(reportCategories.tenantId, tenant.id), eq(reportCategories.code, "retention-signs")));

  it("refuses a retention period outside 1 to 120 months in both languages, saving nothing", async () => {
    for (const value of ["0", "121"]) {
      const ja = await post(
        "/staff/reports/setup/categories/new",
        categoryFields({ retentionMonths: value }),
      );
      expect(ja.status).toBe(422);
      const text = await ja.text();
      expect(text).toContain("個人情報の保存期間は1〜120か月の整数です");
      expect(text).toContain(
        `id="f-retentionMonths" name="retentionMonths" type="number" value="${value}" aria-invalid="true"`,
      );
      const en = await post(
        "/staff/reports/setup/categories/new?lang=en",
        categoryFields({ retentionMonths: value }),
      );
      expect(en.status).toBe(422);
      expect(await en.text()).toContain("Keep personal data for 1 to 120 months");
    }
    expect(await saved()).toEqual([]);
  });

  it("stores the period and shows it on the category form", async () => {
    expect((await post("/staff/reports/setup/categories/new", categoryFields())).status).toBe(303);
    const [category] = await saved();
    expect(category?.retentionMonths).toBe(24);
    const page = await (
      await platform.request(`http://localhost/staff/reports/setup/categories/${category!.id}`, {
        headers: admin,
      })
    ).text();
    expect(page).toContain("個人情報の保存期間（月）");
    expect(page).toContain('name="retentionMonths" type="number" value="24"');
  });

  it("shows on the report page that the contact was deleted, and when", async () => {
    const report = await fileWithContact("dead-animal");
    await closeAgo(report, "37 months");
    await run();
    const { personalDataDeletedAt } = await reload(report.id);
    const day = tokyoDate(personalDataDeletedAt!);
    const page = await (
      await platform.request(`http://localhost/staff/reports/${report.id}`, { headers: admin })
    ).text();
    expect(page).toContain(`連絡先は保存期間が過ぎたため削除しました（${day}）`);
    expect(page).not.toContain(contact.email);
    const en = await (
      await platform.request(`http://localhost/staff/reports/${report.id}?lang=en`, { headers: admin })
    ).text();
    expect(en).toContain(`Contact details deleted after the retention period (${day})`);
  });
});
