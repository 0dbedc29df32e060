import { eq } from "drizzle-orm";
import type { Browser, Cookie } from "playwright-core";
import { DEMO_TENANT_SLUG } from "../../app/seed-demo.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import type { TestServer } from "../../core/testing/browser.ts";
import { insertPublishedForm } from "../../modules/forms/testing.ts";
import { tenohiraDefinition } from "./fields.ts";

/** Our runner's side of the benches: the 30-field form published in the demo city, open to guests. */

export const BENCH_SLUG = "bench-30-fields";

export async function publishBenchForm(testServer: TestServer): Promise<void> {
  const db = testServer.platform.services.database.db;
  const [tenant] = await db
    .select({ id: tenants.id })
    .from(tenants)
    .where(eq(tenants.slug, DEMO_TENANT_SLUG));
  await insertPublishedForm(db, { tenantId: tenant!.id, slug: BENCH_SLUG, definition: tenohiraDefinition() });
}

/** The start page, or undefined (with the status) while the runner's pages are not there. */
export async function startPageUrl(origin: string): Promise<{ url: string } | { status: number }> {
  const url = `${origin}/forms/${BENCH_SLUG}`;
  const response = await fetch(url);
  await response.body?.cancel();
  return response.status === 200 ? { url } : { status: response.status };
}

export type GuestApplication = { firstPageUrl: string; cookies: Cookie[] };

/** Starts a guest application as a resident would (the start page's button) and keeps its cookie. */
export async function startGuestApplication(browser: Browser, startUrl: string): Promise<GuestApplication> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(startUrl);
    await page.locator(`form[action$="/forms/${BENCH_SLUG}/start"] [type=submit]`).click();
    await page.waitForURL(new RegExp(`/forms/${BENCH_SLUG}/a/`));
    return { firstPageUrl: page.url(), cookies: await context.cookies() };
  } finally {
    await context.close();
  }
}

/** The cookies as one Cookie request header. */
export const cookieHeader = (cookies: readonly Cookie[]) =>
  cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join("; ");
