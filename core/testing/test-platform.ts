import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { installedModules } from "../../app/modules.ts";
import { type Platform, startPlatform } from "../../app/platform.ts";
import { DEMO_PASSWORD } from "../../app/seed-demo.ts";
import { type Config, loadConfig } from "../config/config.ts";
import { hashSecret } from "../identity/auth-flows.ts";
import { sessions } from "../identity/schema.ts";
import type { ModuleManifest } from "../module.ts";
import { latestSignInCode } from "./sign-in-code.ts";
import { createTestDatabase } from "./test-database.ts";

/** The `name=value` of one Set-Cookie of a response. */
export function cookieOf(response: Response, name: string): string {
  const found = response.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  if (!found) {
    throw new Error(`no ${name} cookie in the response`);
  }
  return found.split(";")[0]!;
}

export type TestPlatform = Platform & {
  /** Sends a request through the whole app without a server. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /**
   * Signs in a demo staff member (of the city on `host`, the demo city by default); returns headers that
   * authenticate later requests (cookie + CSRF).
   */
  signInStaff(email: string, options?: { host?: string }): Promise<Record<string, string>>;
  /**
   * Signs a resident in by emailed code, through the real pages (creating the account the first time);
   * returns the session cookie header and the CSRF token for forms.
   */
  signInResident(email: string, options?: { host?: string }): Promise<ResidentTestSession>;
  databaseUrl: string | null;
  dataDir: string;
};

export type ResidentTestSession = { cookie: string; csrf: string; residentId: string };

export type CreateTestPlatformOptions = {
  modules?: readonly ModuleManifest[];
  config?: Partial<Record<keyof Config, unknown>>;
};

/** The demo city on a fresh database of the driver under test, with the worker not started. */
export async function createTestPlatform(options: CreateTestPlatformOptions = {}): Promise<TestPlatform> {
  const { database, url, drop } = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), "tenohira-test-"));
  const config = loadConfig({
    env: {},
    overrides: {
      logLevel: "silent",
      dataDir,
      worker: "off",
      ...(url ? { databaseUrl: url } : {}),
      ...options.config,
    },
  });
  const platform = await startPlatform(config, options.modules ?? installedModules, database);
  const request = (path: string, init?: RequestInit) =>
    Promise.resolve(platform.app.request(path, init, undefined));
  return {
    ...platform,
    request,
    databaseUrl: url,
    dataDir,
    async signInStaff(email, { host = "localhost" } = {}) {
      const response = await request(`http://${host}/staff/api/session`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: DEMO_PASSWORD }),
      });
      if (response.status !== 200) {
        throw new Error(`sign-in of ${email} failed with ${response.status}: ${await response.text()}`);
      }
      const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0]!;
      const { csrfToken } = (await response.json()) as { csrfToken: string };
      return { cookie, "x-csrf-token": csrfToken };
    },
    async signInResident(email, { host = "localhost" } = {}) {
      const db = platform.services.database.db;
      const asked = await request(`http://${host}/sign-in/email`, {
        method: "POST",
        body: new URLSearchParams({ email, return: "/my" }),
      });
      if (asked.status !== 303) {
        throw new Error(`code request for ${email} failed with ${asked.status}`);
      }
      const flowCookie = cookieOf(asked, "tenohira_signin");
      const code = await latestSignInCode(db, email);
      const signedIn = await request(`http://${host}/sign-in/code`, {
        method: "POST",
        headers: { cookie: flowCookie },
        body: new URLSearchParams({ code, return: "/my" }),
      });
      if (signedIn.status !== 303) {
        throw new Error(`code check for ${email} failed with ${signedIn.status}`);
      }
      const cookie = cookieOf(signedIn, "tenohira_session");
      const token = cookie.slice("tenohira_session=".length);
      const [session] = await db
        .select()
        .from(sessions)
        .where(eq(sessions.idHash, hashSecret(token)));
      return { cookie, csrf: session!.csrfToken, residentId: session!.subjectId };
    },
    async close() {
      await platform.worker.stop();
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
