import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Database } from "./database.ts";

export type MigrationSource = {
  /** Who owns the files: "core" or a module id. Part of each migration's id. */
  owner: string;
  /** Folder of NNNN_name.sql files, applied in name order. */
  folder: URL;
};

export type Migration = { id: string; sql: string; checksum: string };

export class MigrationError extends Error {
  override name = "MigrationError";
}

export function readMigrations(sources: readonly MigrationSource[]): Migration[] {
  return sources.flatMap(({ owner, folder }) =>
    readdirSync(fileURLToPath(folder))
      .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
      .sort()
      .map((file) => {
        const text = readFileSync(new URL(file, folder), "utf8");
        return {
          id: `${owner}/${file}`,
          sql: text,
          checksum: createHash("sha256").update(text).digest("hex"),
        };
      }),
  );
}

const LOCK_KEY = 7_344_271; // any constant shared by every process of one install

/**
 * Applies pending migrations, each in its own transaction, so a failure leaves the database as it was
 * before that file. Safe when several processes start at once: an advisory lock serialises them and each
 * re-checks what is applied after taking it.
 */
export async function migrate(database: Database, migrations: readonly Migration[]): Promise<string[]> {
  await database.rawTransaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [LOCK_KEY]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id text PRIMARY KEY,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  });
  const applied: string[] = [];
  for (const migration of migrations) {
    const done = await database.rawTransaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock($1)", [LOCK_KEY]);
      const [existing] = await tx.query<{ checksum: string }>(
        "SELECT checksum FROM schema_migrations WHERE id = $1",
        [migration.id],
      );
      if (existing) {
        if (existing.checksum !== migration.checksum) {
          throw new MigrationError(
            `Migration ${migration.id} was changed after it was applied; add a new migration instead / 適用済みのマイグレーションが変更されています`,
          );
        }
        return false;
      }
      try {
        await tx.exec(migration.sql);
      } catch (error) {
        throw new MigrationError(`Migration ${migration.id} failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
      await tx.query("INSERT INTO schema_migrations (id, checksum) VALUES ($1, $2)", [
        migration.id,
        migration.checksum,
      ]);
      return true;
    });
    if (done) {
      applied.push(migration.id);
    }
  }
  return applied;
}
