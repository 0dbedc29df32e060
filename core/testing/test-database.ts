import { randomBytes } from "node:crypto";
import pg from "pg";
import { type Database, type Driver, openDatabase } from "../db/database.ts";

/** The driver this test run uses: the suite runs once with each (see scripts/test.ts). */
export const testDriver: Driver = process.env["TEST_DB"] === "postgres" ? "postgres" : "pglite";

/**
 * A fresh, empty database for one test file: in-memory PGlite, or a new database on the test
 * PostgreSQL server, dropped again by `drop()`.
 */
export async function createTestDatabase(): Promise<{
  database: Database;
  url: string | null;
  drop(): Promise<void>;
}> {
  if (testDriver === "pglite") {
    const database = await openDatabase({ driver: "pglite" });
    return { database, url: null, drop: () => database.close() };
  }
  const serverUrl = process.env["TEST_DATABASE_URL"];
  if (!serverUrl) {
    throw new Error("TEST_DB=postgres needs TEST_DATABASE_URL (scripts/test.ts starts a server and sets it)");
  }
  const { name, url } = await createPostgresDatabase(serverUrl, "t");
  const database = await openDatabase({ driver: "postgres", url });
  return {
    database,
    url,
    async drop() {
      await database.close();
      await dropPostgresDatabase(serverUrl, name);
    },
  };
}

/** Drops a database once its (already closed) pool's connections have left the server. */
export async function dropPostgresDatabase(serverUrl: string, name: string): Promise<void> {
  const cleanup = new pg.Client({ connectionString: serverUrl });
  await cleanup.connect();
  // pool.end() resolves before the server has seen every connection close; FORCE would then kill
  // them mid-goodbye and the client would throw 57P01 as an uncaught error. Wait for them first.
  for (let i = 0; i < 100; i++) {
    const { rows } = await cleanup.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1",
      [name],
    );
    if (rows[0]!.n === 0) {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await cleanup.end();
}

/** Creates an empty database with a random name on a PostgreSQL server; returns its name and URL. */
export async function createPostgresDatabase(
  serverUrl: string,
  prefix: string,
): Promise<{ name: string; url: string }> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}
