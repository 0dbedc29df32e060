import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { AppEnv } from "../core/http/app-env.ts";
import { defineModule } from "../core/module.ts";
import { createTestPlatform, type TestPlatform } from "../core/testing/test-platform.ts";
import { installedModules } from "./modules.ts";

let platform: TestPlatform;
beforeAll(async () => {
  platform = await createTestPlatform();
});
afterAll(() => platform.close());

describe("HTTP basics", () => {
  it("serves the resident home page with the demo city's services", async () => {
    const response = await platform.request("/");
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('<html lang="ja">');
    expect(page).toContain("てのひら市");
    expect(page).toContain('href="/services/juminhyo"');
  });

  it("switches to English by query, cookie-free", async () => {
    const page = await (await platform.request("/?lang=en")).text();
    expect(page).toContain('<html lang="en">');
    expect(page).toContain("Tenohira City");
  });

  it("masks the secret of a capability URL (calendar feed, ticket status) in the access log", async () => {
    const info = vi.spyOn(platform.services.logger, "info");
    try {
      await platform.request(`/calendar/${"a".repeat(32)}.ics`);
      await platform.request(`/queue/t/${"b".repeat(32)}`);
      const paths = info.mock.calls.map(([fields]) => (fields as { path?: string }).path).filter(Boolean);
      expect(paths).toEqual(["/calendar/***.ics", "/queue/t/***"]);
    } finally {
      info.mockRestore();
    }
  });

  it("answers health and readiness", async () => {
    expect(await (await platform.request("/healthz")).json()).toEqual({ status: "ok" });
    const ready = (await (await platform.request("/readyz")).json()) as { status: string; driver: string };
    expect(ready.status).toBe("ready");
    expect(ready.driver).toBe(platform.services.database.driver);
  });

  it("exposes Prometheus metrics including module metrics", async () => {
    await platform.request("/");
    const text = await (await platform.request("/metrics")).text();
    expect(text).toMatch(
      /tenohira_http_request_duration_seconds_count\{method="GET",route="\/",status="200"\} \d+/,
    );
    expect(text).toMatch(/tenohira_module_catalog_published_services\{tenant="[0-9a-f-]+"\} 4/);
    expect(text).toContain("tenohira_jobs");
  });

  it("serves an OpenAPI 3.1 document covering core and module routes", async () => {
    const doc = (await (await platform.request("/api/openapi.json")).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/catalog/services",
        "/staff/api/catalog/services",
        "/staff/api/catalog/services/{id}/publish",
        "/staff/api/session",
        "/staff/api/jobs",
        "/staff/api/audit",
      ]),
    );
  });

  it("answers unknown API routes with problem+json 404 and unknown pages with a friendly page", async () => {
    const api = await platform.request("/api/nothing-here");
    expect(api.status).toBe(404);
    expect(api.headers.get("content-type")).toContain("application/problem+json");
    const body = (await api.json()) as { title: string; title_ja: string; status: number };
    expect(body).toMatchObject({ status: 404, title: "Not found", title_ja: "ページが見つかりません" });

    const html = await platform.request("/no-such-page", { headers: { accept: "text/html" } });
    expect(html.status).toBe(404);
    const text = await html.text();
    expect(text).toContain("ページが見つかりません");
    expect(text).not.toMatch(/at .*\.ts:\d+/);
  });

  it("rejects malformed JSON, invalid fields and oversized bodies with 4xx problems", async () => {
    const malformed = await platform.request("/staff/api/session", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { type: string }).type).toContain("malformed-json");

    const invalid = await platform.request("/staff/api/session", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "not-an-email" }),
    });
    expect(invalid.status).toBe(400);
    const problem = (await invalid.json()) as { errors: { pointer: string; detailJa: string }[] };
    expect(problem.errors.map((e) => e.pointer)).toEqual(["/email", "/password"]);
    expect(problem.errors[0]!.detailJa).toMatch(/メールアドレス/);

    const huge = await platform.request("/staff/api/session", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(2_000_000) },
      body: JSON.stringify({ email: "a@b.jp", password: "x".repeat(2_000_000) }),
    });
    expect(huge.status).toBe(413);
  });

  it("never shows a stack trace when something breaks", async () => {
    const broken = defineModule({
      id: "broken",
      name: { ja: "故障", en: "Broken" },
      pages: new Hono<AppEnv>().get("/__boom", () => {
        throw new Error("secret internals");
      }),
    });
    const withBroken = await createTestPlatform({ modules: [...installedModules, broken] });
    try {
      const page = await withBroken.request("/__boom", { headers: { accept: "text/html" } });
      expect(page.status).toBe(500);
      const text = await page.text();
      expect(text).not.toContain("secret internals");
      expect(text).toContain("ただいま処理できません");
      const api = await withBroken.request("/__boom", { headers: { accept: "application/json" } });
      expect(await api.json()).toMatchObject({ status: 500, title_ja: "サーバーで問題が発生しました" });
    } finally {
      await withBroken.close();
    }
  });
});
