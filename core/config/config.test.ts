import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

describe("loadConfig", () => {
  it("has defaults that start the demo city on embedded PGlite", () => {
    const config = loadConfig({ env: {} });
    expect(config).toMatchObject({
      port: 3000,
      dataDir: "./data",
      worker: "inline",
      storage: "local",
      seedDemo: true,
    });
    expect(config.databaseUrl).toBeUndefined();
  });

  it("reads TENOHIRA_* variables and the conventional DATABASE_URL and PORT", () => {
    const config = loadConfig({
      env: {
        PORT: "8080",
        DATABASE_URL: "postgres://u@h/db",
        TENOHIRA_WORKER: "off",
        TENOHIRA_SEED_DEMO: "false",
      },
    });
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: "postgres://u@h/db",
      worker: "off",
      seedDemo: false,
    });
  });

  it("names the bad variable in its message", () => {
    expect(() => loadConfig({ env: { TENOHIRA_PORT: "eighty" } })).toThrow(/TENOHIRA_PORT or PORT/);
    expect(() => loadConfig({ env: { DATABASE_URL: "mysql://x" } })).toThrow(/DATABASE_URL.*postgres:\/\//);
    expect(() => loadConfig({ env: { TENOHIRA_STORAGE: "s3" } })).toThrow(
      /s3Bucket: is required when storage is s3/,
    );
  });

  it("reads an optional JSON file that the environment overrides, and rejects unknown keys", () => {
    const dir = mkdtempSync(join(tmpdir(), "cfg-"));
    const file = join(dir, "tenohira.config.json");
    writeFileSync(file, JSON.stringify({ port: 4000, logLevel: "warn" }));
    expect(loadConfig({ env: { TENOHIRA_CONFIG: file } })).toMatchObject({ port: 4000, logLevel: "warn" });
    expect(loadConfig({ env: { TENOHIRA_CONFIG: file, PORT: "5000" } }).port).toBe(5000);

    writeFileSync(file, JSON.stringify({ prot: 4000 }));
    expect(() => loadConfig({ env: { TENOHIRA_CONFIG: file } })).toThrow(/Unknown key .*prot/);
    writeFileSync(file, "{ not json");
    expect(() => loadConfig({ env: { TENOHIRA_CONFIG: file } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { TENOHIRA_CONFIG: join(dir, "missing.json") } })).toThrow(/not found/);
  });
});
