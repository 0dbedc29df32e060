import type { Context } from "hono";
import { tenantOrigin } from "../tenancy/tenant-origin.ts";
import type { AppEnv } from "./app-env.ts";

/**
 * This site's origin as residents and providers see it: the city's own origin from the configured base URL
 * (its first host, if it has hosts), else the request's.
 */
export function publicOrigin(c: Context<AppEnv>): string {
  return tenantOrigin(c.var.services.config.baseUrl, c.var.tenant) ?? new URL(c.req.url).origin;
}
