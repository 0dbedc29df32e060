import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../db/database.ts";
import { createTestDatabase } from "../testing/test-database.ts";
import type { AppEnv } from "./app-env.ts";
import { createErrorHandler } from "./errors.ts";

describe("the error handler", () => {
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
      .get("/api/text", async (c) => {
        await database.db.execute(sql`SELECT ${c.req.query("q") ?? ""}::text`);
        return c.json({ ok: true });
      })
      .get("/api/date", async (c) => {
        await database.db.execute(sql`SELECT ${c.req.query("d") ?? ""}::timestamptz`);
        return c.json({ ok: true });
      })
      .get("/api/broken", async () => {
        await database.db.execute(sql`SELECT * FROM no_such_table`);
        return new Response("unreachable");
      })
      .onError(createErrorHandler());
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

  it("answers a NUL in text and an impossible date with a 400 problem", async () => {
    for (const path of ["/api/text?q=a%00b", "/api/date?d=2026-13-45T00:00:00Z"]) {
      const response = await app.request(path);
      expect(response.status, path).toBe(400);
      expect(await response.json()).toMatchObject({
        status: 400,
        title_ja: "入力に使えない文字や日付が含まれています",
      });
    }
  });

  it("still answers other database errors with a 500", async () => {
    expect((await app.request("/api/broken")).status).toBe(500);
  });
});
