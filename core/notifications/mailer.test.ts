import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenants } from "../tenancy/schema.ts";
import { parseMail } from "../testing/parse-mail.ts";
import { type SmtpSink, startSmtpSink } from "../testing/smtp-sink.ts";
import { createTestPlatform, type TestPlatform } from "../testing/test-platform.ts";
import { createMailer, PermanentMailError } from "./mailer.ts";
import { saveTemplate } from "./save-template.ts";
import { notifications } from "./schema.ts";
import { sendNotification } from "./send-notification.ts";

describe("the mailer without an SMTP server", () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform?.close());

  it("writes each message as an .eml file in <dataDir>/mail", async () => {
    const { db } = platform.services.database;
    const [tenant] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, "tenohira"));
    const tenantId = tenant!.id;
    await saveTemplate(db, {
      tenantId,
      key: "test.outbox",
      language: "ja",
      subject: "((name))様へのお知らせ",
      body: "受付番号 ((reference)) の手続きが完了しました。",
    });
    const [id] = await db.transaction((tx) =>
      sendNotification(tx, {
        tenantId,
        templateKey: "test.outbox",
        email: "guest@example.jp",
        channels: ["email"],
        personalisation: { name: "鈴木", reference: "R-0100" },
        reference: "R-0100",
      }),
    );
    await platform.worker.drain();

    const outbox = join(platform.dataDir, "mail");
    const files = readdirSync(outbox).filter((name) => name.endsWith(".eml"));
    expect(files).toHaveLength(1);
    const parsed = parseMail(readFileSync(join(outbox, files[0]!), "utf8"));
    expect(parsed.headers.get("to")).toBe("guest@example.jp");
    expect(parsed.headers.get("from")).toBe("てのひら市 <no-reply@tenohira.localhost>");
    expect(parsed.headers.get("subject")).toBe("鈴木様へのお知らせ");
    expect(parsed.headers.get("x-tenohira-reference")).toBe("R-0100");
    expect(parsed.text).toBe("受付番号 R-0100 の手続きが完了しました。");
    const [stored] = await db.select().from(notifications).where(eq(notifications.id, id!));
    expect(stored).toMatchObject({ status: "delivered", statusDetail: parsed.headers.get("message-id") });
  });
});

describe("the mailer over SMTP", () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink({ reject: ["gone@example.jp"] });
  });
  afterAll(() => sink?.close());

  it("sends the reference as a header and returns the message id", async () => {
    const mailer = createMailer({
      from: "市役所 <city@example.jp>",
      smtpUrl: sink.url,
      outboxDir: "/nonexistent",
    });
    const messageId = await mailer.send({
      to: "a@example.jp",
      subject: "件名",
      text: "本文",
      reference: "X-1",
    });
    const [mail] = await sink.waitFor(1);
    const parsed = parseMail(mail!.raw);
    expect(parsed.headers.get("message-id")).toBe(messageId);
    expect(parsed.headers.get("x-tenohira-reference")).toBe("X-1");
    expect(parsed.headers.get("from")).toBe("市役所 <city@example.jp>");
    expect(parsed.text).toBe("本文");
  });

  it("rejects with PermanentMailError for a refused recipient", async () => {
    const mailer = createMailer({ from: "city@example.jp", smtpUrl: sink.url, outboxDir: "/nonexistent" });
    await expect(mailer.send({ to: "gone@example.jp", subject: "s", text: "t" })).rejects.toBeInstanceOf(
      PermanentMailError,
    );
  });

  it("rejects with an ordinary, retryable error when the server cannot be reached", async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const address = server.address();
        server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
      });
    });
    const mailer = createMailer({
      from: "city@example.jp",
      smtpUrl: `smtp://127.0.0.1:${port}`,
      outboxDir: "/x",
    });
    const error = await mailer.send({ to: "a@example.jp", subject: "s", text: "t" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(PermanentMailError);
  });
});
