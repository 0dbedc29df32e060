import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { type I18n, negotiateLanguage } from "../i18n/i18n.ts";
import type { Services } from "../services.ts";
import type { Tenant, WaitingRoomSettings } from "../tenancy/schema.ts";
import type { TenantResolver } from "../tenancy/tenant-resolver.ts";
import type { AppEnv } from "./app-env.ts";
import { waitingRoomPage, waitingRoomProblem } from "./waiting-room-page.ts";
import { AdmissionQueue } from "./waiting-room-queue.ts";

export const PASS_COOKIE = "tenohira_wr_pass";
export const TICKET_COOKIE = "tenohira_wr_ticket";

/** Is the room on for this path at this time? Prefixes match whole path segments ("/facilities" not "/facilitiesX"). */
export function guards(settings: WaitingRoomSettings, path: string, now: number): boolean {
  if (!(settings.admitPerSecond > 0) || !(settings.passMinutes > 0)) {
    return false;
  }
  if (settings.from && now < Date.parse(settings.from)) {
    return false;
  }
  if (settings.until && now >= Date.parse(settings.until)) {
    return false;
  }
  return settings.paths.some((prefix) => {
    const base = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
    return base !== "" && (path === base || path.startsWith(`${base}/`));
  });
}

/** Signs cookie values with a key of this process (see docs/waiting-room.md for why not a shared one). */
function createSigner(secret: Buffer) {
  const mac = (kind: string, payload: string) =>
    createHmac("sha256", secret).update(`${kind}.${payload}`).digest("base64url");
  return {
    sign: (kind: string, payload: string) => `${payload}.${mac(kind, payload)}`,
    /** The payload's dot-separated fields, or null when the signature does not match (tampered, forged, stale). */
    open(kind: string, value: string | undefined): string[] | null {
      if (!value) {
        return null;
      }
      const cut = value.lastIndexOf(".");
      if (cut < 0) {
        return null;
      }
      const payload = value.slice(0, cut);
      const given = Buffer.from(value.slice(cut + 1));
      const expected = Buffer.from(mac(kind, payload));
      return given.length === expected.length && timingSafeEqual(given, expected) ? payload.split(".") : null;
    },
  };
}

function wantsJson(c: Context<AppEnv>): boolean {
  const path = c.req.path;
  if (path.startsWith("/api/") || path.startsWith("/staff/api/")) {
    return true;
  }
  return !(c.req.header("accept") ?? "").includes("text/html");
}

/** Where the waiting page refreshes to: the page asked for, or for a form post the page it came from. */
function returnPath(c: Context<AppEnv>): string {
  const url = new URL(c.req.url);
  if (c.req.method === "GET" || c.req.method === "HEAD") {
    return url.pathname + url.search;
  }
  const referer = c.req.header("referer");
  if (referer) {
    const from = new URL(referer, url);
    if (from.origin === url.origin) {
      return from.pathname + from.search;
    }
  }
  return "/";
}

export type WaitingRoomOptions = {
  services: Services;
  tenants: TenantResolver;
  i18n: I18n;
  /** Waiting tickets one client address may hold before it gets its latest one again (default 3). */
  ticketsPerClient?: number;
  /** Milliseconds since the epoch; injected by tests. */
  now?: () => number;
};

/**
 * The virtual waiting room for announced rush moments, configured per tenant in settings.waitingRoom.
 * It runs before the session is read, so a queued visitor costs no database access (the tenant list is
 * cached). The queue and the signing key live in this process's memory: see docs/waiting-room.md.
 */
export function waitingRoom({
  services,
  tenants,
  i18n,
  ticketsPerClient = 3,
  now = () => Date.now(),
}: WaitingRoomOptions): MiddlewareHandler<AppEnv> {
  const signer = createSigner(randomBytes(32));
  const rooms = new Map<string, { key: string; queue: AdmissionQueue }>();
  const queueOf = (tenant: Tenant, settings: WaitingRoomSettings): AdmissionQueue => {
    const burst = settings.burst ?? Math.max(1, settings.admitPerSecond);
    const key = `${settings.admitPerSecond}/${burst}`;
    const room = rooms.get(tenant.id);
    if (room && room.key === key) {
      return room.queue;
    }
    // New or changed settings start a new numbering; tickets of the old one are no longer honoured.
    const queue = new AdmissionQueue({
      admitPerSecond: settings.admitPerSecond,
      burst,
      now,
      ticketsPerClient,
    });
    rooms.set(tenant.id, { key, queue });
    return queue;
  };
  // The session middleware (and its clientIp) has not run yet: same rule, read from the services here.
  const clientAddress = (c: Context<AppEnv>): string | null => {
    const forwarded = services.config.trustProxy
      ? c.req.header("x-forwarded-for")?.split(",")[0]?.trim()
      : undefined;
    if (forwarded) {
      return forwarded;
    }
    try {
      return getConnInfo(c).remote.address ?? null;
    } catch {
      // Requests made in-process (app.request in tests) have no socket.
      return null;
    }
  };
  const cookieOptions = (maxAge: number) => ({
    httpOnly: true,
    secure: services.config.secureCookies ?? services.config.baseUrl?.startsWith("https:") ?? false,
    sameSite: "Lax" as const,
    path: "/",
    maxAge,
  });

  return createMiddleware<AppEnv>(async function waitingRoom(c, next) {
    const tenant = await tenants.resolve(new URL(c.req.url).host);
    const settings = tenant?.settings.waitingRoom;
    const at = now();
    if (!tenant || !settings || !guards(settings, c.req.path, at)) {
      return next();
    }
    const pass = signer.open("pass", getCookie(c, PASS_COOKIE));
    if (pass && pass[0] === tenant.id && Number(pass[1]) > at) {
      return next();
    }
    const queue = queueOf(tenant, settings);
    const ticketFields = signer.open("ticket", getCookie(c, TICKET_COOKIE));
    const held =
      ticketFields && ticketFields[0] === tenant.id && ticketFields[1] === queue.epoch
        ? Number(ticketFields[2])
        : null;
    const admission =
      held !== null && Number.isInteger(held) && held >= 1 && held <= queue.issuedTickets
        ? queue.check(held)
        : queue.arriveFrom(clientAddress(c));

    if (admission.kind === "admit") {
      const passSeconds = Math.round(settings.passMinutes * 60);
      setCookie(
        c,
        PASS_COOKIE,
        signer.sign("pass", `${tenant.id}.${at + passSeconds * 1000}`),
        cookieOptions(passSeconds),
      );
      if (held !== null) {
        deleteCookie(c, TICKET_COOKIE, { path: "/" });
      }
      return next();
    }

    if (admission.ticket !== held) {
      setCookie(
        c,
        TICKET_COOKIE,
        signer.sign("ticket", `${tenant.id}.${queue.epoch}.${admission.ticket}`),
        cookieOptions(24 * 3600),
      );
    }
    // Come back about when the turn is due, but at least every 30 s so the position shown stays fresh.
    const retryAfter = Math.min(30, Math.max(2, Math.ceil(admission.waitSeconds)));
    c.header("Cache-Control", "no-store");
    c.header("Retry-After", String(retryAfter));
    const lang = negotiateLanguage({
      query: c.req.query("lang"),
      cookie: getCookie(c, "lang"),
      acceptLanguage: c.req.header("accept-language"),
      fallback: tenant.settings.defaultLanguage ?? "ja",
    });
    const view = {
      position: admission.position,
      waitSeconds: admission.waitSeconds,
      retryAfter,
      returnPath: returnPath(c),
      lang,
    };
    if (wantsJson(c)) {
      return c.body(JSON.stringify(waitingRoomProblem(view, c.req.path, c.get("requestId") ?? "")), 429, {
        "content-type": "application/problem+json; charset=utf-8",
      });
    }
    // The Refresh header reloads the page without JavaScript; a <meta> refresh would do the same but
    // fails axe's meta-refresh rule (WCAG 2.2.1) for any delay under 20 hours.
    c.header("Refresh", `${retryAfter}; url=${view.returnPath}`);
    return c.html(waitingRoomPage({ ...view, tenant, t: i18n.t(lang) }), 200);
  });
}
