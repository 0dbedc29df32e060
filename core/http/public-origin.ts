import type { Context } from "hono";
import type { AppEnv } from "./app-env.ts";

/** This site's origin as residents and providers see it: the configured base URL, else the request's. */
export function publicOrigin(c: Context<AppEnv>): string {
  const base = c.var.services.config.baseUrl;
  return base ? new URL(base).origin : new URL(c.req.url).origin;
}
