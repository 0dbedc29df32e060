import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../core/db/database.ts";
import { migrate, readMigrations } from "../core/db/migrate.ts";
import { createPostgresDatabase, createTestDatabase, testDriver } from "../core/testing/test-database.ts";
import { createTestPlatform, type TestPlatform } from "../core/testing/test-platform.ts";
import { type PostgresServer, startPostgresServer } from "../scripts/postgres-server.ts";
import {
  dumpDatabase,
  dumpSql,
  portableDump,
  postgresTool,
  restoreDatabase,
  restoreSql,
} from "./db-tools.ts";
import { installedModules } from "./modules.ts";
import { migrationSources } from "./platform.ts";

const countedTables = ["tenants", "staff_accounts", "catalog_services", "audit_log", "schema_migrations"];

type Query = <Row>(sqlText: string) => Promise<Row[]>;

async function counts(query: Query): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of countedTables) {
    const [row] = await query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    result[table] = row!.n;
  }
  return result;
}

const queryOf =
  (database: Database): Query =>
  (sqlText) =>
    database.rawTransaction((tx) => tx.query(sqlText));

let platform: TestPlatform;
let dump: string;
let tmp: string;
/** A PostgreSQL server for loading the dump with psql: the test server, or one started for this file. */
let server: PostgresServer | undefined;
let serverUrl: string;

beforeAll(async () => {
  platform = await createTestPlatform();
  tmp = mkdtempSync(join(tmpdir(), "tenohira-dump-"));
  const headers = await platform.signInStaff("admin@tenohira.localhost");
  const created = await platform.request("/staff/api/catalog/services", {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({
      slug: "dump-test",
      nameJa: "ダンプ試験",
      nameEn: "Dump test",
      summaryJa: "引用符 ' と \\ 改行\n",
    }),
  });
  expect(created.status).toBe(201);
  dump = await dumpSql(platform.services.database);
  if (process.env["TEST_DATABASE_URL"]) {
    serverUrl = process.env["TEST_DATABASE_URL"];
  } else {
    server = await startPostgresServer();
    serverUrl = server.url;
  }
});

afterAll(async () => {
  await platform?.close();
  server?.stop();
  if (tmp) {
    rmSync(tmp, { recursive: true, force: true });
  }
});

describe(`db dump (${testDriver})`, () => {
  it("writes plain SQL without what PostgreSQL 15 rejects", () => {
    expect(dump).toContain("CREATE TABLE public.audit_log");
    expect(dump).toContain("INSERT INTO public.catalog_services");
    expect(dump).not.toMatch(/^\\(un)?restrict/m);
    expect(dump).not.toMatch(/^SET transaction_timeout/m);
    expect(dump).not.toMatch(/^COPY .* FROM stdin;$/m);
  });

  it("removes exactly the unportable lines", () => {
    const raw =
      "\\restrict abc\nSET statement_timeout = 0;\nSET transaction_timeout = 0;\nSELECT 1;\n\\unrestrict abc\n";
    expect(portableDump(raw)).toBe("SET statement_timeout = 0;\nSELECT 1;\n");
  });

  it("loads into a real PostgreSQL server with psql and keeps counts and the audit trigger", async () => {
    const { name, url } = await createPostgresDatabase(serverUrl, "dump");
    const file = join(tmp, "city.sql");
    await dumpDatabase(platform.services.database, file);
    expect(readFileSync(file, "utf8")).toBe(dump);
    const psql = spawnSync(
      postgresTool("psql"),
      [
        "-X",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "--single-transaction",
        "-o",
        "/dev/null",
        "-f",
        file,
        url.toString(),
      ],
      { encoding: "utf8" },
    );
    expect(psql.stderr).toBe("");
    expect(psql.status).toBe(0);
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const { rows: version } = await client.query<{ v: number }>(
        "SELECT current_setting('server_version_num')::int AS v",
      );
      expect(version[0]!.v).toBeGreaterThanOrEqual(150000);
      const loaded = await counts(async (sqlText) => (await client.query(sqlText)).rows);
      const original = await counts(queryOf(platform.services.database));
      expect(original["catalog_services"]).toBeGreaterThan(0);
      expect(original["audit_log"]).toBeGreaterThan(0);
      expect(loaded).toEqual(original);
      const { rows: triggers } = await client.query<{ tgname: string }>(
        "SELECT tgname FROM pg_trigger WHERE tgrelid = 'public.audit_log'::regclass AND NOT tgisinternal ORDER BY 1",
      );
      expect(triggers.map((t) => t.tgname)).toEqual(["audit_log_no_truncate", "audit_log_no_update"]);
      await expect(client.query("DELETE FROM audit_log")).rejects.toThrow(/append-only/);
    } finally {
      await client.end();
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    }
  });
});

describe(`db restore (${testDriver})`, () => {
  it("round-trips into a fresh database of the same driver", async () => {
    const target = await createTestDatabase();
    try {
      const file = join(tmp, "round-trip.sql");
      await dumpDatabase(platform.services.database, file);
      await restoreDatabase(target.database, file);
      expect(await counts(queryOf(target.database))).toEqual(
        await counts(queryOf(platform.services.database)),
      );
      // Same schema and migration history: nothing is left to migrate, and the connection still works
      // with unqualified names (the dump's session settings were reset).
      expect(await migrate(target.database, readMigrations(migrationSources(installedModules)))).toEqual([]);
      const [service] = await queryOf(target.database)<{ summary_ja: string }>(
        "SELECT summary_ja FROM catalog_services WHERE slug = 'dump-test'",
      );
      expect(service!.summary_ja).toBe("引用符 ' と \\ 改行\n");
      await expect(target.database.exec("UPDATE audit_log SET action = 'x'")).rejects.toThrow(/append-only/);
    } finally {
      await target.drop();
    }
  });

  it("refuses a database that already has tables", async () => {
    await expect(restoreSql(platform.services.database, dump)).rejects.toThrow(
      /not empty.*空のデータベースにのみ復元できます/,
    );
  });

  it("leaves nothing behind when the dump fails part way", async () => {
    const target = await createTestDatabase();
    try {
      await expect(restoreSql(target.database, `${dump}\nSELECT 1 / 0;\n`)).rejects.toThrow(
        /division by zero/,
      );
      const tables = await queryOf(target.database)<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_catalog.pg_tables WHERE schemaname = 'public'",
      );
      expect(tables[0]!.n).toBe(0);
    } finally {
      await target.drop();
    }
  });
});
