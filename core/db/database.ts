import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { btree_gist } from "@electric-sql/pglite/contrib/btree_gist";
import type { SQL } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import pg from "pg";

/** The query builder both drivers share. A transaction handle has the same type, so operations take either. */
export type Db = PgDatabase<PgQueryResultHKT>;

export type Driver = "pglite" | "postgres";

export type Database = {
  driver: Driver;
  db: Db;
  /** Runs one or more SQL statements without parameters (migrations, dumps). */
  exec(sqlText: string): Promise<void>;
  /** A transaction on one connection that accepts multi-statement SQL text (migrations, restores). */
  rawTransaction<T>(work: (raw: RawSql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** The connection URL (postgres driver), for pg_dump and psql. */
  url?: string;
  /** The embedded instance (pglite driver), for the WASM pg_dump. */
  pglite?: PGlite;
};

export type RawSql = {
  exec(sqlText: string): Promise<void>;
  query<Row>(sqlText: string, params?: unknown[]): Promise<Row[]>;
};

export type OpenDatabaseOptions =
  | { driver: "postgres"; url: string; poolSize?: number }
  /** dataDir undefined → in memory (tests). */
  | { driver: "pglite"; dataDir?: string };

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.driver === "postgres") {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    // Fail fast with a clear cause rather than on the first request.
    const client = await pool.connect().catch(async (error: Error) => {
      await pool.end();
      throw new DatabaseUnavailableError(`PostgreSQL is not reachable (${error.message})`);
    });
    client.release();
    return {
      driver: "postgres",
      url: options.url,
      db: drizzlePg({ client: pool }),
      exec: async (sqlText) => {
        await pool.query(sqlText);
      },
      rawTransaction: async (work) => {
        const connection = await pool.connect();
        try {
          await connection.query("BEGIN");
          const result = await work({
            exec: async (sqlText) => {
              await connection.query(sqlText);
            },
            query: async <Row>(sqlText: string, params: unknown[] = []) =>
              (await connection.query(sqlText, params)).rows as Row[],
          });
          await connection.query("COMMIT");
          return result;
        } catch (error) {
          await connection.query("ROLLBACK");
          throw error;
        } finally {
          connection.release();
        }
      },
      close: () => pool.end(),
    };
  }
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
  }
  // btree_gist lets an exclusion constraint mix "same unit" with "overlapping time" (no double booking).
  const client = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    extensions: { btree_gist },
  }).catch((error: Error) => {
    throw new DatabaseUnavailableError(
      `the embedded database in ${options.dataDir} could not be opened (${error.message})`,
    );
  });
  return {
    driver: "pglite",
    pglite: client,
    db: drizzlePglite({ client }),
    exec: async (sqlText) => {
      await client.exec(sqlText);
    },
    rawTransaction: (work) =>
      client.transaction((tx) =>
        work({
          exec: async (sqlText) => {
            await tx.exec(sqlText);
          },
          query: async <Row>(sqlText: string, params: unknown[] = []) =>
            (await tx.query<Row>(sqlText, params)).rows,
        }),
      ),
    close: () => client.close(),
  };
}

export class DatabaseUnavailableError extends Error {
  override name = "DatabaseUnavailableError";
}

/** Rows of a raw query, whichever driver ran it (both return `{ rows }`). */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
