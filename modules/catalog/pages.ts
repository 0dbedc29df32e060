import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../../core/http/app-env.ts";
import { renderPage } from "../../core/http/layout.ts";
import { problems } from "../../core/http/problem.ts";
import { findServices } from "./operations/find-services.ts";

export const catalogPages = new Hono<AppEnv>()
  .get("/services", async (c) => {
    const { t, lang } = c.var;
    const services = await findServices({
      db: c.var.services.database.db,
      tenantId: c.var.tenant.id,
      publishedOnly: true,
    });
    return renderPage(c, {
      title: t("catalog.list.title"),
      body: html`<h1>${t("catalog.list.title")}</h1>
<ul class="entry-list">${services.map(
        (s) =>
          html`<li><a class="entry" href="/services/${s.slug}">${lang === "ja" ? s.nameJa : s.nameEn}</a></li>`,
      )}</ul>`,
    });
  })
  .get("/services/:slug{[a-z0-9-]{2,60}}", async (c) => {
    const { t, lang } = c.var;
    const [service] = await findServices({
      db: c.var.services.database.db,
      tenantId: c.var.tenant.id,
      publishedOnly: true,
      slug: c.req.param("slug"),
    });
    if (!service) {
      throw problems.notFound();
    }
    const name = lang === "ja" ? service.nameJa : service.nameEn;
    return renderPage(c, {
      title: name,
      body: html`<h1>${name}</h1>
<p>${lang === "ja" ? service.summaryJa : service.summaryEn}</p>
<h2>${t("catalog.detail.channels")}</h2>
<ul>${service.channels.map((channel) => html`<li>${t(`catalog.channel.${channel}`)}</li>`)}</ul>
<p><a href="/services">${t("catalog.detail.back")}</a></p>`,
    });
  });
