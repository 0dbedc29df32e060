import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { recordAudit } from "../audit/record-audit.ts";
import { type I18n, negotiateLanguage } from "../i18n/i18n.ts";
import type { Policy, ProtectedResource, StaffScope } from "../identity/policy.ts";
import { SESSION_COOKIE } from "../identity/session-cookie.ts";
import { readSession, type StaffAccount } from "../identity/sessions.ts";
import { staffAccessOf } from "../identity/staff-access.ts";
import type { Services } from "../services.ts";
import type { TenantResolver } from "../tenancy/tenant-resolver.ts";
import type { AppEnv } from "./app-env.ts";
import { ProblemError, problems } from "./problem.ts";

export { SESSION_COOKIE };

/**
 * The client's address for throttling and the audit log: the socket's peer, or, only when the install
 * says it runs behind a proxy, the first X-Forwarded-For entry (otherwise a client could choose its own).
 */
export function clientIp(c: Context<AppEnv>): string | null {
  if (c.var.services?.config.trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) {
      return forwarded;
    }
  }
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    // Requests made in-process (app.request in tests) have no socket.
    return null;
  }
}

/** Puts services, tenant, language, session and actor on the context for everything after it. */
export function requestContext({
  services,
  tenants,
  policy,
  i18n,
}: {
  services: Services;
  tenants: TenantResolver;
  policy: Policy;
  i18n: I18n;
}): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async function requestContext(c, next) {
    c.set("services", services);
    c.set("policy", policy);
    const tenant = await tenants.resolve(new URL(c.req.url).host);
    if (!tenant) {
      throw new ProblemError(404, "unknown-tenant", {
        ja: "この住所で運営している自治体はありません",
        en: "No municipality is served at this address",
      });
    }
    c.set("tenant", tenant);
    c.set(
      "lang",
      negotiateLanguage({
        query: c.req.query("lang"),
        cookie: getCookie(c, "lang"),
        acceptLanguage: c.req.header("accept-language"),
        fallback: tenant.settings.defaultLanguage ?? "ja",
      }),
    );
    c.set("t", i18n.t(c.get("lang")));
    const token = getCookie(c, SESSION_COOKIE);
    const session = token
      ? await readSession(services.database.db, {
          token,
          tenantId: tenant.id,
          idleMinutes: services.config.sessionIdleMinutes,
        })
      : null;
    c.set("session", session);
    c.set("staff", session?.staff ?? null);
    c.set("resident", session?.resident ?? null);
    c.set(
      "actor",
      session ? { type: session.subject.type, id: session.subject.id } : { type: "api", id: null },
    );
    await next();
  });
}

/**
 * Cookie-authenticated writes must carry the session's CSRF token (header X-CSRF-Token or form field
 * _csrf). Reads are exempt; requests without a session have nothing to forge.
 */
export const csrfProtection = createMiddleware<AppEnv>(async function csrfProtection(c, next) {
  const session = c.get("session");
  if (!session || ["GET", "HEAD", "OPTIONS"].includes(c.req.method)) {
    return next();
  }
  let token = c.req.header("x-csrf-token");
  if (!token && c.req.header("content-type")?.includes("form")) {
    const form = await c.req.parseBody();
    token = typeof form["_csrf"] === "string" ? form["_csrf"] : undefined;
  }
  if (token !== session.csrfToken) {
    throw problems.csrf();
  }
  await next();
});

export type StaffMember = StaffAccount;

/** A resource a staff route acts on: what the audit log names, and what the policy decides by. */
export type StaffResource = ProtectedResource & { type: string; id: string | null };

/** Loads the signed-in staff member, or answers 401. */
export async function currentStaff(c: Context<AppEnv>): Promise<StaffMember> {
  const staff = c.get("staff");
  if (!staff) {
    throw problems.unauthorized();
  }
  return staff;
}

/** Every denial is audited before the 403, outside any transaction the route might roll back. */
async function deny(c: Context<AppEnv>, staff: StaffMember, verb: string, resource?: StaffResource) {
  await recordAudit(c.get("services").database.db, {
    tenantId: staff.tenantId,
    actor: { type: "staff", id: staff.id },
    action: "access.denied",
    resource: resource ? { type: resource.type, id: resource.id } : { type: "permission", id: verb },
    after: resource
      ? { verb, departmentId: resource.departmentId, serviceId: resource.serviceId ?? null }
      : { verb },
    requestId: c.get("requestId"),
    ip: clientIp(c),
  });
  return problems.forbidden();
}

/** Answers 401 without a staff session and 403 (audited) when the role lacks the verb. */
export async function authorizeStaff(c: Context<AppEnv>, verb: string): Promise<StaffMember> {
  const staff = await currentStaff(c);
  if (!c.get("policy").can(staff.role, verb)) {
    throw await deny(c, staff, verb);
  }
  return staff;
}

/**
 * Like authorizeStaff, and the resource must be within the member's reach: their department subtree, or for
 * an operator the services granted to them. A denial is audited with the verb and the resource.
 */
export async function authorizeStaffOn(
  c: Context<AppEnv>,
  verb: string,
  resource: StaffResource,
): Promise<StaffMember> {
  const staff = await authorizeStaff(c, verb);
  const access = await staffAccessOf(c, staff);
  if (!c.get("policy").authorize(access, verb, resource)) {
    throw await deny(c, staff, verb, resource);
  }
  return staff;
}

/** Authorises the verb and returns the scope a list query must filter by. */
export async function authorizeStaffScope(
  c: Context<AppEnv>,
  verb: string,
): Promise<{ staff: StaffMember; scope: StaffScope }> {
  const staff = await authorizeStaff(c, verb);
  const access = await staffAccessOf(c, staff);
  return { staff, scope: c.get("policy").scope(access, verb) };
}
