import type { Db } from "../db/database.ts";
import { type Tenant, tenants } from "../tenancy/schema.ts";

/**
 * A second city on the same install, for tests that one city cannot see or change another's records. Add it
 * before the first request, so the tenant cache knows it.
 */
export async function addSecondCity(
  db: Db,
  city: { slug: string; municipalityCode: string; hosts: string[] },
): Promise<Tenant> {
  const [tenant] = await db
    .insert(tenants)
    .values({ ...city, nameJa: "よその市", nameEn: "Other" })
    .returning();
  return tenant!;
}
