import type { Context } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../../core/http/app-env.ts";
import { csrfField, renderPage } from "../../core/http/layout.ts";
import { consumeRateLimit } from "../../core/identity/rate-limit.ts";
import type { ReportStatus } from "./schema.ts";

/** A status as a coloured badge that also says it in words (colour is never the only signal). */
export function stageBadge(c: Context<AppEnv>, status: Pick<ReportStatus, "stage" | "labelJa" | "labelEn">) {
  const label = c.var.lang === "ja" ? status.labelJa : status.labelEn;
  return html`<span class="stage stage-${status.stage}" data-stage="${status.stage}">${label}</span>`;
}

/**
 * Follow button for a signed-in resident. Anyone else gets a link to sign in by e-mailed code (which proves
 * the address updates go to) and comes back to the report's page to press it there.
 */
export function followForm(c: Context<AppEnv>, reference: string) {
  const { t } = c.var;
  if (c.var.resident) {
    return html`<form method="post" action="/reports/${reference}/follow">${csrfField(c)}<button type="submit" class="button-secondary">${t("reports.follow.button")}</button></form>`;
  }
  return html`<p><a class="button button-secondary" href="${signInToReport(reference)}">${t("reports.follow.signIn")}</a></p>`;
}

/** Sign-in that returns to the report's page: always a page to GET, never the form's POST address. */
export function signInToReport(reference: string): string {
  return `/sign-in?${new URLSearchParams({ return: `/reports/${reference}` })}`;
}

/** Leaflet and our map script, both from our own origin (CSP script-src 'self'). */
export const mapScripts = html`<script src="/assets/leaflet/leaflet.js" defer></script><script src="/assets/report-map.js" defer></script>`;

export type ReportRateLimit = { key: string; limit: number; windowSeconds: number };

/**
 * Counts one attempt against a per-tenant limit; once over it, the bilingual 429 page to answer with
 * (null while within the limit). Keys name the tenant so one city's traffic never blocks another's.
 */
export async function overRateLimit(c: Context<AppEnv>, limit: ReportRateLimit): Promise<Response | null> {
  const allowed = await consumeRateLimit(c.var.services.database.db, {
    ...limit,
    key: `reports:${c.var.tenant.id}:${limit.key}`,
  });
  if (allowed) {
    return null;
  }
  const { t } = c.var;
  c.header("retry-after", String(limit.windowSeconds));
  return renderPage(c, {
    title: t("reports.limit.title"),
    status: 429,
    body: html`<h1>${t("reports.limit.title")}</h1><p>${t("reports.limit.body", { minutes: Math.ceil(limit.windowSeconds / 60) })}</p>
<p><a href="/reports">${t("reports.list.title")}</a></p>`,
  });
}
