import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pgDump } from "@electric-sql/pglite-tools/pg_dump";
import type { Database } from "../core/db/database.ts";

export class DatabaseToolError extends Error {
  override name = "DatabaseToolError";
}

/**
 * Rows per INSERT statement. Dumps use INSERT rather than COPY … FROM stdin so that the same file replays
 * through psql on PostgreSQL and through a plain `exec` on PGlite.
 */
const ROWS_PER_INSERT = "500";

/**
 * The whole database as plain SQL that psql loads into PostgreSQL 15 or newer. On PGlite the WASM
 * pg_dump of @electric-sql/pglite-tools reads the embedded database; on PostgreSQL the server's pg_dump.
 */
export async function dumpSql(database: Database): Promise<string> {
  if (database.driver === "pglite") {
    if (!database.pglite) {
      throw new DatabaseToolError("the PGlite instance is not available for pg_dump");
    }
    // pgDump itself adds --inserts, -U postgres, -j 1 and its output file.
    const file = await pgDump({
      pg: database.pglite,
      args: ["--no-owner", "--no-privileges", `--rows-per-insert=${ROWS_PER_INSERT}`],
    });
    return portableDump(await file.text());
  }
  if (!database.url) {
    throw new DatabaseToolError("the PostgreSQL URL is not available for pg_dump");
  }
  const output = await run(postgresTool("pg_dump"), [
    "--no-owner",
    "--no-privileges",
    `--rows-per-insert=${ROWS_PER_INSERT}`,
    "--dbname",
    database.url,
  ]);
  return portableDump(output);
}

/** `tenohira db dump [file]`: writes the dump to the file, or to stdout without one. */
export async function dumpDatabase(database: Database, file?: string): Promise<void> {
  const text = await dumpSql(database);
  if (file) {
    writeFileSync(file, text);
    return;
  }
  await new Promise<void>((resolve, reject) =>
    process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
  );
}

/**
 * Makes a dump loadable by PostgreSQL 15's psql and server, which is what a city moving off PGlite
 * (PostgreSQL 17/18 inside) is likely to run. Exactly these lines are removed, nothing else is changed:
 *  - `\restrict KEY` / `\unrestrict KEY`: psql meta-commands that pg_dump 17.6+/18 (and 15.14+) write
 *    around the dump to stop injected meta-commands; older psql rejects them as unknown, and PGlite
 *    cannot run meta-commands at all. The dump is trusted here (we made it), so dropping them is safe.
 *  - `SET transaction_timeout = 0;`: a setting added in PostgreSQL 17; the server before it fails with
 *    "unrecognized configuration parameter". Its value 0 (no timeout) is the default anyway.
 */
export function portableDump(text: string): string {
  return text
    .replace(/^\\(?:un)?restrict\b.*(?:\r?\n|$)/gm, "")
    .replace(/^SET transaction_timeout = .*;\r?\n/gm, "");
}

/** `tenohira db restore <file>`. */
export async function restoreDatabase(database: Database, file: string): Promise<void> {
  if (!existsSync(file)) {
    throw new DatabaseToolError(`Dump file not found: ${file} / ダンプファイルが見つかりません`);
  }
  await restoreSql(database, readFileSync(file, "utf8"));
}

/**
 * Loads a dump into an empty database in one transaction, so a failure leaves it empty: on PostgreSQL
 * through psql (ON_ERROR_STOP, --single-transaction), on PGlite by executing the SQL.
 */
export async function restoreSql(database: Database, dump: string): Promise<void> {
  const tables = await userTables(database);
  if (tables.length > 0) {
    throw new DatabaseToolError(
      `The database is not empty (${tables.length} tables, e.g. ${tables.slice(0, 3).join(", ")}); restore only into an empty database / 空のデータベースにのみ復元できます（既にテーブルがあります）`,
    );
  }
  const sqlText = portableDump(dump);
  if (database.driver === "postgres") {
    if (!database.url) {
      throw new DatabaseToolError("the PostgreSQL URL is not available for psql");
    }
    await run(
      postgresTool("psql"),
      [
        "--no-psqlrc",
        "--quiet",
        "--set=ON_ERROR_STOP=1",
        "--single-transaction",
        "--output=/dev/null",
        "--file=-",
        "--dbname",
        database.url,
      ],
      sqlText,
    );
    return;
  }
  if (/^COPY .* FROM stdin;$/m.test(sqlText)) {
    throw new DatabaseToolError(
      "This dump uses COPY … FROM stdin, which the embedded database cannot replay; make it with `tenohira db dump` or pg_dump --inserts / COPY形式のダンプは復元できません（--inserts で作成してください）",
    );
  }
  await database.rawTransaction((tx) => tx.exec(sqlText));
  // The dump sets session settings (search_path '', check_function_bodies off, …) that outlive its
  // transaction on this single connection; put them back for the code that keeps using it.
  await database.exec("RESET ALL");
}

async function userTables(database: Database): Promise<string[]> {
  return database.rawTransaction(async (tx) =>
    (
      await tx.query<{ name: string }>(
        `SELECT schemaname || '.' || tablename AS name FROM pg_catalog.pg_tables
         WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
      )
    ).map((row) => row.name),
  );
}

/**
 * A client program of the newest installed PostgreSQL (Debian keeps each version under
 * /usr/lib/postgresql/N/bin; a newer pg_dump reads older servers), else the one on PATH.
 */
export function postgresTool(name: "pg_dump" | "psql"): string {
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => join(base, v, "bin", name)).find((path) => existsSync(path));
  return found ?? name;
}

function run(command: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (error) =>
      reject(
        new DatabaseToolError(
          `${command} could not be started (${error.message}); install the PostgreSQL client / PostgreSQLクライアントをインストールしてください`,
        ),
      ),
    );
    child.on("close", (code) => {
      if (code === 0) {
        resolve(Buffer.concat(out).toString("utf8"));
        return;
      }
      reject(
        new DatabaseToolError(
          `${command} failed (exit ${code}): ${Buffer.concat(err).toString("utf8").trim()} / 処理に失敗しました`,
        ),
      );
    });
    child.stdin.on("error", () => {
      // The exit code and stderr report the failure.
    });
    child.stdin.end(input ?? "");
  });
}
