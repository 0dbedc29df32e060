import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPlatform, type TestPlatform } from "../testing/test-platform.ts";
import { recordAudit } from "./record-audit.ts";
import { auditLog } from "./schema.ts";

let platform: TestPlatform;
beforeAll(async () => {
  platform = await createTestPlatform();
});
afterAll(() => platform.close());

describe("audit log", () => {
  it("is append-only: updates, deletes and truncation are refused by the database", async () => {
    const { db } = platform.services.database;
    await recordAudit(db, {
      tenantId: null,
      actor: { type: "system", id: null },
      action: "test.append",
      resource: { type: "test" },
    });
    const [row] = await db.select().from(auditLog).where(eq(auditLog.action, "test.append"));
    await expect(
      db.update(auditLog).set({ action: "test.changed" }).where(eq(auditLog.id, row!.id)),
    ).rejects.toThrow();
    await expect(db.delete(auditLog).where(eq(auditLog.id, row!.id))).rejects.toThrow();
    await expect(db.execute(sql`TRUNCATE audit_log`)).rejects.toThrow();
    const [still] = await db.select().from(auditLog).where(eq(auditLog.id, row!.id));
    expect(still!.action).toBe("test.append");
  });

  it("records sign-ins and failed sign-ins, and lets an administrator search (the search itself audited)", async () => {
    await platform.request("/staff/api/session", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "staff@tenohira.localhost", password: "wrong" }),
    });
    const admin = await platform.signInStaff("admin@tenohira.localhost");
    const failed = (await (
      await platform.request("/staff/api/audit?action=staff.sign_in_failed", { headers: admin })
    ).json()) as { entries: { after: { email: string } }[] };
    expect(failed.entries.map((e) => e.after.email)).toEqual(["staff@tenohira.localhost"]);
    const searches = (await (
      await platform.request("/staff/api/audit?action=core.audit.search", { headers: admin })
    ).json()) as { entries: unknown[] };
    expect(searches.entries.length).toBeGreaterThanOrEqual(1);

    const staff = await platform.signInStaff("staff@tenohira.localhost");
    expect((await platform.request("/staff/api/audit", { headers: staff })).status).toBe(403);
  });

  it("validates search parameters", async () => {
    const admin = await platform.signInStaff("admin@tenohira.localhost");
    const response = await platform.request("/staff/api/audit?from=yesterday&limit=5000", { headers: admin });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors: { pointer: string }[] };
    expect(problem.errors.map((e) => e.pointer).sort()).toEqual(["/from", "/limit"]);
  });
});
