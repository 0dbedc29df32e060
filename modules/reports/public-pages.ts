import { and, asc, count, desc, eq, isNotNull, isNull, type SQL } from "drizzle-orm";
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { recordAudit } from "../../core/audit/record-audit.ts";
import { isLatLng, round6 } from "../../core/geo/geo.ts";
import type { AppEnv } from "../../core/http/app-env.ts";
import { csrfField, renderPage } from "../../core/http/layout.ts";
import { problems } from "../../core/http/problem.ts";
import { requireResident } from "../../core/identity/resident-session.ts";
import { storedFiles } from "../../core/storage/schema.ts";
import { mapAssetRoutes } from "./map-assets.ts";
import { offlineTileRoutes } from "./offline-tiles.ts";
import { followReport } from "./operations/follow-report.ts";
import { reopenDeadline, reopenReport } from "./operations/reopen-report.ts";
import { unfollowReport } from "./operations/unfollow-report.ts";
import { followForm, mapScripts, stageBadge } from "./public-view.ts";
import { tileGrid } from "./resident-map.ts";
import { loadRoutingSetup } from "./routing.ts";
import {
  type ReportStage,
  reportCategories,
  reportEntries,
  reportFollowers,
  reportPhotos,
  reportStages,
  reportStatuses,
  reports,
} from "./schema.ts";

const REF = "{V[0-9A-Z]{3}-[0-9A-Z]{4}}";
const PAGE_SIZE = 20;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

async function reportOr404(c: Context<AppEnv>, reference: string) {
  const [row] = await c.var.services.database.db
    .select({ report: reports, category: reportCategories, status: reportStatuses })
    .from(reports)
    .innerJoin(reportCategories, eq(reportCategories.id, reports.categoryId))
    .innerJoin(
      reportStatuses,
      and(eq(reportStatuses.tenantId, reports.tenantId), eq(reportStatuses.key, reports.statusKey)),
    )
    .where(and(eq(reports.tenantId, c.var.tenant.id), eq(reports.reference, reference)));
  const isReporter = Boolean(row && c.var.resident && row.report.residentId === c.var.resident.id);
  // A report staff hid is gone for everyone but its reporter.
  if (!row || (row.report.hiddenByStaff && !isReporter)) {
    throw problems.notFound();
  }
  return { ...row, isReporter };
}

function when(c: Context<AppEnv>, date: Date) {
  return date.toLocaleString(c.var.lang === "ja" ? "ja-JP" : "en-GB", {
    timeZone: "Asia/Tokyo",
    dateStyle: "medium",
    timeStyle: "short",
  });
}

async function reportPage(c: Context<AppEnv>, reference: string, notice?: string, status?: number) {
  const { t, lang } = c.var;
  const db = c.var.services.database.db;
  const tenantId = c.var.tenant.id;
  const { report, category, status: current, isReporter } = await reportOr404(c, reference);
  const statuses = await db.select().from(reportStatuses).where(eq(reportStatuses.tenantId, tenantId));
  const label = (key: string | null) => {
    const s = statuses.find((x) => x.key === key);
    return s ? (lang === "ja" ? s.labelJa : s.labelEn) : "";
  };
  const entries = await db
    .select()
    .from(reportEntries)
    .where(
      and(
        eq(reportEntries.tenantId, tenantId),
        eq(reportEntries.reportId, report.id),
        eq(reportEntries.public, true),
      ),
    )
    .orderBy(asc(reportEntries.createdAt), asc(reportEntries.id));
  const resident = c.var.resident;
  const following = resident
    ? (
        await db
          .select({ id: reportFollowers.id })
          .from(reportFollowers)
          .where(
            and(
              eq(reportFollowers.tenantId, tenantId),
              eq(reportFollowers.reportId, report.id),
              eq(reportFollowers.residentId, resident.id),
            ),
          )
      ).length > 0
    : false;
  const photos = await db
    .select()
    .from(reportPhotos)
    .where(and(eq(reportPhotos.tenantId, tenantId), eq(reportPhotos.reportId, report.id)))
    .orderBy(asc(reportPhotos.position));
  const shownPhotos = photos.filter((p) => p.public || isReporter);
  let merged = html``;
  if (report.mergedIntoId) {
    const [into] = await db
      .select({ reference: reports.reference })
      .from(reports)
      .where(and(eq(reports.tenantId, tenantId), eq(reports.id, report.mergedIntoId)));
    if (into) {
      merged = html`<p class="notice">${t("reports.page.merged", { reference: into.reference })} <a href="/reports/${into.reference}">${into.reference}</a></p>`;
    }
  }
  const point =
    report.publicLat !== null && report.publicLng !== null
      ? { lat: report.publicLat, lng: report.publicLng }
      : null;
  const shownPoint = point ?? (isReporter ? { lat: report.lat, lng: report.lng } : null);
  const config = c.var.services.config;
  const location = shownPoint
    ? html`<p>${
        category.publicLocation === "coarse" && point
          ? t("reports.page.locationCoarse", { meters: category.coarsenMeters, ...shownPoint })
          : t("reports.page.locationExact", shownPoint)
      }</p>${tileGrid({ view: { center: shownPoint, zoom: 16 }, marker: shownPoint, tileTemplate: config.mapTileUrl, t, lang, clickable: false })}
<p class="map-attribution"><a href="${config.mapAttributionUrl}">${config.mapAttribution}</a></p>${
        point
          ? html`<p><a href="/reports?${new URLSearchParams({ clat: String(point.lat), clng: String(point.lng), z: "16" })}">${t("reports.page.showOnMap")}</a></p>`
          : ""
      }`
    : html`<p>${t("reports.page.locationHidden")}</p>`;
  const entryText = (entry: (typeof entries)[number]) => {
    switch (entry.kind) {
      case "received":
        return t("reports.entry.received");
      case "status_changed":
        return t("reports.entry.status_changed", { status: label(entry.toStatus) });
      case "reply":
        return t("reports.entry.reply");
      case "reopened":
        return t("reports.entry.reopened", { status: label(entry.toStatus) });
      case "merged":
      case "merged_from":
      case "photo_published":
        return t(`reports.entry.${entry.kind}`);
      default:
        return t("reports.entry.other");
    }
  };
  const here = `/reports/${report.reference}`;
  const deadline = reopenDeadline(report, category.reopenDays);
  const canReopen =
    resident && (isReporter || following) && !report.mergedIntoId && deadline && new Date() <= deadline;
  const followBlock = report.mergedIntoId
    ? html``
    : following
      ? html`<p>${t("reports.follow.following")}</p><form method="post" action="${here}/unfollow">${csrfField(c)}<button type="submit" class="button-secondary">${t("reports.follow.unfollow")}</button></form>`
      : followForm(c, report.reference, here);
  const isNew = c.req.query("new") === "1";
  const name = lang === "ja" ? category.nameJa : category.nameEn;
  return renderPage(c, {
    title: `${name} ${report.reference}`,
    status,
    body: html`<link rel="stylesheet" href="/assets/reports.css">
<p><a class="back-link" href="/reports">${t("reports.list.title")}</a></p>
${isNew ? html`<div class="notice panel-done" role="status"><h2>${t("reports.done.title")}</h2><p>${t("reports.done.reference")}: <strong class="reference">${report.reference}</strong></p><p>${t("reports.done.lead")}</p></div>` : ""}
${notice ? html`<p class="notice" role="status">${notice}</p>` : ""}
${c.req.query("followed") === "1" ? html`<p class="notice" role="status">${t("reports.follow.done")}</p>` : ""}
<h1>${name} <span class="reference">${report.reference}</span></h1>
${merged}
<dl class="summary">
<div><dt>${t("reports.page.status")}</dt><dd>${stageBadge(c, current)}</dd></div>
<div><dt>${t("reports.page.category")}</dt><dd>${name}</dd></div>
<div><dt>${t("reports.page.received")}</dt><dd>${when(c, report.receivedAt)}</dd></div>
</dl>
<h2>${t("reports.page.location")}</h2>${location}
<h2>${t("reports.page.description")}</h2><p>${report.description}</p>
${
  shownPhotos.length > 0
    ? html`<h2>${t("reports.page.photos")}</h2>${shownPhotos.map((p) => html`<p><img class="report-photo" src="${here}/photos/${p.position}" alt="${t("reports.page.photoAlt", { n: p.position })}"></p>`)}`
    : ""
}
<h2>${t("reports.page.timeline")}</h2>
<ol class="timeline">${entries.map(
      (entry) =>
        html`<li><span class="meta">${when(c, entry.createdAt)}</span><br>${entryText(entry)}${entry.body && (entry.kind === "reply" || entry.kind === "reopened") ? html`<p>${entry.body}</p>` : ""}</li>`,
    )}</ol>
${followBlock}
${
  canReopen
    ? html`<h2>${t("reports.page.reopenHeading")}</h2><p>${t("reports.page.reopenUntil", { date: when(c, deadline) })}</p>
<form method="post" action="${here}/reopen">${csrfField(c)}<div class="field"><label for="f-reason">${t("reports.page.reopenReason")}</label><textarea id="f-reason" name="reason" rows="3" required></textarea></div>
<button type="submit">${t("reports.page.reopen")}</button></form>`
    : ""
}`,
  });
}

async function listPage(c: Context<AppEnv>) {
  const { t, lang } = c.var;
  const db = c.var.services.database.db;
  const tenantId = c.var.tenant.id;
  const categories = await db
    .select()
    .from(reportCategories)
    .where(eq(reportCategories.tenantId, tenantId))
    .orderBy(asc(reportCategories.sortOrder));
  const categoryCode = categories.find((x) => x.code === c.req.query("category"))?.code ?? "";
  const stageParam = c.req.query("stage") ?? "";
  const stage = (reportStages as readonly string[]).includes(stageParam) ? (stageParam as ReportStage) : null;
  // Only reports with a public place are listed: a hidden category's description may identify a home.
  const conditions: SQL[] = [
    eq(reports.tenantId, tenantId),
    isNull(reports.mergedIntoId),
    eq(reports.hiddenByStaff, false),
    isNotNull(reports.publicLat),
  ];
  const chosenCategory = categories.find((x) => x.code === categoryCode);
  if (chosenCategory) {
    conditions.push(eq(reports.categoryId, chosenCategory.id));
  }
  if (stage) {
    conditions.push(eq(reports.stage, stage));
  }
  const [{ total } = { total: 0 }] = await db
    .select({ total: count() })
    .from(reports)
    .where(and(...conditions));
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const page = Math.min(pages, Math.max(1, Math.floor(Number(c.req.query("page")) || 1)));
  const rows = await db
    .select({ report: reports, category: reportCategories, status: reportStatuses })
    .from(reports)
    .innerJoin(reportCategories, eq(reportCategories.id, reports.categoryId))
    .innerJoin(
      reportStatuses,
      and(eq(reportStatuses.tenantId, reports.tenantId), eq(reportStatuses.key, reports.statusKey)),
    )
    .where(and(...conditions))
    .orderBy(desc(reports.receivedAt), desc(reports.id))
    .limit(PAGE_SIZE)
    .offset((page - 1) * PAGE_SIZE);
  const setup = await loadRoutingSetup(db, tenantId);
  const b = setup.boundary;
  // A link may centre the map on a place ("see nearby reports"); otherwise the whole city is shown.
  const asked = { lat: Number(c.req.query("clat")), lng: Number(c.req.query("clng")) };
  const zoomAsked = Math.round(Number(c.req.query("z")));
  const focus =
    isLatLng(asked) && zoomAsked >= 10 && zoomAsked <= 19 ? { ...round6(asked), zoom: zoomAsked } : null;
  const centre =
    focus ??
    (b ? { lat: (b.minLat + b.maxLat) / 2, lng: (b.minLng + b.maxLng) / 2 } : { lat: 35.681, lng: 139.767 });
  const fit = !focus && b ? [b.minLat, b.minLng, b.maxLat, b.maxLng].join(",") : "";
  const config = c.var.services.config;
  const pageLink = (n: number) =>
    `/reports?${new URLSearchParams({ ...(categoryCode ? { category: categoryCode } : {}), ...(stage ? { stage } : {}), page: String(n) })}`;
  const stages = Object.fromEntries(reportStages.map((s) => [s, t(`reports.stage.${s}`)]));
  return renderPage(c, {
    title: t("reports.list.title"),
    body: html`<link rel="stylesheet" href="/assets/leaflet/leaflet.css"><link rel="stylesheet" href="/assets/reports.css">
<h1>${t("reports.list.title")}</h1>
<p><a class="button" href="/reports/new">${t("reports.list.fileNew")}</a></p>
<div id="report-map" data-tiles="${config.mapTileUrl}" data-attribution="${config.mapAttribution}" data-clat="${centre.lat}" data-clng="${centre.lng}" data-zoom="${focus?.zoom ?? 13}" data-fit="${fit}" data-category="${categoryCode}" data-stages="${JSON.stringify(stages)}" data-label="${t("reports.list.mapLabel")}">
<p class="map-note">${t("reports.list.mapNote")}</p>
<p class="map-attribution"><a href="${config.mapAttributionUrl}">${config.mapAttribution}</a></p></div>
<form method="get" action="/reports" class="inline-form">
<div class="field"><label for="f-category">${t("reports.list.category")}</label><select id="f-category" name="category"><option value="">${t("reports.list.all")}</option>${categories.map(
      (x) =>
        html`<option value="${x.code}"${x.code === categoryCode ? html` selected` : ""}>${lang === "ja" ? x.nameJa : x.nameEn}</option>`,
    )}</select></div>
<div class="field"><label for="f-stage">${t("reports.list.stage")}</label><select id="f-stage" name="stage"><option value="">${t("reports.list.all")}</option>${reportStages.map(
      (s) =>
        html`<option value="${s}"${s === stage ? html` selected` : ""}>${t(`reports.stage.${s}`)}</option>`,
    )}</select></div>
<button type="submit" class="button-secondary">${t("reports.list.filter")}</button></form>
${
  rows.length === 0
    ? html`<p>${t("reports.list.none")}</p>`
    : html`<ul class="entry-list">${rows.map(
        ({ report, category, status }) =>
          html`<li><a class="entry" href="/reports/${report.reference}">${stageBadge(c, status)} ${lang === "ja" ? category.nameJa : category.nameEn} <span class="reference">${report.reference}</span><span class="meta"> ${when(c, report.receivedAt)} — ${report.description.slice(0, 80)}</span></a></li>`,
      )}</ul>`
}
<p>${t("reports.list.page", { page, pages, total })}</p>
<nav class="pagination" aria-label="${t("reports.list.page", { page, pages, total })}">${page > 1 ? html`<a href="${pageLink(page - 1)}">${t("reports.list.previous")}</a>` : ""}${page < pages ? html`<a href="${pageLink(page + 1)}">${t("reports.list.next")}</a>` : ""}</nav>
${mapScripts}`,
  });
}

export const reportPublicPages = new Hono<AppEnv>()
  .route("/", mapAssetRoutes)
  .route("/", offlineTileRoutes)
  .get("/reports", listPage)
  .get(`/reports/:reference${REF}`, (c) => reportPage(c, c.req.param("reference")))
  .post(`/reports/:reference${REF}/follow`, async (c) => {
    const { report } = await reportOr404(c, c.req.param("reference"));
    const form = await c.req.parseBody();
    const resident = c.var.resident;
    let follower: { residentId: string } | { email: string };
    if (resident) {
      follower = { residentId: resident.id };
    } else {
      const email = typeof form["email"] === "string" ? form["email"].normalize("NFKC").trim() : "";
      if (!EMAIL.test(email)) {
        return reportPage(c, report.reference, c.var.t("reports.follow.emailInvalid"), 422);
      }
      follower = { email };
    }
    await followReport({
      db: c.var.services.database.db,
      tenantId: c.var.tenant.id,
      reportId: report.id,
      follower,
      actor: c.var.actor,
      requestId: c.var.requestId,
    });
    return c.redirect(`/reports/${report.reference}?followed=1`, 303);
  })
  .post(`/reports/:reference${REF}/unfollow`, async (c) => {
    const resident = requireResident(c);
    const { report } = await reportOr404(c, c.req.param("reference"));
    await unfollowReport({
      db: c.var.services.database.db,
      tenantId: c.var.tenant.id,
      reportId: report.id,
      residentId: resident.id,
      actor: c.var.actor,
      requestId: c.var.requestId,
    });
    return c.redirect(`/reports/${report.reference}`, 303);
  })
  .post(`/reports/:reference${REF}/reopen`, async (c) => {
    const resident = requireResident(c);
    const { report } = await reportOr404(c, c.req.param("reference"));
    const form = await c.req.parseBody();
    const result = await reopenReport({
      db: c.var.services.database.db,
      tenantId: c.var.tenant.id,
      reportId: report.id,
      residentId: resident.id,
      reason: typeof form["reason"] === "string" ? form["reason"] : "",
      actor: c.var.actor,
      requestId: c.var.requestId,
    });
    if (!result.ok) {
      return reportPage(c, report.reference, result.message[c.var.lang], result.status);
    }
    return c.redirect(`/reports/${report.reference}`, 303);
  })
  .get(`/reports/:reference${REF}/photos/:n{[1-9]}`, async (c) => {
    const { report, isReporter } = await reportOr404(c, c.req.param("reference"));
    const db = c.var.services.database.db;
    const [row] = await db
      .select({ photo: reportPhotos, file: storedFiles })
      .from(reportPhotos)
      .innerJoin(storedFiles, eq(storedFiles.id, reportPhotos.fileId))
      .where(
        and(
          eq(reportPhotos.tenantId, c.var.tenant.id),
          eq(reportPhotos.reportId, report.id),
          eq(reportPhotos.position, Number(c.req.param("n"))),
        ),
      );
    if (!row || !(row.photo.public || isReporter)) {
      throw problems.notFound();
    }
    const bytes = await c.var.services.storage.get(row.file.storageKey);
    if (!bytes) {
      throw problems.notFound();
    }
    if (!row.photo.public) {
      await recordAudit(db, {
        tenantId: c.var.tenant.id,
        actor: c.var.actor,
        action: "reports.photo.read",
        resource: { type: "report", id: report.id },
        after: { position: row.photo.position },
        requestId: c.var.requestId,
      });
    }
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      "content-type": row.file.contentType,
      "cache-control": row.photo.public ? "public, max-age=300" : "private, no-store",
      "x-content-type-options": "nosniff",
    });
  });
