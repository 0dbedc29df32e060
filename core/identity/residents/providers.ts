import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/database.ts";
import { type IdentityProvider, identityProviders, type ProviderKind } from "../schema.ts";

/** The OpenID providers this tenant has turned on. */
export async function enabledProviders(
  db: Db,
  tenantId: string,
): Promise<Map<ProviderKind, IdentityProvider>> {
  const rows = await db
    .select()
    .from(identityProviders)
    .where(and(eq(identityProviders.tenantId, tenantId), eq(identityProviders.enabled, true)));
  return new Map(rows.map((row) => [row.kind, row]));
}
