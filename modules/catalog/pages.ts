import { and, eq, inArray } from "drizzle-orm";
import { Hono } from "hono";
import { html } from "hono/html";
import type { Db } from "../../core/db/database.ts";
import type { AppEnv } from "../../core/http/app-env.ts";
import { renderPage } from "../../core/http/layout.ts";
import { problems } from "../../core/http/problem.ts";
import { requireResident } from "../../core/identity/resident-session.ts";
import { residentAttributes } from "../../core/identity/schema.ts";
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
${
  service.channels.includes("online")
    ? html`<p>${t(`catalog.level.${service.assuranceLevel}`)}</p>
<p class="button-row"><a class="button" href="/services/${service.slug}/start">${t("catalog.detail.start")}</a></p>`
    : ""
}
<p><a href="/services">${t("catalog.detail.back")}</a></p>`,
    });
  })
  .get("/services/:slug{[a-z0-9-]{2,60}}/start", async (c) => {
    const { t, lang } = c.var;
    const db = c.var.services.database.db;
    const [service] = await findServices({
      db,
      tenantId: c.var.tenant.id,
      publishedOnly: true,
      slug: c.req.param("slug"),
    });
    if (!service?.channels.includes("online")) {
      throw problems.notFound();
    }
    if (service.onlinePath) {
      return c.redirect(service.onlinePath, 303);
    }
    // Below the service's level, the resident is walked through sign-in or step-up and lands back here.
    const resident = requireResident(c, service.assuranceLevel === "none" ? "email" : service.assuranceLevel);
    const verified = await verifiedAttributes(db, c.var.tenant.id, resident.id);
    const name = lang === "ja" ? service.nameJa : service.nameEn;
    return renderPage(c, {
      title: name,
      body: html`<h1>${name}</h1>
<div class="notice" role="status"><p>${t("catalog.start.ready", {
        level: t(`identity.level.${c.var.session?.assuranceLevel ?? "none"}`),
      })}</p></div>
${
  verified.length > 0
    ? html`<h2>${t("catalog.start.prefill")}</h2>
<dl class="summary">${verified.map(
        (a) => html`<div><dt>${t(`identity.profile.${a.name}`)}</dt><dd>${String(a.value)}</dd></div>`,
      )}</dl>`
    : ""
}
<p>${t("catalog.start.next")}</p>
<p><a href="/services/${service.slug}">${t("catalog.start.back")}</a></p>`,
    });
  });

/** The card-verified 基本4情報 an application of this resident will be filled with. */
async function verifiedAttributes(db: Db, tenantId: string, residentId: string) {
  return db
    .select({ name: residentAttributes.name, value: residentAttributes.value })
    .from(residentAttributes)
    .where(
      and(
        eq(residentAttributes.tenantId, tenantId),
        eq(residentAttributes.residentId, residentId),
        eq(residentAttributes.source, "card_verified"),
        inArray(residentAttributes.name, ["name", "birth_date", "gender", "address"]),
      ),
    )
    .orderBy(residentAttributes.name);
}
