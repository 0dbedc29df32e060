import { and, asc, count, desc, eq, isNotNull, isNull, ne, type SQL } from "drizzle-orm";
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { HTTPException } from "hono/http-exception";
import { recordAudit } from "../../core/audit/record-audit.ts";
import { isLatLng, round6 } from "../../core/geo/geo.ts";
import type { AppEnv } from "../../core/http/app-env.ts";
import { errorSummary } from "../../core/http/forms.ts";
import { csrfField, renderPage } from "../../core/http/layout.ts";
import { problems } from "../../core/http/problem.ts";
import type { Resident } from "../../core/identity/schema.ts";
import { mapAssetRoutes } from "./map-assets.ts";
import { offlineTileRoutes } from "./offline-tiles.ts";
import { followReport } from "./operations/follow-report.ts";
import {
  MAX_REOPEN_REASON_LENGTH,
  reopenDeadline,
  reopenFacts,
  reopenReasonProblem,
  reopenRefusal,
  reopenReport,
} from "./operations/reopen-report.ts";
import { unfollowReport } from "./operations/unfollow-report.ts";
import { reportConfirmFollowerPages } from "./public-confirm-follower.ts";
import { reportUnsubscribePages } from "./public-unsubscribe.ts";
import { followForm, mapScripts, overRateLimit, signInToReport, stageBadge } from "./public-view.ts";
import { findReportPhoto, selectReportsWithStatus } from "./report-rows.ts";
import { MAX_ZOOM, MIN_ZOOM, tileGrid } from "./resident-map.ts";
import { loadRoutingSetup } from "./routing.ts";
import {
  type ReportStage,
  reportCategories,
  reportEntries,
  reportPhotos,
  reportStages,
  reportStatuses,
  reports,
} from "./schema.ts";

const REF = "{V[0-9A-Z]{3}-[0-9A-Z]{4}}";
const PAGE_SIZE = 20;
/** Follows one resident may make in the window: plenty for real use, too few to script. */
const FOLLOW_LIMIT = { limit: 60, windowSeconds: 10 * 60 };
const REOPEN_LIMIT = { limit: 10, windowSeconds: 60 * 60 };

async function reportOr404(c: Context<AppEnv>, reference: string) {
  const [row] = await selectReportsWithStatus(c.var.services.database.db).where(
    and(eq(reports.tenantId, c.var.tenant.id), eq(reports.reference, reference)),
  );
  const isReporter = Boolean(row && c.var.resident && row.report.residentId === c.var.resident.id);
  // A report staff hid is gone for everyone but its reporter.
  if (!row || (row.report.hiddenByStaff && !isReporter)) {
    throw problems.notFound();
  }
  return { ...row, isReporter };
}

/**
 * The signed-in resident; anyone else is sent to sign in and back to the report's page (a page to GET:
 * coming back to the POST address would answer 404 or resend the form).
 */
function residentOrSignIn(c: Context<AppEnv>, reference: string): Resident {
  const resident = c.var.resident;
  if (!resident) {
    throw new HTTPException(303, { res: c.redirect(signInToReport(reference), 303) });
  }
  return resident;
}

/** The report a signed-in resident follows, unfollows or reopens, and what each of those operations is given. */
async function residentActingOn(c: Context<AppEnv>, reference: string) {
  const { report } = await reportOr404(c, reference);
  const resident = residentOrSignIn(c, report.reference);
  const residentChange = {
    db: c.var.services.database.db,
    tenantId: c.var.tenant.id,
    reportId: report.id,
    residentId: resident.id,
    actor: c.var.actor,
    requestId: c.var.requestId,
  };
  return { report, resident, residentChange };
}

function when(c: Context<AppEnv>, date: Date) {
  return date.toLocaleString(c.var.lang === "ja" ? "ja-JP" : "en-GB", {
    timeZone: "Asia/Tokyo",
    dateStyle: "medium",
    timeStyle: "short",
  });
}

type ReportPageView = {
  notice?: string;
  status?: number;
  /** A refused reopen request: what was typed and why it was refused. */
  reopen?: { reason: string; error: string };
};

async function reportPage(c: Context<AppEnv>, reference: string, view: ReportPageView = {}) {
  const { t, lang } = c.var;
  const db = c.var.services.database.db;
  const tenantId = c.var.tenant.id;
  const { report, category, status: current, isReporter } = await reportOr404(c, reference);
  // A hidden category's report may describe a home or a person: its words and pictures are the reporter's.
  const restricted = category.publicLocation === "hidden" && !isReporter;
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
  const facts = resident
    ? await reopenFacts(db, { tenantId, reportId: report.id, residentId: resident.id })
    : null;
  const following = facts?.followedAt != null;
  const photos = restricted
    ? []
    : await db
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
      merged = html`<p class="notice">${t("reports.page.merged")} <a href="/reports/${into.reference}">${into.reference}</a></p>`;
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
  const entryBody = (entry: (typeof entries)[number]) =>
    !restricted && entry.body && (entry.kind === "reply" || entry.kind === "reopened")
      ? html`<p>${entry.body}</p>`
      : "";
  const here = `/reports/${report.reference}`;
  const deadline = reopenDeadline(report, category.reopenDays);
  const canReopen =
    resident &&
    facts &&
    deadline &&
    !reopenRefusal({
      report,
      reopenDays: category.reopenDays,
      residentId: resident.id,
      now: new Date(),
      ...facts,
    });
  const followBlock = report.mergedIntoId
    ? html``
    : following
      ? html`<p>${t("reports.follow.following")}</p><form method="post" action="${here}/unfollow">${csrfField(c)}<button type="submit" class="button-secondary">${t("reports.follow.unfollow")}</button></form>`
      : followForm(c, report.reference);
  const reopenError = view.reopen?.error;
  const reopenForm =
    canReopen && deadline
      ? html`<h2>${t("reports.page.reopenHeading")}</h2><p>${t("reports.page.reopenUntil", { date: when(c, deadline) })}</p>
${errorSummary(t("reports.page.reopenRefused"), reopenError ? { reason: reopenError } : {})}
<form method="post" action="${here}/reopen">${csrfField(c)}<div class="field${reopenError ? " field-invalid" : ""}"><label for="f-reason">${t("reports.page.reopenReason")}</label>
<span class="hint" id="f-reason-hint">${t("reports.details.descriptionHint", { limit: MAX_REOPEN_REASON_LENGTH })}</span>
${reopenError ? html`<span class="field-error" id="f-reason-error">${reopenError}</span>` : ""}
<textarea id="f-reason" name="reason" rows="3" required maxlength="${MAX_REOPEN_REASON_LENGTH}" aria-describedby="f-reason-hint${reopenError ? " f-reason-error" : ""}">${view.reopen?.reason ?? ""}</textarea></div>
<button type="submit">${t("reports.page.reopen")}</button></form>`
      : "";
  const isNew = c.req.query("new") === "1";
  const name = lang === "ja" ? category.nameJa : category.nameEn;
  const ownOnly = shownPhotos.some((p) => !p.public);
  return renderPage(c, {
    title: `${name} ${report.reference}`,
    status: view.status,
    body: html`<link rel="stylesheet" href="/assets/reports.css">
<p><a class="back-link" href="/reports">${t("reports.list.title")}</a></p>
${isNew ? html`<div class="notice panel-done" role="status"><h2>${t("reports.done.title")}</h2><p>${t("reports.done.reference")}: <strong class="reference">${report.reference}</strong></p><p>${t("reports.done.lead")}</p></div>` : ""}
${view.notice ? html`<p class="notice" role="status">${view.notice}</p>` : ""}
${c.req.query("followed") === "1" ? html`<p class="notice" role="status">${t("reports.follow.done")}</p>` : ""}
<h1>${name} <span class="reference">${report.reference}</span></h1>
${merged}
<dl class="summary">
<div><dt>${t("reports.page.status")}</dt><dd>${stageBadge(c, current)}</dd></div>
<div><dt>${t("reports.page.category")}</dt><dd>${name}</dd></div>
<div><dt>${t("reports.page.received")}</dt><dd>${when(c, report.receivedAt)}</dd></div>
</dl>
<h2>${t("reports.page.location")}</h2>${location}
<h2>${t("reports.page.description")}</h2>${restricted ? html`<p>${t("reports.page.descriptionPrivate")}</p>` : html`<p>${report.description}</p>`}
${
  shownPhotos.length > 0
    ? html`<h2>${t("reports.page.photos")}</h2>${ownOnly ? html`<p class="hint">${t("reports.page.photosOwn")}</p>` : ""}${shownPhotos.map((p) => html`<p><img class="report-photo" src="${here}/photos/${p.position}" alt="${t("reports.page.photoAlt", { n: p.position })}"></p>`)}`
    : ""
}
<h2>${t("reports.page.timeline")}</h2>
<ol class="timeline">${entries.map(
      (entry) =>
        html`<li><span class="meta">${when(c, entry.createdAt)}</span><br>${entryText(entry)}${entryBody(entry)}</li>`,
    )}</ol>
${followBlock}
${reopenForm}`,
  });
}

async function listPage(c: Context<AppEnv>) {
  const { t, lang } = c.var;
  const db = c.var.services.database.db;
  const tenantId = c.var.tenant.id;
  // Only what the list can show: hidden categories are never listed, retired ones have nothing to filter.
  const categories = await db
    .select()
    .from(reportCategories)
    .where(
      and(
        eq(reportCategories.tenantId, tenantId),
        eq(reportCategories.active, true),
        ne(reportCategories.publicLocation, "hidden"),
      ),
    )
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
  const rows = await selectReportsWithStatus(db)
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
    isLatLng(asked) && zoomAsked >= MIN_ZOOM && zoomAsked <= MAX_ZOOM
      ? { ...round6(asked), zoom: zoomAsked }
      : null;
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
  .route("/", reportUnsubscribePages)
  .route("/", reportConfirmFollowerPages)
  .get("/reports", listPage)
  .get(`/reports/:reference${REF}`, (c) => reportPage(c, c.req.param("reference")))
  .post(`/reports/:reference${REF}/follow`, async (c) => {
    const { resident, residentChange } = await residentActingOn(c, c.req.param("reference"));
    const limited = await overRateLimit(c, { key: `follow:${resident.id}`, ...FOLLOW_LIMIT });
    if (limited) {
      return limited;
    }
    const followed = await followReport({ ...residentChange, locale: c.var.lang });
    return c.redirect(`/reports/${followed.reference}?followed=1`, 303);
  })
  .post(`/reports/:reference${REF}/unfollow`, async (c) => {
    const { report, residentChange } = await residentActingOn(c, c.req.param("reference"));
    await unfollowReport(residentChange);
    return c.redirect(`/reports/${report.reference}`, 303);
  })
  .post(`/reports/:reference${REF}/reopen`, async (c) => {
    const { report, resident, residentChange } = await residentActingOn(c, c.req.param("reference"));
    const form = await c.req.parseBody();
    const reason = typeof form["reason"] === "string" ? form["reason"] : "";
    const problem = reopenReasonProblem(reason);
    if (problem) {
      return reportPage(c, report.reference, { reopen: { reason, error: problem[c.var.lang] }, status: 422 });
    }
    const limited = await overRateLimit(c, { key: `reopen:${resident.id}`, ...REOPEN_LIMIT });
    if (limited) {
      return limited;
    }
    const result = await reopenReport({ ...residentChange, reason });
    if (!result.ok) {
      return reportPage(c, report.reference, { notice: result.message[c.var.lang], status: result.status });
    }
    return c.redirect(`/reports/${report.reference}`, 303);
  })
  .get(`/reports/:reference${REF}/photos/:n{[1-9]}`, async (c) => {
    const { report, category, isReporter } = await reportOr404(c, c.req.param("reference"));
    // A hidden category's photos are the reporter's alone, even one staff marked public.
    const visible = (photo: { public: boolean }) =>
      isReporter || (photo.public && category.publicLocation !== "hidden");
    const db = c.var.services.database.db;
    const row = await findReportPhoto(db, report, Number(c.req.param("n")));
    if (!row || !visible(row.photo)) {
      throw problems.notFound();
    }
    const bytes = await c.var.services.storage.get(row.file.storageKey);
    if (!bytes) {
      throw problems.notFound();
    }
    const forEveryone = row.photo.public && category.publicLocation !== "hidden";
    if (!forEveryone) {
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
      "cache-control": forEveryone ? "public, max-age=300" : "private, no-store",
      "x-content-type-options": "nosniff",
    });
  });
