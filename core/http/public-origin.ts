import type { Context } from "hono";
import { tenantOrigin } from "../tenancy/tenant-origin.ts";
import type { AppEnv } from "./app-env.ts";

/**
 * This site's origin as residents and providers see it, for links and redirect URIs built during a request.
 * With a base URL configured: the host the request came to when it is one of the city's own (a passkey and an
 * OpenID callback must stay on the host the browser is on, whose cookies they need), else the city's origin.
 * Without one: the request's.
 */
export function publicOrigin(c: Context<AppEnv>): string {
  const base = c.var.services.config.baseUrl;
  const requested = new URL(c.req.url);
  const tenant = c.var.tenant;
  const ownHost = tenant?.hosts.includes(requested.hostname.toLowerCase())
    ? requested.hostname.toLowerCase()
    : null;
  return tenantOrigin(base, ownHost ? { hosts: [ownHost] } : tenant) ?? requested.origin;
}
