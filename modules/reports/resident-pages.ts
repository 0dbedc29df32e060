import { and, asc, eq } from "drizzle-orm";
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { isLatLng, type LatLng, round6 } from "../../core/geo/geo.ts";
import type { AppEnv } from "../../core/http/app-env.ts";
import { errorSummary, inputField } from "../../core/http/forms.ts";
import { csrfField, type Html, renderPage } from "../../core/http/layout.ts";
import { clientIp } from "../../core/http/middleware.ts";
import { problems } from "../../core/http/problem.ts";
import { consumeRateLimit } from "../../core/identity/rate-limit.ts";
import {
  type FormQuestions,
  loadFormQuestions,
  type PageInput,
  regroupPostedAnswers,
  renderFormQuestions,
} from "../forms/index.ts";
import { searchPlace } from "./address-search.ts";
import { findNearbyReports } from "./operations/find-nearby-reports.ts";
import { MAX_DESCRIPTION_LENGTH, type ReportProblem, submitReport } from "./operations/submit-report.ts";
import { photoLocation } from "./photo-location.ts";
import { followForm, mapScripts, overRateLimit, stageBadge } from "./public-view.ts";
import {
  DEFAULT_ZOOM,
  MAX_ZOOM,
  type MapView,
  MIN_ZOOM,
  panned,
  pointFromClick,
  tileGrid,
} from "./resident-map.ts";
import { loadCategory, loadRoutingSetup } from "./routing.ts";
import { type ReportCategory, reportCategories, reportStatuses } from "./schema.ts";

const CODE = "{[a-z0-9][a-z0-9-]{0,60}}";
/** Zoom a found address is shown at: streets and buildings visible, so the resident can tap the exact spot. */
const STREET_ZOOM = 17;
/** Reports one guest address may file in the window: a family or an office network, not a flood. */
const FILE_LIMIT_GUEST = { limit: 10, windowSeconds: 10 * 60 };
const FILE_LIMIT_RESIDENT = { limit: 30, windowSeconds: 10 * 60 };
/** Address searches one client address may send to the geocoder in the window; past it the map still works. */
export const SEARCH_LIMIT = { limit: 30, windowSeconds: 10 * 60 };
/** Inputs of the details form itself; everything else belongs to the category's extra questions. */
const OWN_INPUTS = new Set([
  "_csrf",
  "_action",
  "lang",
  "lat",
  "lng",
  "description",
  "photos",
  "gps_consent",
  "contact_name",
  "contact_email",
  "contact_phone",
  "anonymous",
]);

const num = (value: string | undefined | null) =>
  value === undefined || value === null || value === "" ? Number.NaN : Number(value);

function pointOf(lat: string | undefined | null, lng: string | undefined | null): LatLng | null {
  const point = { lat: num(lat), lng: num(lng) };
  return isLatLng(point) ? round6(point) : null;
}

async function categoryOr404(c: Context<AppEnv>, code: string): Promise<ReportCategory> {
  const category = await loadCategory(c.var.services.database.db, c.var.tenant.id, code);
  if (!category?.active) {
    throw problems.notFound();
  }
  return category;
}

async function cityCentre(c: Context<AppEnv>): Promise<LatLng> {
  const setup = await loadRoutingSetup(c.var.services.database.db, c.var.tenant.id);
  const b = setup.boundary;
  return b
    ? round6({ lat: (b.minLat + b.maxLat) / 2, lng: (b.minLng + b.maxLng) / 2 })
    : { lat: 35.681, lng: 139.767 };
}

type DetailsView = {
  posted: PageInput | null;
  errors: Record<string, string>;
  problems: ReportProblem[];
  photosLost: boolean;
  status?: number;
};

function first(input: PageInput | null, name: string): string {
  return input?.get(name)?.[0] ?? "";
}

async function filePage(c: Context<AppEnv>, category: ReportCategory, view: DetailsView) {
  const { t, lang } = c.var;
  const db = c.var.services.database.db;
  const tenantId = c.var.tenant.id;
  const config = c.var.services.config;
  const query = (name: string) => c.req.query(name);
  const chosen = view.posted
    ? pointOf(first(view.posted, "lat"), first(view.posted, "lng"))
    : pointOf(query("lat"), query("lng"));
  let zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, Math.round(num(query("z"))) || DEFAULT_ZOOM));
  let center = pointOf(query("clat"), query("clng")) ?? chosen ?? (await cityCentre(c));
  const base = `/reports/new/${category.code}`;
  // Address search: the city's own 町字 / area names, then full addresses when an abr-geocoder is configured.
  // The map moves to what was found; the pin stays the resident's own choice.
  const q = (query("q") ?? "").trim().slice(0, 100);
  let searchResult: Html = html``;
  if (q) {
    const ip = clientIp(c);
    const found = await searchPlace({
      services: c.var.services,
      tenantId,
      q,
      // Anyone can send these GETs and each costs a geocoder lookup: counted per client address.
      mayGeocode: async () =>
        ip === null ||
        (await consumeRateLimit(db, { key: `reports:${tenantId}:search-ip:${ip}`, ...SEARCH_LIMIT })),
    });
    if (found.kind === "areas") {
      center = found.areas[0]!.centre;
      if (found.areas.length > 1) {
        searchResult = html`<p>${t("reports.place.searchMany")}</p><ul>${found.areas.map(
          (a) =>
            html`<li><a href="${base}?${new URLSearchParams({ clat: String(a.centre.lat), clng: String(a.centre.lng), z: String(zoom) })}">${lang === "ja" ? a.nameJa : a.nameEn}</a></li>`,
        )}</ul>`;
      }
    } else if (found.kind === "address") {
      center = found.point;
      zoom = Math.max(zoom, STREET_ZOOM);
      searchResult = html`<p class="notice" role="status">${t("reports.place.searchFound", { label: found.label })}</p>`;
    } else if (found.kind === "outside") {
      searchResult = html`<p class="notice" role="status">${t("reports.place.searchOutside", { label: found.label })}</p>`;
    } else if (found.kind === "unavailable") {
      searchResult = html`<p class="notice" role="status">${t("reports.place.searchUnavailable")}</p>`;
    } else {
      searchResult = html`<p class="notice" role="status">${t(found.addressSearch ? "reports.place.searchAddressNone" : "reports.place.searchNone", { q })}</p>`;
    }
  }
  const mapView: MapView = { center, zoom };
  const link = (changes: { center?: LatLng; zoom?: number }) => {
    const params = new URLSearchParams();
    if (chosen) {
      params.set("lat", String(chosen.lat));
      params.set("lng", String(chosen.lng));
    }
    const at = changes.center ?? center;
    params.set("clat", String(at.lat));
    params.set("clng", String(at.lng));
    params.set("z", String(changes.zoom ?? zoom));
    return `${base}?${params}`;
  };
  const nav = html`<nav class="map-nav" aria-label="${t("reports.place.mapLabel")}">
${zoom < MAX_ZOOM ? html`<a href="${link({ zoom: zoom + 1 })}">${t("reports.place.zoomIn")}</a>` : ""}
${zoom > MIN_ZOOM ? html`<a href="${link({ zoom: zoom - 1 })}">${t("reports.place.zoomOut")}</a>` : ""}
<a href="${link({ center: panned(mapView, 0, -1) })}">${t("reports.place.north")}</a>
<a href="${link({ center: panned(mapView, 0, 1) })}">${t("reports.place.south")}</a>
<a href="${link({ center: panned(mapView, -1, 0) })}">${t("reports.place.west")}</a>
<a href="${link({ center: panned(mapView, 1, 0) })}">${t("reports.place.east")}</a></nav>`;
  const picker = html`<div id="report-picker" data-tiles="${config.mapTileUrl}" data-attribution="${config.mapAttribution}" data-clat="${center.lat}" data-clng="${center.lng}" data-zoom="${zoom}" data-max-zoom="${MAX_ZOOM}" data-lat="${chosen?.lat ?? ""}" data-lng="${chosen?.lng ?? ""}" data-action="${base}" data-label="${t("reports.place.mapLabel")}">
<form class="tile-grid-form" method="get" action="${base}">
<input type="hidden" name="clat" value="${center.lat}"><input type="hidden" name="clng" value="${center.lng}"><input type="hidden" name="z" value="${zoom}">
${tileGrid({ view: mapView, marker: chosen, tileTemplate: config.mapTileUrl, t, lang, clickable: true })}
${nav}
</form>
<p class="map-attribution"><a href="${config.mapAttributionUrl}">${config.mapAttribution}</a></p>
<p id="keyboard-hint" class="hint" hidden>${t("reports.place.keyboardHint")}</p>
<div class="button-row"><button type="button" id="choose-centre" class="button-secondary" hidden>${t("reports.place.chooseCentre")}</button>
<button type="button" id="use-location" class="button-secondary" hidden>${t("reports.place.useLocation")}</button></div>
<p id="locate-failed" class="field-error" hidden>${t("reports.place.locateFailed")}</p>
</div>`;
  const addressSearch = Boolean(config.addressGeocoderUrl);
  const search = html`<form method="get" action="${base}" class="inline-form">
<input type="hidden" name="z" value="${zoom}">
${chosen ? html`<input type="hidden" name="lat" value="${chosen.lat}"><input type="hidden" name="lng" value="${chosen.lng}">` : ""}
<div class="field"><label for="f-q">${t(addressSearch ? "reports.place.searchAddress" : "reports.place.search")}</label><span class="hint" id="f-q-hint">${t(addressSearch ? "reports.place.searchAddressHint" : "reports.place.searchHint")}</span>
<input id="f-q" name="q" type="search" value="${q}" aria-describedby="f-q-hint"></div>
<button type="submit" class="button-secondary">${t("reports.place.searchButton")}</button></form>${searchResult}`;
  // Reports already made here: offered before the details so the resident can follow instead.
  let nearby: Html = html``;
  if (chosen && !view.posted) {
    // Measured to the public point only: for a coarse category, the exact place must not be found by
    // moving one's own pin and reading distances, so no distance is printed either.
    const coarse = category.publicLocation === "coarse";
    const found = await findNearbyReports({
      db,
      tenantId,
      category,
      point: chosen,
      publicPoint: { widenMeters: coarse ? category.coarsenMeters : 0 },
    });
    if (found.length > 0) {
      const statuses = await db.select().from(reportStatuses).where(eq(reportStatuses.tenantId, tenantId));
      nearby = html`<section class="nearby" aria-labelledby="nearby-heading"><h2 id="nearby-heading">${t("reports.nearby.heading")}</h2>
<p>${t("reports.nearby.lead")}</p><ul class="entry-list">${found.map((r) => {
        const status = statuses.find((s) => s.key === r.statusKey);
        return html`<li class="entry"><a href="/reports/${r.reference}">${r.reference}</a> ${status ? stageBadge(c, status) : ""}
<span class="meta">${coarse ? t("reports.nearby.near") : t("reports.nearby.distance", { meters: r.distanceMeters })}</span><p>${r.description.slice(0, 120)}</p>
${followForm(c, r.reference)}</li>`;
      })}</ul></section>`;
    }
  }
  const questions: FormQuestions | null = category.formSlug
    ? await loadFormQuestions(db, { tenantId, slug: category.formSlug })
    : null;
  const resident = c.var.resident;
  const posted = view.posted;
  const value = (name: string, fallback = "") => (posted ? first(posted, name) : fallback);
  const suggestion = view.problems.find((p) => p.suggestion)?.suggestion;
  const errors = view.errors;
  const contactLegend = category.allowAnonymous
    ? t("reports.details.contact")
    : t("reports.details.contactRequired");
  const details = html`<form method="post" action="${base}" enctype="multipart/form-data">${csrfField(c)}
<input type="hidden" name="lat" value="${chosen?.lat ?? ""}"><input type="hidden" name="lng" value="${chosen?.lng ?? ""}">
<div class="field${errors["description"] ? " field-invalid" : ""}"><label for="f-description">${t("reports.details.description")}</label>
<span class="hint" id="f-description-hint">${t("reports.details.descriptionHint", { limit: MAX_DESCRIPTION_LENGTH })}</span>
${errors["description"] ? html`<span class="field-error" id="f-description-error">${errors["description"]}</span>` : ""}
<textarea id="f-description" name="description" rows="5" required aria-describedby="f-description-hint${errors["description"] ? " f-description-error" : ""}">${value("description")}</textarea></div>
${questions ? renderFormQuestions(questions, { lang, t, answers: {}, posted, errors }) : ""}
<div class="field${errors["photos"] ? " field-invalid" : ""}"><label for="f-photos">${t("reports.details.photos")}</label>
<span class="hint" id="f-photos-hint">${t("reports.details.photosHint")}</span>
${errors["photos"] ? html`<span class="field-error" id="f-photos-error">${errors["photos"]}</span>` : ""}
<input id="f-photos" name="photos" type="file" accept="image/*" multiple aria-describedby="f-photos-hint"></div>
<div class="check"><input id="f-gps_consent" name="gps_consent" type="checkbox" value="1"${value("gps_consent") ? html` checked` : ""} aria-describedby="f-gps-hint"><label for="f-gps_consent">${t("reports.details.gpsConsent")}</label></div>
<p class="hint" id="f-gps-hint">${t("reports.details.gpsHint")}</p>
<fieldset class="field${errors["contact_email"] ? " field-invalid" : ""}"><legend>${contactLegend}</legend>
<p class="hint">${t("reports.details.contactHint")}</p>
${inputField({ name: "contact_name", label: t("reports.details.name"), value: value("contact_name", resident?.displayName ?? ""), autocomplete: "name" })}
${inputField({ name: "contact_email", label: t("reports.details.email"), type: "email", value: value("contact_email", resident?.email ?? ""), autocomplete: "email", error: errors["contact_email"] })}
${inputField({ name: "contact_phone", label: t("reports.details.phone"), type: "tel", value: value("contact_phone"), autocomplete: "tel" })}
${
  category.allowAnonymous
    ? html`<div class="check"><input id="f-anonymous" name="anonymous" type="checkbox" value="1"${value("anonymous") ? html` checked` : ""} aria-describedby="f-anonymous-hint"><label for="f-anonymous">${t("reports.details.anonymous")}</label></div><p class="hint" id="f-anonymous-hint">${t("reports.details.anonymousHint")}</p>`
    : ""
}</fieldset>
<div class="button-row"><button type="submit">${t("reports.details.submit")}</button></div></form>`;
  const name = lang === "ja" ? category.nameJa : category.nameEn;
  return renderPage(c, {
    title: `${name} — ${t("reports.place.title")}`,
    status: view.status,
    body: html`<link rel="stylesheet" href="/assets/leaflet/leaflet.css"><link rel="stylesheet" href="/assets/reports.css">
<p><a class="back-link" href="/reports/new">${t("reports.new.chooseCategory")}</a></p>
<h1>${name}</h1>
${errorSummary(t("reports.errors.title"), errors)}
${suggestion ? html`<p><a class="button" href="${base}?${new URLSearchParams({ lat: String(suggestion.lat), lng: String(suggestion.lng) })}">${t("reports.errors.useSuggestion")}</a></p>` : ""}
${view.photosLost ? html`<p class="notice">${t("reports.errors.photosAgain")}</p>` : ""}
<h2 id="f-location">${t("reports.place.heading")}</h2>
<p>${t("reports.place.tapHint")}</p>
<p role="status">${chosen ? t("reports.place.chosen", { lat: chosen.lat, lng: chosen.lng }) : t("reports.place.notChosen")}</p>
${picker}
${search}
${nearby}
<h2>${t("reports.details.heading")}</h2>
${details}
${mapScripts}`,
  });
}

const errorKey: Record<ReportProblem["field"], string> = {
  category: "description",
  location: "location",
  description: "description",
  photos: "photos",
  contact: "contact_email",
  answers: "answers",
};

export const reportResidentPages = new Hono<AppEnv>()
  .get("/reports/new", async (c) => {
    const { t, lang } = c.var;
    const categories = await c.var.services.database.db
      .select()
      .from(reportCategories)
      .where(and(eq(reportCategories.tenantId, c.var.tenant.id), eq(reportCategories.active, true)))
      .orderBy(asc(reportCategories.sortOrder), asc(reportCategories.nameJa));
    const groups = new Map<string, ReportCategory[]>();
    for (const category of categories) {
      const group = lang === "ja" ? category.groupJa : category.groupEn;
      groups.set(group, [...(groups.get(group) ?? []), category]);
    }
    return renderPage(c, {
      title: t("reports.new.title"),
      body: html`<h1>${t("reports.new.title")}</h1><p class="lead">${t("reports.new.lead")}</p>
<p><a href="/reports">${t("reports.list.title")}</a></p>
<h2>${t("reports.new.chooseCategory")}</h2>
${[...groups].map(
  ([group, list]) =>
    html`${group ? html`<h3>${group}</h3>` : ""}<ul class="entry-list">${list.map(
      (category) =>
        html`<li><a class="entry" href="/reports/new/${category.code}">${lang === "ja" ? category.nameJa : category.nameEn}<span class="meta"> ${lang === "ja" ? category.descriptionJa : category.descriptionEn}</span></a></li>`,
    )}</ul>`,
)}`,
    });
  })
  .get(`/reports/new/:code${CODE}`, async (c) => {
    const category = await categoryOr404(c, c.req.param("code"));
    // A click on the script-free grid arrives as tile_<dx>_<dy>.x / .y: turn it into the chosen point.
    const clicked = Object.entries(c.req.query()).find(([name]) => /^tile_-?[01]_-?[01]\.x$/.test(name));
    if (clicked) {
      const [, dx, dy] = /^tile_(-?[01])_(-?[01])\.x$/.exec(clicked[0])!;
      const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, Math.round(num(c.req.query("z"))) || DEFAULT_ZOOM));
      const center = pointOf(c.req.query("clat"), c.req.query("clng")) ?? (await cityCentre(c));
      const point = pointFromClick(
        { center, zoom },
        Number(dx),
        Number(dy),
        num(clicked[1]) || 0,
        num(c.req.query(`tile_${dx}_${dy}.y`)) || 0,
      );
      const params = new URLSearchParams({
        lat: String(point.lat),
        lng: String(point.lng),
        clat: String(center.lat),
        clng: String(center.lng),
        z: String(zoom),
      });
      return c.redirect(`/reports/new/${category.code}?${params}`, 303);
    }
    return filePage(c, category, { posted: null, errors: {}, problems: [], photosLost: false });
  })
  .post(`/reports/new/:code${CODE}`, async (c) => {
    const category = await categoryOr404(c, c.req.param("code"));
    const db = c.var.services.database.db;
    const body = await c.req.parseBody({ all: true });
    const input: PageInput = new Map();
    const files: File[] = [];
    for (const [name, raw] of Object.entries(body)) {
      for (const value of Array.isArray(raw) ? raw : [raw]) {
        if (typeof value === "string") {
          input.set(name, [...(input.get(name) ?? []), value]);
        } else if (name === "photos" && value.size > 0) {
          files.push(value);
        }
      }
    }
    const questions = category.formSlug
      ? await loadFormQuestions(db, { tenantId: c.var.tenant.id, slug: category.formSlug })
      : null;
    const action = first(input, "_action");
    const regrouped = questions && action ? regroupPostedAnswers(questions, input, action) : null;
    if (regrouped) {
      return filePage(c, category, {
        posted: regrouped,
        errors: {},
        problems: [],
        photosLost: files.length > 0,
      });
    }
    const photos = await Promise.all(
      files.map(async (file) => ({ fileName: file.name, bytes: new Uint8Array(await file.arrayBuffer()) })),
    );
    let point = pointOf(first(input, "lat"), first(input, "lng"));
    if (!point && first(input, "gps_consent") === "1") {
      for (const photo of photos) {
        point = await photoLocation(photo.bytes);
        if (point) {
          break;
        }
      }
    }
    const resident = c.var.resident;
    const ip = clientIp(c);
    // Signed-in residents are counted by account (looser: the address was proved); guests by address.
    const limit = resident
      ? { key: `file-resident:${resident.id}`, ...FILE_LIMIT_RESIDENT }
      : ip !== null
        ? { key: `file-ip:${ip}`, ...FILE_LIMIT_GUEST }
        : null;
    const limited = limit ? await overRateLimit(c, limit) : null;
    if (limited) {
      return limited;
    }
    // Anonymous means anonymous: not even the signed-in account is kept with the report.
    const anonymous = category.allowAnonymous && first(input, "anonymous") === "1";
    const result = await submitReport({
      services: c.var.services,
      tenantId: c.var.tenant.id,
      // Without a session the web has a guest, not an API client.
      actor: c.var.session && !anonymous ? c.var.actor : { type: "guest", id: null },
      categoryCode: category.code,
      point: point ?? { lat: Number.NaN, lng: Number.NaN },
      description: first(input, "description"),
      answerInput: new Map([...input].filter(([name]) => !OWN_INPUTS.has(name))),
      channel: "web",
      residentId: anonymous ? null : (resident?.id ?? null),
      contact: {
        name: first(input, "contact_name"),
        email: first(input, "contact_email"),
        phone: first(input, "contact_phone"),
      },
      anonymous,
      locale: c.var.lang,
      photos,
      requestId: c.var.requestId,
    });
    if (result.ok) {
      return c.redirect(`/reports/${result.report.reference}?new=1`, 303);
    }
    const errors: Record<string, string> = {};
    for (const problem of result.problems) {
      errors[problem.field === "answers" && problem.input ? problem.input : errorKey[problem.field]] ??=
        problem.message[c.var.lang];
    }
    // Keep the point the resident chose (or the photo gave) so only what was wrong needs fixing.
    if (point) {
      input.set("lat", [String(point.lat)]);
      input.set("lng", [String(point.lng)]);
    }
    return filePage(c, category, {
      posted: input,
      errors,
      problems: result.problems,
      photosLost: photos.length > 0,
      status: 422,
    });
  });
