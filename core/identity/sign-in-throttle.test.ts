import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../app/seed-demo.ts";
import { auditLog } from "../audit/schema.ts";
import { createTestPlatform, type TestPlatform } from "../testing/test-platform.ts";
import { ACCOUNT_LIMIT, IP_LIMIT } from "./sign-in-throttle.ts";

let platform: TestPlatform;
beforeAll(async () => {
  platform = await createTestPlatform({ config: { trustProxy: "true" } });
});
afterAll(() => platform.close());

const attempt = (email: string, password: string, ip?: string) =>
  platform.request("/staff/api/session", {
    method: "POST",
    headers: { "content-type": "application/json", ...(ip ? { "x-forwarded-for": ip } : {}) },
    body: JSON.stringify({ email, password }),
  });

/** The body without what differs per request. */
async function problem(response: Response) {
  const { request_id: _, ...rest } = (await response.json()) as Record<string, unknown>;
  return { ...rest, status: response.status, retryAfter: response.headers.get("retry-after") } as Record<
    string,
    unknown
  >;
}

describe("sign-in throttling", () => {
  it("refuses an email after 5 failures with 429, the same for an unknown email, even with the right password", async () => {
    const known = "viewer@tenohira.localhost";
    const unknown = "nobody@tenohira.localhost";
    const wrong = [];
    for (let i = 0; i < ACCOUNT_LIMIT; i++) {
      wrong.push(
        await problem(await attempt(known, "wrong")),
        await problem(await attempt(unknown, "wrong")),
      );
    }
    expect(new Set(wrong.map((w) => JSON.stringify(w))).size).toBe(1);
    expect(wrong[0]!.status).toBe(401);

    const knownLocked = await problem(await attempt(known, DEMO_PASSWORD));
    const unknownLocked = await problem(await attempt(unknown, DEMO_PASSWORD));
    expect(knownLocked).toEqual(unknownLocked);
    expect(knownLocked.status).toBe(429);
    expect(knownLocked.retryAfter).toBe("900");
    expect(knownLocked["title_ja"]).toContain("15分");

    // Other accounts are unaffected, and a success clears an account's count.
    expect((await attempt("staff@tenohira.localhost", "wrong")).status).toBe(401);
    expect((await attempt("staff@tenohira.localhost", DEMO_PASSWORD)).status).toBe(200);
    for (let i = 0; i < ACCOUNT_LIMIT - 1; i++) {
      expect((await attempt("staff@tenohira.localhost", "wrong")).status).toBe(401);
    }
    expect((await attempt("staff@tenohira.localhost", DEMO_PASSWORD)).status).toBe(200);

    const { db } = platform.services.database;
    const throttled = await db.select().from(auditLog).where(eq(auditLog.action, "staff.sign_in_throttled"));
    expect(throttled.map((a) => (a.after as { email: string }).email).sort()).toEqual(
      [unknown, known].sort(),
    );
  });

  it("refuses an address after 20 failures across accounts, and only that address", async () => {
    const ip = "203.0.113.7";
    for (let i = 0; i < IP_LIMIT; i++) {
      expect((await attempt(`spray${i % 5}@example.jp`, "wrong", ip)).status).toBe(401);
    }
    expect((await attempt("spray-new@example.jp", "wrong", ip)).status).toBe(429);
    expect((await attempt("admin@tenohira.localhost", DEMO_PASSWORD, ip)).status).toBe(429);
    expect((await attempt("admin@tenohira.localhost", DEMO_PASSWORD, "198.51.100.2")).status).toBe(200);
  });
});
