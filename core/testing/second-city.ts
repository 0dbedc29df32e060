import { DEMO_PASSWORD } from "../../app/seed-demo.ts";
import type { Db } from "../db/database.ts";
import { hashPassword } from "../identity/passwords.ts";
import { staffAccounts } from "../identity/schema.ts";
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

/** A system administrator of that city with the demo password, to sign in on its host (signInStaff). */
export async function addCityAdmin(
  db: Db,
  tenantId: string,
  email = "admin@other.localhost",
): Promise<string> {
  const [admin] = await db
    .insert(staffAccounts)
    .values({
      tenantId,
      email,
      displayName: "よその管理者",
      role: "system_admin",
      passwordHash: await hashPassword(DEMO_PASSWORD),
    })
    .returning({ id: staffAccounts.id });
  return admin!.id;
}
