import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../db/database.ts";
import { migrate, readMigrations } from "../db/migrate.ts";
import { createTestDatabase } from "../testing/test-database.ts";
import { consumeRateLimit, resetRateLimit } from "./rate-limit.ts";

describe("rate limits", () => {
  let database: Database;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ database, drop } = await createTestDatabase());
    await migrate(
      database,
      readMigrations([{ owner: "core", folder: new URL("../migrations/", import.meta.url) }]),
    );
  });
  afterAll(() => drop());

  it("allows the limit, refuses the next attempt, and starts again after a reset", async () => {
    const options = { key: "test:a", limit: 3, windowSeconds: 60 };
    const results = [];
    for (let i = 0; i < 5; i++) {
      results.push(await consumeRateLimit(database.db, options));
    }
    expect(results).toEqual([true, true, true, false, false]);
    expect(await consumeRateLimit(database.db, { ...options, key: "test:b" })).toBe(true);
    await resetRateLimit(database.db, "test:a");
    expect(await consumeRateLimit(database.db, options)).toBe(true);
  });

  it("opens a new window once the old one has passed", async () => {
    const options = { key: "test:window", limit: 1, windowSeconds: 1 };
    expect(await consumeRateLimit(database.db, options)).toBe(true);
    expect(await consumeRateLimit(database.db, options)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await consumeRateLimit(database.db, options)).toBe(true);
  });
});
