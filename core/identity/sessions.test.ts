import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPlatform, type TestPlatform } from "../testing/test-platform.ts";
import { sessions } from "./schema.ts";

let platform: TestPlatform;
beforeAll(async () => {
  platform = await createTestPlatform();
});
afterAll(() => platform.close());

describe("staff sessions", () => {
  it("sets an HttpOnly SameSite cookie and stores only a hash of the token", async () => {
    const response = await platform.request("/staff/api/session", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "staff@tenohira.localhost", password: "tenohira-demo" }),
    });
    const cookie = response.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const token = cookie.split(";")[0]!.split("=")[1]!;
    const stored = await platform.services.database.db.select().from(sessions);
    expect(stored.some((s) => s.idHash === token)).toBe(false);
    expect(stored.every((s) => /^[0-9a-f]{64}$/.test(s.idHash))).toBe(true);
  });

  it("rejects a wrong password with 401 and the same message for an unknown account", async () => {
    const attempt = (email: string) =>
      platform.request("/staff/api/session", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: "nope" }),
      });
    const wrong = await attempt("staff@tenohira.localhost");
    const unknown = await attempt("nobody@tenohira.localhost");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const a = (await wrong.json()) as { title: string };
    const b = (await unknown.json()) as { title: string };
    expect(a.title).toBe(b.title);
  });

  it("expires after the idle timeout and after the absolute lifetime", async () => {
    const { db } = platform.services.database;
    const idle = await platform.signInStaff("staff@tenohira.localhost");
    expect((await platform.request("/staff/api/me", { headers: idle })).status).toBe(200);
    await db.update(sessions).set({ lastSeenAt: sql`now() - interval '31 minutes'` });
    expect((await platform.request("/staff/api/me", { headers: idle })).status).toBe(401);

    const old = await platform.signInStaff("staff@tenohira.localhost");
    await db.update(sessions).set({ expiresAt: sql`now() - interval '1 second'` });
    expect((await platform.request("/staff/api/me", { headers: old })).status).toBe(401);
  });

  it("issues a new session id at sign-in and removes the old one (no fixation)", async () => {
    const first = await platform.signInStaff("staff@tenohira.localhost");
    const again = await platform.request("/staff/api/session", {
      method: "POST",
      headers: { ...first, "content-type": "application/json" },
      body: JSON.stringify({ email: "staff@tenohira.localhost", password: "tenohira-demo" }),
    });
    const newCookie = (again.headers.get("set-cookie") ?? "").split(";")[0]!;
    expect(newCookie).not.toBe(first["cookie"]);
    expect((await platform.request("/staff/api/me", { headers: first })).status).toBe(401);
    expect((await platform.request("/staff/api/me", { headers: { cookie: newCookie } })).status).toBe(200);
  });

  it("signs out: the cookie stops working", async () => {
    const headers = await platform.signInStaff("manager@tenohira.localhost");
    const out = await platform.request("/staff/api/session", { method: "DELETE", headers });
    expect(out.status).toBe(204);
    expect((await platform.request("/staff/api/me", { headers })).status).toBe(401);
    const rows = await platform.services.database.db
      .select()
      .from(sessions)
      .where(eq(sessions.subjectType, "staff"));
    expect(rows.length).toBeGreaterThanOrEqual(0);
  });
});
