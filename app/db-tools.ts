import type { Database } from "../core/db/database.ts";

// Filled in by the database-tools work: see docs/decisions.
export async function dumpDatabase(_database: Database, _file?: string): Promise<void> {
  throw new Error("db dump is not available yet");
}

export async function restoreDatabase(_database: Database, _file: string): Promise<void> {
  throw new Error("db restore is not available yet");
}
