import { sql } from "drizzle-orm";
import { type Db, queryRows } from "../db/database.ts";

export type RateLimitOptions = {
  /** What is counted, e.g. `signin-ip:<tenant>:<ip>`. */
  key: string;
  limit: number;
  windowSeconds: number;
};

/**
 * Counts one attempt in a fixed window kept in the database, so every process of an install shares it.
 * Returns false once the limit is reached; the window restarts after windowSeconds.
 */
export async function consumeRateLimit(
  db: Db,
  { key, limit, windowSeconds }: RateLimitOptions,
): Promise<boolean> {
  const rows = await queryRows<{ count: number }>(
    db,
    sql`
    INSERT INTO rate_limits (key, window_started_at, count) VALUES (${key}, now(), 1)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN rate_limits.window_started_at < now() - make_interval(secs => ${windowSeconds})
                   THEN 1 ELSE rate_limits.count + 1 END,
      window_started_at = CASE WHEN rate_limits.window_started_at < now() - make_interval(secs => ${windowSeconds})
                   THEN now() ELSE rate_limits.window_started_at END
    RETURNING count`,
  );
  const count = Number(rows[0]?.count ?? 0);
  return count <= limit;
}

/** Forgets the attempts under a key, e.g. after a successful sign-in. */
export async function resetRateLimit(db: Db, key: string): Promise<void> {
  await db.execute(sql`DELETE FROM rate_limits WHERE key = ${key}`);
}
