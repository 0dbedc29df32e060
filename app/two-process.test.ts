import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobs } from "../core/jobs/schema.ts";
import { saveTemplate } from "../core/notifications/save-template.ts";
import { notifications } from "../core/notifications/schema.ts";
import { deliverEmailJob, sendNotification } from "../core/notifications/send-notification.ts";
import { tenants } from "../core/tenancy/schema.ts";
import { type CliProcess, startCliProcess } from "../core/testing/cli-process.ts";
import { type SmtpSink, startSmtpSink } from "../core/testing/smtp-sink.ts";
import { createTestDatabase, testDriver } from "../core/testing/test-database.ts";
import { DEMO_PASSWORD } from "./seed-demo.ts";

const MESSAGES = 60;
/** Each process sends from its own address, so the sink shows which worker delivered what. */
const senders = { a: "worker-a@tenohira.localhost", b: "worker-b@tenohira.localhost" } as const;

describe.skipIf(testDriver !== "postgres")(
  "two `tenohira start` processes on one PostgreSQL database (skipped on PGlite: an embedded database belongs to one process by design)",
  () => {
    let target: Awaited<ReturnType<typeof createTestDatabase>>;
    let sink: SmtpSink;
    let dataDir: string;
    let a: CliProcess;
    let b: CliProcess;

    beforeAll(async () => {
      target = await createTestDatabase();
      sink = await startSmtpSink();
      dataDir = mkdtempSync(join(tmpdir(), "tenohira-two-"));
      const env = (name: "a" | "b") => ({
        DATABASE_URL: target.url!,
        TENOHIRA_SMTP_URL: sink.url,
        TENOHIRA_LOG_LEVEL: "warn",
        TENOHIRA_DATA_DIR: join(dataDir, name),
        TENOHIRA_MAIL_FROM: `Worker ${name.toUpperCase()} <${senders[name]}>`,
      });
      // Both at once on an empty database: migrations and the demo seed must each happen exactly once.
      [a, b] = await Promise.all([
        startCliProcess(["start"], env("a")),
        startCliProcess(["start"], env("b")),
      ]);
      await Promise.all([a.waitUntilReady(), b.waitUntilReady()]);
    }, 120_000);

    afterAll(async () => {
      for (const [name, process] of [
        ["A", a],
        ["B", b],
      ] as const) {
        if (process?.child.exitCode !== null && process?.child.exitCode !== undefined) {
          // A process that died during the tests explains every failure after it: show why.
          console.error(`process ${name} exited with ${process.child.exitCode}:\n${process.output()}`);
        }
      }
      await Promise.all([a?.stop(), b?.stop()]);
      await sink?.close();
      await target?.drop();
      if (dataDir) {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });

    it("shares staff sessions: signed in on A, valid on B; signed out on B, gone on A", async () => {
      const signIn = await fetch(`${a.baseUrl}/staff/api/session`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "admin@tenohira.localhost", password: DEMO_PASSWORD }),
      });
      expect(signIn.status).toBe(200);
      const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0]!;
      const { csrfToken } = (await signIn.json()) as { csrfToken: string };
      expect(cookie).toMatch(/=/);

      const meOnB = await fetch(`${b.baseUrl}/staff/api/me`, { headers: { cookie } });
      expect(meOnB.status).toBe(200);
      expect(((await meOnB.json()) as { email: string }).email).toBe("admin@tenohira.localhost");

      const signOut = await fetch(`${b.baseUrl}/staff/api/session`, {
        method: "DELETE",
        headers: { cookie, "x-csrf-token": csrfToken },
      });
      expect(signOut.status).toBe(204);
      expect((await fetch(`${a.baseUrl}/staff/api/me`, { headers: { cookie } })).status).toBe(401);
      expect((await fetch(`${b.baseUrl}/staff/api/me`, { headers: { cookie } })).status).toBe(401);
    });

    it(`runs ${MESSAGES} email jobs exactly once across both workers`, async () => {
      const { db } = target.database;
      const [tenant] = await db.select({ id: tenants.id }).from(tenants);
      const references = Array.from({ length: MESSAGES }, (_, i) => `TP-${String(i).padStart(3, "0")}`);
      await db.transaction(async (tx) => {
        await saveTemplate(tx, {
          tenantId: tenant!.id,
          key: "two-process-test",
          language: "ja",
          subject: "二つのプロセス",
          body: "一度だけ届きます。",
        });
        for (const reference of references) {
          await sendNotification(tx, {
            tenantId: tenant!.id,
            templateKey: "two-process-test",
            email: `${reference.toLowerCase()}@example.jp`,
            channels: ["email"],
            personalisation: {},
            reference,
          });
        }
      });

      await sink.waitFor(MESSAGES, 60_000);
      // Longer than a poll interval of both workers: a duplicate would have arrived by now.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(sink.received).toHaveLength(MESSAGES);
      const delivered = sink.received.map((mail) => /^X-Tenohira-Reference: *(\S+)/im.exec(mail.raw)?.[1]);
      expect(delivered.sort()).toEqual(references);

      const bySender = { a: 0, b: 0 };
      for (const mail of sink.received) {
        bySender[mail.from === senders.a ? "a" : "b"] += 1;
        expect([senders.a, senders.b]).toContain(mail.from);
      }
      console.info(`deliveries per worker process: A ${bySender.a}, B ${bySender.b}`);
      expect(bySender.a).toBeGreaterThan(0);
      expect(bySender.b).toBeGreaterThan(0);

      // The job row is marked after the mail went out: wait for the last ones.
      const deadline = Date.now() + 10_000;
      let rows = await db.select().from(jobs).where(eq(jobs.name, deliverEmailJob.name));
      while (rows.some((row) => row.status !== "succeeded") && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        rows = await db.select().from(jobs).where(eq(jobs.name, deliverEmailJob.name));
      }
      expect(rows).toHaveLength(MESSAGES);
      expect(rows.filter((row) => row.status === "succeeded" && row.attempts === 1)).toHaveLength(MESSAGES);
      const sent = await db.select().from(notifications).where(eq(notifications.channel, "email"));
      expect(sent.filter((n) => n.status === "delivered")).toHaveLength(MESSAGES);
    }, 90_000);
  },
);
