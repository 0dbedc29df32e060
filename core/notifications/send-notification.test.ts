import { createServer } from "node:net";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../db/database.ts";
import { residents } from "../identity/schema.ts";
import { enqueueJob } from "../jobs/enqueue-job.ts";
import { jobs } from "../jobs/schema.ts";
import { tenants } from "../tenancy/schema.ts";
import { parseMail } from "../testing/parse-mail.ts";
import { type SmtpSink, startSmtpSink } from "../testing/smtp-sink.ts";
import { createTestPlatform, type TestPlatform } from "../testing/test-platform.ts";
import { saveTemplate } from "./save-template.ts";
import { notifications } from "./schema.ts";
import { deliverEmailJob, NotificationTemplateNotFoundError, sendNotification } from "./send-notification.ts";

const REFUSED = "unknown-mailbox@example.jp";

async function demoTenantId(db: Db): Promise<string> {
  const [tenant] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, "tenohira"));
  return tenant!.id;
}

async function addResident(
  db: Db,
  values: { tenantId: string; email: string | null; preferredLanguage?: "ja" | "en" },
): Promise<string> {
  const [row] = await db
    .insert(residents)
    .values({ displayName: "住民", ...values })
    .returning({ id: residents.id });
  return row!.id;
}

async function messageById(db: Db, id: string) {
  const [row] = await db.select().from(notifications).where(eq(notifications.id, id));
  return row!;
}

async function jobsFor(db: Db, notificationId: string) {
  return db
    .select({
      status: jobs.status,
      attempts: jobs.attempts,
      lastError: jobs.lastError,
      tenantId: jobs.tenantId,
      secondsUntilRun: sql<number>`extract(epoch from (${jobs.runAt} - now()))::float8`,
    })
    .from(jobs)
    .where(
      and(eq(jobs.name, deliverEmailJob.name), sql`${jobs.payload}->>'notificationId' = ${notificationId}`),
    );
}

describe("sendNotification with a working SMTP server", () => {
  let sink: SmtpSink;
  let platform: TestPlatform;
  let db: Db;
  let tenantId: string;

  beforeAll(async () => {
    sink = await startSmtpSink({ reject: [REFUSED] });
    platform = await createTestPlatform({ config: { smtpUrl: sink.url } });
    db = platform.services.database.db;
    tenantId = await demoTenantId(db);
    await saveTemplate(db, {
      tenantId,
      key: "test.received",
      language: "ja",
      subject: "【てのひら市】((service))を受け付けました",
      body: "((name))様\n\n((service))の申請を受け付けました。受付番号は((reference))です。((!paid??窓口で手数料をお支払いください。))",
    });
    await saveTemplate(db, {
      tenantId,
      key: "test.received",
      language: "en",
      subject: "[Tenohira City] We received your ((service)) application",
      body: "Dear ((name)),\n\nReference: ((reference)).((!paid?? Please pay the fee at the counter.))",
    });
    await saveTemplate(db, {
      tenantId,
      key: "test.japanese-only",
      language: "ja",
      subject: "お知らせ",
      body: "日本語のみのお知らせです。",
    });
  });
  afterAll(async () => {
    await platform?.close();
    await sink?.close();
  });

  const mailsTo = (address: string) => sink.received.filter((mail) => mail.to.includes(address));

  it("puts a message in the resident's inbox and delivers an email through SMTP", async () => {
    const residentId = await addResident(db, { tenantId, email: "hanako@example.jp" });
    const ids = await db.transaction((tx) =>
      sendNotification(tx, {
        tenantId,
        templateKey: "test.received",
        residentId,
        channels: ["inbox", "email"],
        personalisation: { name: "山田 花子", service: "住民票の写し", reference: "R-0001", paid: false },
        reference: "R-0001",
      }),
    );
    expect(ids).toHaveLength(2);
    const rows = await Promise.all(ids.map((id) => messageById(db, id)));
    const inbox = rows.find((row) => row.channel === "inbox")!;
    const email = rows.find((row) => row.channel === "email")!;
    expect(inbox).toMatchObject({ status: "delivered", recipient: null, residentId, tenantId });
    expect(inbox.sentAt).toBeInstanceOf(Date);
    expect(inbox.subject).toBe("【てのひら市】住民票の写しを受け付けました");
    expect(email).toMatchObject({ status: "created", recipient: "hanako@example.jp", reference: "R-0001" });
    expect(await jobsFor(db, email.id)).toMatchObject([{ status: "queued", attempts: 0, tenantId }]);

    await platform.worker.drain();

    const [mail] = await sink.waitFor(1).then(() => mailsTo("hanako@example.jp"));
    expect(mail).toBeDefined();
    expect(mail!.from).toBe("no-reply@tenohira.localhost");
    const parsed = parseMail(mail!.raw);
    expect(parsed.headers.get("subject")).toBe("【てのひら市】住民票の写しを受け付けました");
    expect(parsed.headers.get("x-tenohira-reference")).toBe("R-0001");
    expect(parsed.headers.get("content-type")).toMatch(/charset=utf-8/i);
    expect(parsed.text).toBe(
      "山田 花子様\n\n住民票の写しの申請を受け付けました。受付番号はR-0001です。窓口で手数料をお支払いください。",
    );
    const delivered = await messageById(db, email.id);
    expect(delivered.status).toBe("delivered");
    expect(delivered.statusDetail).toBe(parsed.headers.get("message-id"));
    expect(delivered.sentAt).toBeInstanceOf(Date);
    expect(await jobsFor(db, email.id)).toMatchObject([{ status: "succeeded", attempts: 1 }]);
  });

  it("does not send again when a delivery job runs twice for a delivered message", async () => {
    const [id] = await db.transaction((tx) =>
      sendNotification(tx, {
        tenantId,
        templateKey: "test.japanese-only",
        email: "once@example.jp",
        channels: ["email"],
        personalisation: {},
      }),
    );
    await platform.worker.drain();
    expect(mailsTo("once@example.jp")).toHaveLength(1);
    await enqueueJob(db, { job: deliverEmailJob, payload: { notificationId: id! }, tenantId });
    await platform.worker.drain();
    expect(mailsTo("once@example.jp")).toHaveLength(1);
    expect(await jobsFor(db, id!)).toMatchObject([{ status: "succeeded" }, { status: "succeeded" }]);
  });

  it("cannot be made to add headers or recipients through personalisation", async () => {
    const [id] = await db.transaction((tx) =>
      sendNotification(tx, {
        tenantId,
        templateKey: "test.received",
        email: "victim@example.jp",
        channels: ["email"],
        personalisation: {
          name: "x",
          service: "住民票\r\nBcc: evil@example.jp\r\nX-Injected: yes",
          reference: "R-9",
          paid: true,
        },
      }),
    );
    await platform.worker.drain();
    expect((await messageById(db, id!)).status).toBe("delivered");
    const mail = mailsTo("victim@example.jp")[0]!;
    expect(mail.to).toEqual(["victim@example.jp"]);
    expect(sink.received.some((m) => m.to.includes("evil@example.jp"))).toBe(false);
    const parsed = parseMail(mail.raw);
    expect(parsed.headers.has("bcc")).toBe(false);
    expect(parsed.headers.has("x-injected")).toBe(false);
  });

  it("keeps the text of the template version it was sent with", async () => {
    const key = "test.pinned";
    const v1 = await saveTemplate(db, {
      tenantId,
      key,
      language: "ja",
      subject: "旧件名",
      body: "旧本文 ((x))",
    });
    const residentId = await addResident(db, { tenantId, email: "pinned@example.jp" });
    const [id] = await db.transaction((tx) =>
      sendNotification(tx, {
        tenantId,
        templateKey: key,
        residentId,
        channels: ["email"],
        personalisation: { x: 1 },
      }),
    );
    const v2 = await saveTemplate(db, {
      tenantId,
      key,
      language: "ja",
      subject: "新件名",
      body: "新本文 ((x))",
    });
    expect(v2.version).toBe(2);

    await platform.worker.drain();

    const stored = await messageById(db, id!);
    expect(stored).toMatchObject({
      templateId: v1.id,
      subject: "旧件名",
      body: "旧本文 1",
      status: "delivered",
    });
    const parsed = parseMail(mailsTo("pinned@example.jp")[0]!.raw);
    expect(parsed.headers.get("subject")).toBe("旧件名");
    expect(parsed.text).toBe("旧本文 1");

    const [next] = await db.transaction((tx) =>
      sendNotification(tx, {
        tenantId,
        templateKey: key,
        residentId,
        channels: ["inbox"],
        personalisation: { x: 2 },
      }),
    );
    expect(await messageById(db, next!)).toMatchObject({
      templateId: v2.id,
      subject: "新件名",
      body: "新本文 2",
    });
  });

  it("writes to an English-speaking resident in English", async () => {
    const residentId = await addResident(db, { tenantId, email: "alex@example.jp", preferredLanguage: "en" });
    const [id] = await db.transaction((tx) =>
      sendNotification(tx, {
        tenantId,
        templateKey: "test.received",
        residentId,
        channels: ["email"],
        personalisation: { name: "Alex", service: "residence certificate", reference: "R-0002", paid: true },
      }),
    );
    await platform.worker.drain();
    expect(await messageById(db, id!)).toMatchObject({
      subject: "[Tenohira City] We received your residence certificate application",
      body: "Dear Alex,\n\nReference: R-0002.",
      status: "delivered",
    });
    expect(parseMail(mailsTo("alex@example.jp")[0]!.raw).headers.get("subject")).toBe(
      "[Tenohira City] We received your residence certificate application",
    );
  });

  it("falls back to Japanese when the template has no English version", async () => {
    const residentId = await addResident(db, { tenantId, email: "sam@example.jp", preferredLanguage: "en" });
    const [id] = await db.transaction((tx) =>
      sendNotification(tx, {
        tenantId,
        templateKey: "test.japanese-only",
        residentId,
        channels: ["inbox"],
        personalisation: {},
      }),
    );
    expect(await messageById(db, id!)).toMatchObject({
      subject: "お知らせ",
      body: "日本語のみのお知らせです。",
    });
  });

  it("marks a message to an address the server refuses as a permanent failure, without retrying", async () => {
    const [id] = await db.transaction((tx) =>
      sendNotification(tx, {
        tenantId,
        templateKey: "test.japanese-only",
        email: REFUSED,
        channels: ["email"],
        personalisation: {},
      }),
    );
    await platform.worker.drain();
    const stored = await messageById(db, id!);
    expect(stored.status).toBe("permanent-failure");
    expect(stored.statusDetail).toMatch(/550|recipients were rejected/);
    expect(await jobsFor(db, id!)).toMatchObject([{ status: "succeeded", attempts: 1 }]);
    expect(mailsTo(REFUSED)).toHaveLength(0);
  });

  it("refuses to address a resident of another tenant", async () => {
    const [other] = await db
      .insert(tenants)
      .values({ municipalityCode: "990027", slug: "other-city", nameJa: "よその市", nameEn: "Other City" })
      .returning({ id: tenants.id });
    const outsider = await addResident(db, { tenantId: other!.id, email: "outsider@example.jp" });
    await expect(
      db.transaction((tx) =>
        sendNotification(tx, {
          tenantId,
          templateKey: "test.japanese-only",
          residentId: outsider,
          channels: ["inbox", "email"],
          personalisation: {},
        }),
      ),
    ).rejects.toThrow(/is not in tenant/);
    const leaked = await db.select().from(notifications).where(eq(notifications.residentId, outsider));
    expect(leaked).toHaveLength(0);
  });

  it("fails for an unknown template and for missing personalisation", async () => {
    await expect(
      db.transaction((tx) =>
        sendNotification(tx, {
          tenantId,
          templateKey: "test.nope",
          email: "a@example.jp",
          channels: ["email"],
          personalisation: {},
        }),
      ),
    ).rejects.toBeInstanceOf(NotificationTemplateNotFoundError);
    await expect(
      db.transaction((tx) =>
        sendNotification(tx, {
          tenantId,
          templateKey: "test.received",
          email: "a@example.jp",
          channels: ["email"],
          personalisation: { name: "x" },
        }),
      ),
    ).rejects.toThrow("Missing personalisation: service, reference, paid");
  });

  it("stores nothing for a channel the recipient cannot receive", async () => {
    const residentId = await addResident(db, { tenantId, email: null });
    const ids = await db.transaction((tx) =>
      sendNotification(tx, {
        tenantId,
        templateKey: "test.japanese-only",
        residentId,
        channels: ["email"],
        personalisation: {},
      }),
    );
    expect(ids).toEqual([]);
  });

  it("leaves no message and no job when the surrounding transaction rolls back", async () => {
    const countJobs = async () =>
      (
        await db
          .select({ n: sql<number>`count(*)::int` })
          .from(jobs)
          .where(eq(jobs.name, deliverEmailJob.name))
      )[0]!.n;
    const jobsBefore = await countJobs();
    const residentId = await addResident(db, { tenantId, email: "rollback@example.jp" });
    let sent: string[] = [];
    await expect(
      db.transaction(async (tx) => {
        sent = await sendNotification(tx, {
          tenantId,
          templateKey: "test.japanese-only",
          residentId,
          channels: ["inbox", "email"],
          personalisation: {},
          reference: "ROLLBACK-1",
        });
        throw new Error("the change that caused the message failed");
      }),
    ).rejects.toThrow(/caused the message failed/);
    expect(sent).toHaveLength(2);
    expect(
      await db.select().from(notifications).where(eq(notifications.reference, "ROLLBACK-1")),
    ).toHaveLength(0);
    expect(await countJobs()).toBe(jobsBefore);
    await platform.worker.drain();
    expect(mailsTo("rollback@example.jp")).toHaveLength(0);
  });
});

async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

describe("sendNotification when the SMTP server is down", () => {
  let platform: TestPlatform;
  let db: Db;
  let tenantId: string;

  beforeAll(async () => {
    platform = await createTestPlatform({ config: { smtpUrl: `smtp://127.0.0.1:${await closedPort()}` } });
    db = platform.services.database.db;
    tenantId = await demoTenantId(db);
    await saveTemplate(db, { tenantId, key: "test.down", language: "ja", subject: "件名", body: "本文" });
  });
  afterAll(() => platform?.close());

  it("records a temporary failure and re-queues the job with backoff", async () => {
    const [id] = await db.transaction((tx) =>
      sendNotification(tx, {
        tenantId,
        templateKey: "test.down",
        email: "later@example.jp",
        channels: ["email"],
        personalisation: {},
      }),
    );
    await platform.worker.drain();
    const stored = await messageById(db, id!);
    expect(stored.status).toBe("temporary-failure");
    expect(stored.statusDetail).toMatch(/ECONNREFUSED|connect/i);
    expect(stored.sentAt).toBeNull();
    const [job] = await jobsFor(db, id!);
    expect(job).toMatchObject({ status: "queued", attempts: 1 });
    expect(job!.lastError).toMatch(/ECONNREFUSED|connect/i);
    // First retry after the default backoff of 10 s.
    expect(job!.secondsUntilRun).toBeGreaterThan(5);
    expect(job!.secondsUntilRun).toBeLessThanOrEqual(10);
  });
});
