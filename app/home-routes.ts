import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../core/http/app-env.ts";
import { renderPage } from "../core/http/layout.ts";
import type { ModuleManifest } from "../core/module.ts";

/** The resident home page: what every installed module offers this city's residents. */
export function homeRoutes(modules: readonly ModuleManifest[]) {
  return new Hono<AppEnv>().get("/", async (c) => {
    const { t, lang, tenant } = c.var;
    const entries = (
      await Promise.all(modules.map((m) => m.residentEntries?.(c.var.services.database.db, tenant.id) ?? []))
    ).flat();
    const city = lang === "ja" ? tenant.nameJa : tenant.nameEn;
    return renderPage(c, {
      title: t("home.title", { city }),
      body: html`<h1>${t("home.title", { city })}</h1>
<p class="lead">${t("home.lead")}</p>
<section aria-labelledby="services-heading">
<h2 id="services-heading">${t("home.services")}</h2>
${
  entries.length === 0
    ? html`<p>${t("home.noServices")}</p>`
    : html`<ul class="entry-list">${entries.map(
        (entry) => html`<li><a class="entry" href="${entry.href}">${entry.label[lang]}</a></li>`,
      )}</ul>`
}
</section>`,
    });
  });
}
