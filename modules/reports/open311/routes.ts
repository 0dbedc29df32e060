import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../../../core/http/app-env.ts";
import { clientIp } from "../../../core/http/middleware.ts";
import { publicOrigin } from "../../../core/http/public-origin.ts";
import { consumeRateLimit } from "../../../core/identity/rate-limit.ts";
import { storedFiles } from "../../../core/storage/schema.ts";
import { submitReport } from "../operations/submit-report.ts";
import { reportPhotos, reports } from "../schema.ts";
import { findLiveApiKey } from "./api-key-auth.ts";
import { apiKeyPages } from "./api-key-pages.ts";
import { bilingual, Open311Error, type Open311Format, respond, respondError, splitFormat } from "./format.ts";
import { checkJurisdiction, listParam, queryParam, refuseNul, requestWindow, wholeParam } from "./params.ts";
import {
  type Posted,
  placeOfAddress,
  postedField,
  readPostedRequest,
  refuseNulFields,
} from "./post-request.ts";
import {
  findServiceRequests,
  MAX_PAGE,
  MAX_REQUESTS,
  presentServiceRequests,
  type RequestFilter,
  serviceNotice,
} from "./service-requests.ts";
import { activeCategories, presentService, serviceAttributes } from "./services.ts";

/** Posts one API key may make per minute; partner apps batch nothing, so this is far above real use. */
export const OPEN311_POSTS_PER_MINUTE = 60;
/** Posts with a missing or wrong key one address may make in ten minutes before it is slowed down. */
export const OPEN311_KEY_FAILURES_PER_10_MINUTES = 20;

type Handler = (c: Context<AppEnv>, format: Open311Format) => Promise<Response>;

/**
 * Runs a GeoReport endpoint named "<base>.<format>" (any base when null): refusals become the specification's error document
 * in the asked format; a jurisdiction_id that is not this city answers 404, as other cities' servers do.
 */
function geoReport(base: string | null, param: string, run: Handler) {
  return async (c: Context<AppEnv>): Promise<Response> => {
    const parsed = splitFormat(c.req.param(param) ?? "");
    if (!parsed || (base !== null && parsed.base !== base)) {
      return c.notFound();
    }
    try {
      refuseNul(param, parsed.base);
      checkJurisdiction(c, queryParam(c, "jurisdiction_id"));
      return await run(c, parsed.format);
    } catch (error) {
      // A ProblemError goes on to the app's handler, which writes it with open311ErrorFormat.
      if (error instanceof Open311Error) {
        return respondError(c, parsed.format, error);
      }
      throw error;
    }
  };
}

const listServices: Handler = async (c, format) => {
  const db = c.var.services.database.db;
  const categories = await activeCategories(db, c.var.tenant.id);
  const services = await Promise.all(
    categories.map(async (category) =>
      presentService(
        category,
        c.var.lang,
        (await serviceAttributes(db, c.var.tenant.id, category, c.var.lang)).length > 0,
      ),
    ),
  );
  return respond(c, format, "services", services);
};

const unknownService = () =>
  new Open311Error(404, [bilingual({ ja: "service_code が見つかりません", en: "service_code not found" })]);

const serviceDefinition: Handler = async (c, format) => {
  const db = c.var.services.database.db;
  const code = splitFormat(c.req.param("file") ?? "")!.base;
  const category = (await activeCategories(db, c.var.tenant.id)).find((cat) => cat.code === code);
  if (!category) {
    throw unknownService();
  }
  return respond(c, format, "service_definition", {
    service_code: category.code,
    attributes: await serviceAttributes(db, c.var.tenant.id, category, c.var.lang),
  });
};

/** The posted fields; a body that cannot be read as a form is the client's mistake. */
async function readBody(c: Context<AppEnv>): Promise<Posted> {
  try {
    return await c.req.parseBody({ all: true });
  } catch {
    throw new Open311Error(400, [
      bilingual({
        ja: "送信内容を読み取れません。application/x-www-form-urlencoded か multipart/form-data で送ってください",
        en: "The body cannot be read: send application/x-www-form-urlencoded or multipart/form-data",
      }),
    ]);
  }
}

/**
 * The live key the body names. Wrong keys are counted per address, so guessing (and the database work each
 * guess costs) is slowed down; a valid key is never refused for an address's failures.
 */
async function postingKey(c: Context<AppEnv>, apiKey: string) {
  const { services, tenant } = c.var;
  const db = services.database.db;
  const key = apiKey ? await findLiveApiKey(db, tenant.id, apiKey) : null;
  if (key) {
    return key;
  }
  const allowed = await consumeRateLimit(db, {
    key: `open311-key-failure:${tenant.id}:${clientIp(c) ?? "unknown"}`,
    limit: OPEN311_KEY_FAILURES_PER_10_MINUTES,
    windowSeconds: 600,
  });
  if (!allowed) {
    throw new Open311Error(
      429,
      [
        bilingual({
          ja: "正しくない api_key での送信が多すぎます。10分後にもう一度お試しください",
          en: "Too many posts with an invalid api_key: try again in 10 minutes",
        }),
      ],
      { "retry-after": "600" },
    );
  }
  throw new Open311Error(403, [
    bilingual({
      ja: "api_key がないか、正しくありません",
      en: "api_key was not provided or is invalid",
    }),
  ]);
}

const postRequest: Handler = async (c, format) => {
  const { services, tenant } = c.var;
  const db = services.database.db;
  // A multipart body can only be had whole; nothing in it is looked at before the key is checked.
  const body = await readBody(c);
  refuseNulFields(body);
  checkJurisdiction(c, postedField(body, "jurisdiction_id") || undefined);
  const key = await postingKey(c, postedField(body, "api_key"));
  const allowed = await consumeRateLimit(db, {
    key: `open311-post:${key.id}`,
    limit: OPEN311_POSTS_PER_MINUTE,
    windowSeconds: 60,
  });
  if (!allowed) {
    throw new Open311Error(
      429,
      [
        bilingual({
          ja: `送信が多すぎます。APIキーごとに1分あたり${OPEN311_POSTS_PER_MINUTE}件までです`,
          en: `Too many requests: at most ${OPEN311_POSTS_PER_MINUTE} per minute for each API key`,
        }),
      ],
      { "retry-after": "60" },
    );
  }
  const serviceCode = postedField(body, "service_code");
  if (!serviceCode) {
    throw new Open311Error(400, [
      bilingual({ ja: "service_code を指定してください", en: "service_code was not provided" }),
    ]);
  }
  const category = (await activeCategories(db, tenant.id)).find((cat) => cat.code === serviceCode);
  if (!category) {
    throw unknownService();
  }
  const posted = await readPostedRequest(body);
  const point =
    posted.point ??
    (posted.addressString ? await placeOfAddress(db, tenant.id, posted.addressString, services) : null);
  if (!point) {
    throw new Open311Error(400, [
      bilingual({
        ja: "場所が必要です。lat と long、または町字名を含む address_string を指定してください",
        en: "A location is required: give lat and long, or an address_string naming a town district (町字)",
      }),
    ]);
  }
  const result = await submitReport({
    services,
    tenantId: tenant.id,
    actor: { type: "api", id: key.id },
    categoryCode: category.code,
    point,
    address: posted.addressString,
    description: posted.description,
    answerInput: posted.answerInput,
    channel: "open311",
    contact: { name: posted.name, email: posted.email, phone: posted.phone },
    photos: posted.photos,
    open311KeyId: key.id,
    requestId: c.var.requestId,
  });
  if (!result.ok) {
    throw new Open311Error(
      400,
      result.problems.map((problem) => {
        const where =
          problem.field === "answers" && problem.input
            ? `attribute[${problem.input}]: `
            : `${problem.field}: `;
        const nearest = problem.suggestion
          ? ` (lat=${problem.suggestion.lat}, long=${problem.suggestion.lng})`
          : "";
        return `${where}${bilingual(problem.message)}${nearest}`;
      }),
    );
  }
  return respond(c, format, "service_requests", [
    {
      service_request_id: result.report.reference,
      service_notice: serviceNotice(category),
      account_id: posted.accountId || null,
    },
  ]);
};

async function presentRequests(c: Context<AppEnv>, filter: RequestFilter) {
  const db = c.var.services.database.db;
  const rows = await findServiceRequests(db, c.var.tenant.id, filter);
  const body = await presentServiceRequests(db, rows, {
    lang: c.var.lang,
    origin: publicOrigin(c),
    extensions: c.req.query("extensions") === "true",
  });
  return { rows, body };
}

const listRequests: Handler = async (c, format) => {
  const references = listParam(c, "service_request_id");
  if (references) {
    const { body } = await presentRequests(c, {
      references,
      page: 1,
      perPage: Math.min(references.length, MAX_REQUESTS),
    });
    return respond(c, format, "service_requests", body);
  }
  const statuses = listParam(c, "status");
  if (statuses?.some((s) => s !== "open" && s !== "closed")) {
    throw new Open311Error(400, [
      bilingual({ ja: "status は open か closed です", en: "status takes open and/or closed" }),
    ]);
  }
  const { body } = await presentRequests(c, {
    serviceCodes: listParam(c, "service_code"),
    statuses: statuses as ("open" | "closed")[] | undefined,
    ...requestWindow(c),
    page: wholeParam(c, "page", 1, MAX_PAGE),
    perPage: wholeParam(c, "per_page", MAX_REQUESTS, MAX_REQUESTS),
  });
  return respond(c, format, "service_requests", body);
};

const oneRequest: Handler = async (c, format) => {
  const reference = splitFormat(c.req.param("file") ?? "")!.base;
  const { body } = await presentRequests(c, { references: [reference], page: 1, perPage: 1 });
  if (body.length === 0) {
    throw new Open311Error(404, [
      bilingual({ ja: "service_request_id が見つかりません", en: "service_request_id not found" }),
    ]);
  }
  return respond(c, format, "service_requests", body);
};

/** Requests are filed synchronously and answered with their id, so we never hand out a token. */
const tokenLookup: Handler = async () => {
  throw new Open311Error(404, [
    bilingual({
      ja: "トークンは発行していません。service_request_id は送信の応答で直接返します",
      en: "No tokens are issued: service_request_id is returned directly by POST requests",
    }),
  ]);
};

/** How a partner gets a key (discovery's key_service): by asking the city, whose staff issue it. */
function keyService(c: Context<AppEnv>): string {
  const { tenant } = c.var;
  const reach = [tenant.settings.contactEmail, tenant.settings.contactPhone].filter(Boolean).join(", ");
  return bilingual({
    ja: `APIキーは${tenant.nameJa}が発行します。${reach ? `${reach} まで` : "市の窓口に"}お問い合わせください`,
    en: `API keys are issued by ${tenant.nameEn}: ask the city${reach ? ` at ${reach}` : ""}`,
  });
}

const discovery: Handler = async (c, format) =>
  respond(c, format, "discovery", {
    changeset: "2026-01-01T00:00:00Z",
    contact: `${c.var.tenant.nameJa} / ${c.var.tenant.nameEn}`,
    key_service: keyService(c),
    endpoints: [
      {
        specification: "http://wiki.open311.org/GeoReport_v2",
        url: `${publicOrigin(c)}/open311/v2`,
        changeset: "2026-01-01T00:00:00Z",
        type: "production",
        formats: ["application/json", "text/xml"],
      },
    ],
  });

/** A photo staff published, for media_url; unpublished photos and hidden reports are not found. */
async function publishedPhoto(c: Context<AppEnv>): Promise<Response> {
  const { services, tenant } = c.var;
  const reference = c.req.param("reference") ?? "";
  if (reference.includes("\0")) {
    return c.notFound();
  }
  const [photo] = await services.database.db
    .select({ key: storedFiles.storageKey, contentType: storedFiles.contentType })
    .from(reportPhotos)
    .innerJoin(reports, eq(reports.id, reportPhotos.reportId))
    .innerJoin(storedFiles, eq(storedFiles.id, reportPhotos.fileId))
    .where(
      and(
        eq(reports.tenantId, tenant.id),
        eq(reports.reference, reference),
        eq(reports.hiddenByStaff, false),
        eq(reportPhotos.position, Number(c.req.param("position"))),
        eq(reportPhotos.public, true),
      ),
    );
  const bytes = photo ? await services.storage.get(photo.key) : null;
  if (!photo || !bytes) {
    return c.notFound();
  }
  return new Response(new Uint8Array(bytes), {
    headers: { "content-type": photo.contentType, "cache-control": "public, max-age=300" },
  });
}

/** GeoReport v2 (Open311) for partner apps, and the staff pages that issue its API keys. */
export const open311Routes = new Hono<AppEnv>()
  .get("/open311/:file", geoReport("discovery", "file", discovery))
  .get("/open311/v2/media/:reference/:position{[1-3]}", publishedPhoto)
  .get("/open311/v2/services/:file", geoReport(null, "file", serviceDefinition))
  .get("/open311/v2/requests/:file", geoReport(null, "file", oneRequest))
  .get("/open311/v2/tokens/:file", geoReport(null, "file", tokenLookup))
  .get("/open311/v2/:file", async (c) => {
    const base = splitFormat(c.req.param("file"))?.base;
    return base === "requests"
      ? geoReport("requests", "file", listRequests)(c)
      : geoReport("services", "file", listServices)(c);
  })
  .post("/open311/v2/:file", geoReport("requests", "file", postRequest))
  .route("/", apiKeyPages);
