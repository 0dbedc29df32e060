import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installedModules } from "../../app/modules.ts";
import { type Platform, startPlatform } from "../../app/platform.ts";
import { DEMO_PASSWORD } from "../../app/seed-demo.ts";
import { type Config, loadConfig } from "../config/config.ts";
import type { ModuleManifest } from "../module.ts";
import { createTestDatabase } from "./test-database.ts";

export type TestPlatform = Platform & {
  /** Sends a request through the whole app without a server. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Signs in a demo staff member; returns headers that authenticate later requests (cookie + CSRF). */
  signInStaff(email: string): Promise<Record<string, string>>;
  databaseUrl: string | null;
  dataDir: string;
};

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
    async signInStaff(email) {
      const response = await request("/staff/api/session", {
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
    async close() {
      await platform.worker.stop();
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
