import type { Context } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../../core/http/app-env.ts";
import { csrfField } from "../../core/http/layout.ts";
import type { ReportStatus } from "./schema.ts";

/** A status as a coloured badge that also says it in words (colour is never the only signal). */
export function stageBadge(c: Context<AppEnv>, status: Pick<ReportStatus, "stage" | "labelJa" | "labelEn">) {
  const label = c.var.lang === "ja" ? status.labelJa : status.labelEn;
  return html`<span class="stage stage-${status.stage}" data-stage="${status.stage}">${label}</span>`;
}

/**
 * Follow button: signed-in residents follow in one press; guests may sign in (and come back to `returnTo`)
 * or leave an e-mail address. Either way the resident lands on the followed report's page.
 */
export function followForm(c: Context<AppEnv>, reference: string, returnTo: string) {
  const { t } = c.var;
  if (c.var.resident) {
    return html`<form method="post" action="/reports/${reference}/follow">${csrfField(c)}<button type="submit" class="button-secondary">${t("reports.follow.button")}</button></form>`;
  }
  return html`<p><a href="/sign-in?${new URLSearchParams({ return: returnTo })}">${t("reports.follow.signIn")}</a></p>
<form method="post" action="/reports/${reference}/follow">
<div class="field"><label for="f-follow-${reference}">${t("reports.follow.email")}</label><input id="f-follow-${reference}" name="email" type="email" autocomplete="email" required></div>
<button type="submit" class="button-secondary">${t("reports.follow.button")}</button></form>`;
}

/** Leaflet and our map script, both from our own origin (CSP script-src 'self'). */
export const mapScripts = html`<script src="/assets/leaflet/leaflet.js" defer></script><script src="/assets/report-map.js" defer></script>`;
