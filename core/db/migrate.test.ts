import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase } from "../testing/test-database.ts";
import type { Database } from "./database.ts";
import { queryRows } from "./database.ts";
import { MigrationError, migrate, readMigrations } from "./migrate.ts";

let database: Database;
let drop: () => Promise<void>;
let folder: string;

beforeEach(async () => {
  ({ database, drop } = await createTestDatabase());
  folder = mkdtempSync(join(tmpdir(), "migrations-"));
  mkdirSync(folder, { recursive: true });
});
afterEach(() => drop());

const source = () => [{ owner: "test", folder: pathToFileURL(`${folder}/`) }];
const tables = async () =>
  (
    await queryRows<{ tablename: string }>(
      database.db,
      sql`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
    )
  ).map((r) => r.tablename);

describe("migrate", () => {
  it("applies files in order once and records them", async () => {
    writeFileSync(join(folder, "0001_first.sql"), "CREATE TABLE a (id int); INSERT INTO a VALUES (1);");
    writeFileSync(join(folder, "0002_second.sql"), "CREATE TABLE b (id int);");
    writeFileSync(join(folder, "notes.txt"), "ignored");
    expect(await migrate(database, readMigrations(source()))).toEqual([
      "test/0001_first.sql",
      "test/0002_second.sql",
    ]);
    expect(await migrate(database, readMigrations(source()))).toEqual([]);
    expect(await tables()).toEqual(["a", "b", "schema_migrations"]);
  });

  it("rolls back a failing file entirely and keeps what was applied before it", async () => {
    writeFileSync(join(folder, "0001_ok.sql"), "CREATE TABLE kept (id int);");
    writeFileSync(join(folder, "0002_bad.sql"), "CREATE TABLE half (id int); SELECT * FROM no_such_table;");
    await expect(migrate(database, readMigrations(source()))).rejects.toThrow(
      /0002_bad.sql failed.*no_such_table/,
    );
    expect(await tables()).toEqual(["kept", "schema_migrations"]);
    const applied = await queryRows<{ id: string }>(database.db, sql`SELECT id FROM schema_migrations`);
    expect(applied.map((r) => r.id)).toEqual(["test/0001_ok.sql"]);
  });

  it("refuses a migration edited after it was applied", async () => {
    writeFileSync(join(folder, "0001_x.sql"), "CREATE TABLE x (id int);");
    await migrate(database, readMigrations(source()));
    writeFileSync(join(folder, "0001_x.sql"), "CREATE TABLE x (id bigint);");
    await expect(migrate(database, readMigrations(source()))).rejects.toThrow(MigrationError);
  });

  it("lets concurrent starts apply each migration exactly once", async () => {
    writeFileSync(
      join(folder, "0001_counter.sql"),
      "CREATE TABLE runs (n int); INSERT INTO runs VALUES (1);",
    );
    const results = await Promise.all([1, 2, 3].map(() => migrate(database, readMigrations(source()))));
    expect(results.flat()).toEqual(["test/0001_counter.sql"]);
    const [row] = await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM runs`);
    expect(row!.n).toBe(1);
  });
});
