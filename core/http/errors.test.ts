import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../db/database.ts";
import { createTestDatabase } from "../testing/test-database.ts";
import type { AppEnv } from "./app-env.ts";
import { handleError } from "./errors.ts";

describe("handleError", () => {
  let database: Database;
  let drop: () => Promise<void>;
  let app: Hono<AppEnv>;
  beforeAll(async () => {
    ({ database, drop } = await createTestDatabase());
    app = new Hono<AppEnv>()
      .get("/api/things/:id", async (c) => {
        // What a route with a loose id pattern does: hand the id to a uuid column.
        await database.db.execute(sql`SELECT ${c.req.param("id")}::uuid`);
        return c.json({ ok: true });
      })
      .get("/api/broken", async () => {
        await database.db.execute(sql`SELECT * FROM no_such_table`);
        return new Response("unreachable");
      })
      .onError(handleError);
  });
  afterAll(() => drop());

  it("answers a malformed id (SQLSTATE 22P02) with a bilingual 404 problem, not a 500", async () => {
    const response = await app.request("/api/things/------------------------------------");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    expect(await response.json()).toMatchObject({
      status: 404,
      title: "Not found",
      title_ja: "ページが見つかりません",
    });
  });

  it("still answers other database errors with a 500", async () => {
    expect((await app.request("/api/broken")).status).toBe(500);
  });
});
