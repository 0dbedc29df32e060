// Issue 6's counter appointment, end to end: a resident books おくやみ窓口 on a phone and answers its
// pre-questions, the reminder job runs on the worker the day before and reaches their inbox and email, and the
// counter's staff see the appointment with the answers in their day view. Every page is checked with axe.
import { and, eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../app/seed-demo.ts";
import { startOfTokyoDay, tokyoDate } from "../../core/calendar/business-days.ts";
import { enqueueJob } from "../../core/jobs/enqueue-job.ts";
import { jobs } from "../../core/jobs/schema.ts";
import { notifications } from "../../core/notifications/schema.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import {
  axeViolations,
  expectPhonePage,
  launchBrowser,
  signInResidentByCode,
  startTestServer,
  type TestServer,
} from "../../core/testing/browser.ts";
import { parseMail } from "../../core/testing/parse-mail.ts";
import { type SmtpSink, startSmtpSink } from "../../core/testing/smtp-sink.ts";
import { shiftDate } from "./calendar.ts";
import { sendRemindersJob } from "./jobs.ts";
import { appointments, appointmentTypes } from "./schema.ts";

let server: TestServer;
let browser: Browser;
let smtp: SmtpSink;
/** The resident pages and the staff pages share the host name, as in a real install. */
let site: string;

const db = () => server.platform.services.database.db;

beforeAll(async () => {
  smtp = await startSmtpSink();
  [server, browser] = await Promise.all([
    startTestServer({ config: { smtpUrl: smtp.url } }),
    launchBrowser(),
  ]);
  site = server.baseUrl.replace("127.0.0.1", "localhost");
  server.platform.worker.start();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await smtp?.close();
});

const signInResident = (page: Page, email: string) => signInResidentByCode(page, { site, db: db(), email });

describe("a counter appointment with pre-questions and a reminder", () => {
  it("is booked on a phone with answers, reminded the day before, and shown to the counter's staff", async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "ja-JP" });
    const page = await context.newPage();
    await signInResident(page, "izumi@example.jp");

    await page.goto(`${site}/appointments`);
    await expectPhonePage(page);
    await page.getByRole("link", { name: "おくやみ窓口の日時を選ぶ" }).click();
    await page.waitForURL(/\/appointments\/okuyami$/);
    await expectPhonePage(page);
    await page.getByRole("list", { name: "日にちを選ぶ" }).getByRole("link").first().click();
    await page.waitForURL(/\?date=\d{4}-\d{2}-\d{2}#slots$/);
    await expectPhonePage(page);
    await page.locator('input[name="slot"]').first().check();
    await page.getByRole("button", { name: "この時間で進む" }).click();
    await page.waitForURL(/\/appointments\/okuyami\/book\?slot=/);
    await expectPhonePage(page);

    // Nothing answered: the runner's own messages, on the same page.
    await page.getByRole("button", { name: "入力内容を確認する" }).click();
    await expect.poll(() => page.locator(".error-summary").count()).toBe(1);
    expect(await page.locator(".error-summary").textContent()).toContain(
      "「亡くなられた方のお名前」を入力してください",
    );
    await expectPhonePage(page);

    await page.getByLabel("亡くなられた方のお名前").fill("手野 一郎");
    await page.getByLabel("亡くなられた日").fill("2026-11-01");
    await page.getByLabel("子", { exact: true }).check();
    await page.getByLabel("年金").check();
    await page.getByRole("button", { name: "入力内容を確認する" }).click();
    await page.getByRole("heading", { level: 1, name: "予約の内容の確認" }).waitFor();
    expect(await page.locator("main").textContent()).toContain("手野 一郎");
    await expectPhonePage(page);
    await page.getByRole("button", { name: "予約する" }).click();
    await page.waitForURL(/\/appointments\/a\/[0-9a-f-]{36}\?booked=1$/);
    await expectPhonePage(page);
    const appointmentId = /\/a\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    const [appointment] = await db().select().from(appointments).where(eq(appointments.id, appointmentId));
    expect(await page.locator(".reference").textContent()).toBe(appointment!.reference);
    expect(await page.getByRole("link", { name: "カレンダーに追加（.ics）" }).getAttribute("href")).toBe(
      `/appointments/a/${appointmentId}/appointment.ics`,
    );

    // The worker runs the reminder job as if it were noon the day before.
    const dayBefore = shiftDate(tokyoDate(appointment!.startsAt), -1);
    const noon = new Date(startOfTokyoDay(dayBefore).getTime() + 12 * 3_600_000);
    await enqueueJob(db(), { job: sendRemindersJob, payload: { asOf: noon.toISOString() } });
    // Her mail holds the sign-in code, the booking confirmation, then the reminder.
    const remindersTo = () =>
      smtp.received
        .filter((mail) => mail.to.includes("izumi@example.jp"))
        .map((mail) => parseMail(mail.raw))
        .filter((mail) => mail.headers.get("subject")?.includes("ご予約のお知らせ"));
    await expect.poll(() => remindersTo().length, { timeout: 20_000 }).toBe(1);
    const confirmation = smtp.received
      .filter((mail) => mail.to.includes("izumi@example.jp"))
      .map((mail) => parseMail(mail.raw))
      .find((mail) => mail.headers.get("subject")?.includes("ご予約を承りました"));
    expect(confirmation?.text).toContain(`/appointments/a/${appointmentId}/appointment.ics`);
    const reminder = remindersTo()[0]!;
    expect(reminder.headers.get("subject")).toContain("ご予約のお知らせ");
    expect(reminder.text).toContain(appointment!.reference);
    expect(reminder.text).toContain(`/appointments/a/${appointmentId}`);
    const inbox = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.reference, appointment!.reference), eq(notifications.channel, "inbox")));
    expect(inbox.map((message) => message.subject).toSorted()).toEqual([
      expect.stringContaining("ご予約のお知らせ"),
      expect.stringContaining("ご予約を承りました"),
    ]);
    // A second run the same day sends nothing more.
    const again = await enqueueJob(db(), { job: sendRemindersJob, payload: { asOf: noon.toISOString() } });
    await expect
      .poll(async () => (await db().select().from(jobs).where(eq(jobs.id, again!)))[0]?.status, {
        timeout: 20_000,
      })
      .toBe("succeeded");
    await page.goto(`${site}/my`);
    expect(await page.locator("main").textContent()).toContain("ご予約のお知らせ");
    expect(await page.locator("main").textContent()).toContain(appointment!.reference);
    await expectPhonePage(page);
    await context.close();

    // The counter's clerk (窓口係) opens the day.
    const staffContext = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: "ja-JP",
    });
    const signedIn = await staffContext.request.post(`${site}/staff/api/session`, {
      data: { email: "staff@tenohira.localhost", password: DEMO_PASSWORD },
    });
    expect(signedIn.status()).toBe(200);
    const staffPage = await staffContext.newPage();
    await staffPage.goto(`${site}/staff/appointments`);
    await staffPage.getByRole("link", { name: "おくやみ窓口" }).click();
    await staffPage.getByRole("heading", { level: 1, name: /おくやみ窓口の予約一覧/ }).waitFor();
    const [tenant] = await db().select().from(tenants);
    const [type] = await db()
      .select()
      .from(appointmentTypes)
      .where(and(eq(appointmentTypes.tenantId, tenant!.id), eq(appointmentTypes.slug, "okuyami")));
    await staffPage.goto(
      `${site}/staff/appointments/types/${type!.id}?date=${tokyoDate(appointment!.startsAt)}`,
    );
    const entry = staffPage.locator("section.appointment", { hasText: appointment!.reference });
    await entry.waitFor();
    const shown = await entry.textContent();
    expect(shown).toContain("izumi@example.jp");
    expect(shown).toContain("手野 一郎");
    expect(shown).toContain("年金");
    expect(shown).toContain("予約済み");
    expect(await axeViolations(staffPage), staffPage.url()).toEqual([]);

    const emails = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.reference, appointment!.reference), eq(notifications.channel, "email")));
    expect(emails.filter((message) => message.subject.includes("ご予約のお知らせ"))).toHaveLength(1);
    await staffContext.close();

    // The same pages in English, signed out.
    const english = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "en-GB" });
    const visitor = await english.newPage();
    await visitor.goto(`${site}/appointments?lang=en`);
    await expectPhonePage(visitor);
    await visitor.getByRole("link", { name: "Choose a time for Bereavement counter" }).click();
    await visitor.getByRole("list", { name: "Choose a day" }).getByRole("link").first().click();
    await visitor.getByRole("heading", { level: 2, name: /Choose a time on/ }).waitFor();
    await expectPhonePage(visitor);
    await english.close();
  }, 90_000);
});
