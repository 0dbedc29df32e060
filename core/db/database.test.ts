import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../testing/test-database.ts";
import type { Database } from "./database.ts";

describe("the database driver", () => {
  let database: Database;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ database, drop } = await createTestDatabase());
    await database.exec("CREATE TABLE refusals (id int PRIMARY KEY); INSERT INTO refusals VALUES (1)");
  });
  afterAll(() => drop());

  // PGlite 0.5.8 answered every query with "stack depth limit exceeded" after ~2,980 failed statements.
  it("keeps answering after thousands of refused statements, as a rush of refused bookings makes", async () => {
    let refused = 0;
    for (let i = 0; i < 3500; i++) {
      await database
        .rawTransaction((tx) => tx.exec("INSERT INTO refusals VALUES (1)"))
        .catch((error: { code?: string }) => {
          expect(error.code).toBe("23505");
          refused++;
        });
    }
    expect(refused).toBe(3500);
    const rows = await database.rawTransaction((tx) =>
      tx.query<{ n: number }>("SELECT count(*)::int AS n FROM refusals"),
    );
    expect(rows).toEqual([{ n: 1 }]);
  }, 120_000);
});
