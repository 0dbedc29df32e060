import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../app/seed-demo.ts";
import { auditLog } from "../audit/schema.ts";
import { createTestPlatform, type TestPlatform } from "../testing/test-platform.ts";
import { currentTotpCode } from "./totp.ts";

let platform: TestPlatform;
beforeAll(async () => {
  platform = await createTestPlatform();
});
afterAll(() => platform.close());

const EMAIL = "manager@tenohira.localhost";

const signIn = (body: { totp?: string }) =>
  platform.request("/staff/api/session", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: EMAIL, password: DEMO_PASSWORD, ...body }),
  });

describe("staff TOTP", () => {
  it("enrols, confirms with a code, then asks for a code at sign-in and refuses a replayed one", async () => {
    const headers = await platform.signInStaff(EMAIL);
    const enrol = await platform.request("/staff/api/totp", { method: "POST", headers });
    expect(enrol.status).toBe(201);
    const { secret, uri } = (await enrol.json()) as { secret: string; uri: string };
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    expect(uri).toContain(`secret=${secret}`);
    expect(uri).toContain(encodeURIComponent(EMAIL));

    // Not in force until confirmed.
    expect((await signIn({})).status).toBe(200);
    const fresh = await platform.signInStaff(EMAIL);

    const confirm = (code: string) =>
      platform.request("/staff/api/totp/confirm", {
        method: "POST",
        headers: { ...fresh, "content-type": "application/json" },
        body: JSON.stringify({ code }),
      });
    const wrongCode = currentTotpCode(secret, Date.now() - 10 * 60_000);
    const wrong = await confirm(wrongCode);
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { errors: { pointer: string }[] }).errors[0]!.pointer).toBe("/code");
    // Codes are taken at fixed times so a step boundary during the test changes nothing.
    const confirmedAt = Date.now();
    const confirmCode = currentTotpCode(secret, confirmedAt);
    expect((await confirm(confirmCode)).status).toBe(200);
    expect((await platform.request("/staff/api/totp", { method: "POST", headers: fresh })).status).toBe(409);

    const wrongPassword = await platform.request("/staff/api/session", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: EMAIL, password: "not-it" }),
    });
    const expected = ((await wrongPassword.json()) as { title: string }).title;
    // Five failures in a row would lock the email for 15 minutes (sign-in-throttle.ts): stay under it.
    for (const attempt of [{}, { totp: "000000" }]) {
      const refused = await signIn(attempt);
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { title: string }).title).toBe(expected);
    }
    // The code used to confirm cannot be used again; the next step's (clock drift) can, once.
    expect((await signIn({ totp: confirmCode })).status).toBe(401);
    const next = currentTotpCode(secret, confirmedAt + 30_000);
    expect((await signIn({ totp: next })).status).toBe(200);
    expect((await signIn({ totp: next })).status).toBe(401);

    const { db } = platform.services.database;
    const audits = await db.select().from(auditLog).where(eq(auditLog.resourceType, "staff_account"));
    const actions = audits.map((a) => a.action);
    expect(actions).toContain("staff.totp.enrol");
    expect(actions).toContain("staff.totp.enable");
    expect(JSON.stringify(audits)).not.toContain(secret);
    const totpFailures = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "staff.sign_in_failed")));
    expect(totpFailures.filter((a) => (a.after as { reason?: string }).reason === "totp").length).toBe(4);
  });
});
