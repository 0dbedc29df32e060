import { eq } from "drizzle-orm";
import type { Services } from "../services.ts";
import { type Tenant, tenants } from "./schema.ts";

/**
 * The origin a city's residents use, for links that leave the request (e-mails, QR codes, redirect URIs).
 * A city with its own hosts is reached on the first of them, with the scheme and port of the configured
 * base URL; a city without hosts shares the base URL. Without a base URL there is no trustworthy origin
 * (the request's Host header is the caller's to choose), so the answer is null and links stay paths.
 */
export function tenantOrigin(
  baseUrl: string | null | undefined,
  tenant: Pick<Tenant, "hosts"> | null | undefined,
) {
  if (!baseUrl) {
    return null;
  }
  const base = new URL(baseUrl);
  const host = tenant?.hosts[0];
  return host ? `${base.protocol}//${host}${base.port ? `:${base.port}` : ""}` : base.origin;
}

/** tenantOrigin for a job or subscriber, which knows the city only by id. */
export async function loadTenantOrigin(
  services: Pick<Services, "config" | "database">,
  tenantId: string,
): Promise<string | null> {
  if (!services.config.baseUrl) {
    return null;
  }
  const [tenant] = await services.database.db
    .select({ hosts: tenants.hosts })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  return tenantOrigin(services.config.baseUrl, tenant);
}
