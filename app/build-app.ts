import { readFileSync } from "node:fs";
import { serveStatic } from "@hono/node-server/serve-static";
import { OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import { bodyLimit } from "hono/body-limit";
import { compress } from "hono/compress";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { auditStaffRoutes } from "../core/audit/staff-routes.ts";
import { casesMessages } from "../core/cases/messages.ts";
import { casesResidentPages } from "../core/cases/resident-pages.ts";
import { casesStaffRoutes } from "../core/cases/staff-routes.ts";
import type { AppEnv } from "../core/http/app-env.ts";
import { createErrorHandler, createNotFoundHandler } from "../core/http/errors.ts";
import { csrfProtection, requestContext } from "../core/http/middleware.ts";
import { problems } from "../core/http/problem.ts";
import { validationHook } from "../core/http/validation.ts";
import { waitingRoom } from "../core/http/waiting-room.ts";
import { waitingRoomSettingsPages, waitingRoomStaffPage } from "../core/http/waiting-room-settings-pages.ts";
import { createI18n } from "../core/i18n/i18n.ts";
import { coreMessages } from "../core/i18n/messages.ts";
import { identityMessages } from "../core/identity/messages.ts";
import { corePermissions, createPolicy } from "../core/identity/policy.ts";
import { residentStaffRoutes } from "../core/identity/resident-staff-routes.ts";
import { myPages } from "../core/identity/residents/my-pages.ts";
import { oidcPages } from "../core/identity/residents/oidc-pages.ts";
import { securityPages } from "../core/identity/residents/security-pages.ts";
import { signInPages } from "../core/identity/residents/sign-in-pages.ts";
import { staffAdminRoutes } from "../core/identity/staff-admin-routes.ts";
import { staffSessionRoutes } from "../core/identity/staff-routes.ts";
import { staffSsoRoutes } from "../core/identity/staff-sso-routes.ts";
import { staffTotpRoutes } from "../core/identity/staff-totp-routes.ts";
import { jobStaffRoutes } from "../core/jobs/staff-routes.ts";
import type { ModuleManifest } from "../core/module.ts";
import { createMetrics } from "../core/observability/metrics.ts";
import type { Services } from "../core/services.ts";
import { createTenantResolver } from "../core/tenancy/tenant-resolver.ts";
import { webhookStaffRoutes } from "../core/webhooks/staff-routes.ts";
import { collectWebhookEvents } from "../core/webhooks/webhook-events.ts";
import { homeRoutes } from "./home-routes.ts";
import { openDataRoutes } from "./open-data-routes.ts";

export type BuildAppOptions = {
  services: Services;
  modules: readonly ModuleManifest[];
};

const siteCss = [
  readFileSync(
    new URL("../node_modules/@digital-go-jp/design-tokens/dist/tokens.css", import.meta.url),
    "utf8",
  ),
  readFileSync(new URL("./site.css", import.meta.url), "utf8"),
].join("\n");

const CONSOLE_DIST = new URL("../console/dist/", import.meta.url).pathname;

/** The composition root: core middleware and routes, then every module's, then the documents about them. */
export function buildApp({ services, modules }: BuildAppOptions) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const metrics = createMetrics({ db: services.database.db, modules });
  const policy = createPolicy([...corePermissions, ...modules.flatMap((m) => m.permissions ?? [])]);
  const i18n = createI18n([
    coreMessages,
    identityMessages,
    casesMessages,
    ...modules.flatMap((m) => (m.messages ? [m.messages] : [])),
  ]);
  const tenants = createTenantResolver(services.database.db);

  app.use(requestId());
  const secretPaths = modules.flatMap((m) => m.secretPaths ?? []);
  // Capability URLs (a calendar feed, a ticket's status page) must not end up in the logs.
  const redactSecrets = (path: string) =>
    secretPaths.reduce(
      (masked, pattern) => masked.replace(pattern, (whole, secret: string) => whole.replace(secret, "***")),
      path,
    );
  app.use(async function knowSecretPaths(c, next) {
    c.set("secretPaths", secretPaths);
    await next();
  });
  app.use(async function accessLog(c, next) {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = c.req.routePath || "unmatched";
    metrics.httpDuration.observe({ method: c.req.method, route, status: String(c.res.status) }, seconds);
    if (c.res.status >= 500) {
      metrics.httpErrors.inc({ status: String(c.res.status) });
    }
    services.logger.info(
      {
        requestId: c.var.requestId,
        method: c.req.method,
        path: redactSecrets(c.req.path),
        status: c.res.status,
        ms: Math.round(seconds * 1000),
      },
      "request",
    );
  });
  // Pages, CSS, scripts and JSON shrink about 3× on a phone's connection.
  app.use(compress());
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        // Map tiles may come from the tile server the install is configured with (地理院タイル by default).
        imgSrc: ["'self'", "data:", ...mapTileOrigin(services.config.mapTileUrl)],
        styleSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // The staff console previews resident pages in a phone-sized frame; no other site may frame us.
        frameAncestors: ["'self'"],
        formAction: ["'self'"],
      },
    }),
  );
  const limitTo = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw problems.payloadTooLarge(maxSize);
      },
    });
  const jsonAndFormLimit = limitTo(services.config.bodyLimitBytes);
  // File uploads (photos of documents) need more room; each form field still caps its own files.
  const uploadLimit = limitTo(services.config.uploadLimitBytes);
  app.use((c, next) =>
    (c.req.header("content-type")?.startsWith("multipart/form-data") ? uploadLimit : jsonAndFormLimit)(
      c,
      next,
    ),
  );

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    try {
      await services.database.db.execute(sql`SELECT 1 FROM schema_migrations LIMIT 1`);
      return c.json({ status: "ready", driver: services.database.driver });
    } catch (error) {
      return c.json({ status: "not-ready", reason: (error as Error).message }, 503);
    }
  });
  app.get("/metrics", async (c) =>
    c.body(await metrics.registry.metrics(), 200, { "content-type": metrics.registry.contentType }),
  );
  app.get("/assets/site.css", (c) =>
    c.body(siteCss, 200, {
      "content-type": "text/css; charset=utf-8",
      "cache-control": "public, max-age=300",
    }),
  );

  // Before the session is read: a queued visitor costs no database access.
  app.use(waitingRoom({ services, tenants, i18n }));
  app.use(requestContext({ services, tenants, policy, i18n }));
  app.use(csrfProtection);

  app.route(
    "/staff/api",
    staffSessionRoutes([waitingRoomStaffPage, ...modules.flatMap((m) => m.staffPages ?? [])]),
  );
  app.route("/", waitingRoomSettingsPages({ tenants }));
  app.route("/staff/api/jobs", jobStaffRoutes);
  app.route("/staff/api/audit", auditStaffRoutes);
  app.route("/staff/api", staffTotpRoutes);
  app.route("/staff/api", staffAdminRoutes);
  app.route("/staff/api/residents", residentStaffRoutes);
  app.route("/staff/api/cases", casesStaffRoutes);
  app.route("/staff/api/webhooks", webhookStaffRoutes(collectWebhookEvents(modules)));
  app.route("/", homeRoutes(modules));
  app.route("/", signInPages);
  app.route("/", securityPages);
  app.route("/", oidcPages);
  app.route("/", staffSsoRoutes);
  app.route("/", myPages(modules.flatMap((m) => (m.residentRecords ? [m.residentRecords] : []))));
  app.route("/", casesResidentPages);
  app.route("/opendata", openDataRoutes(modules));
  for (const module of modules) {
    if (module.pages) {
      app.route("/", module.pages);
    }
    if (module.api) {
      app.route(`/api/${module.id}`, module.api);
    }
    if (module.staffApi) {
      app.route(`/staff/api/${module.id}`, module.staffApi);
    }
  }

  app.doc31("/api/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "tenohira API",
      version: "0.1.0",
      description: "てのひら市役所: resident and staff APIs. Errors are RFC 9457 problem+json.",
    },
  });

  // The staff console is a client app built by Vite; every non-file path under /staff serves its shell.
  app.use(
    "/staff/*",
    serveStatic({ root: CONSOLE_DIST, rewriteRequestPath: (path) => path.replace(/^\/staff/, "") }),
  );
  app.get("/staff", serveStatic({ path: `${CONSOLE_DIST}index.html` }));
  app.get("/staff/*", serveStatic({ path: `${CONSOLE_DIST}index.html` }));

  const handleError = createErrorHandler(modules.flatMap((m) => m.errorFormats ?? []));
  app.notFound(createNotFoundHandler(handleError));
  app.onError(handleError);
  return app;
}

function mapTileOrigin(template: string): string[] {
  return template.startsWith("/") ? [] : [new URL(template.replace(/[{}]/g, "")).origin];
}
