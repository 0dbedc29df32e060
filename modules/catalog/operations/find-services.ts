import { and, asc, eq, inArray, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import type { StaffScope } from "../../../core/identity/policy.ts";
import { type CatalogService, catalogServices } from "../schema.ts";

export type FindServicesOptions = {
  db: Db;
  tenantId: string;
  /** Residents see only published services; staff see drafts too. */
  publishedOnly: boolean;
  slug?: string;
  /** Staff lists: only the services the member may see (their departments, or an operator's grants). */
  scope?: StaffScope;
};

function inScope(scope: StaffScope | undefined): SQL | undefined {
  if (!scope || scope.all) {
    return undefined;
  }
  const reachable = [
    scope.departmentIds.length > 0
      ? inArray(catalogServices.departmentId, [...scope.departmentIds])
      : undefined,
    scope.serviceIds.length > 0 ? inArray(catalogServices.id, [...scope.serviceIds]) : undefined,
  ].filter((condition) => condition !== undefined);
  return reachable.length > 0 ? or(...reachable) : sql`false`;
}

export function findServices({
  db,
  tenantId,
  publishedOnly,
  slug,
  scope,
}: FindServicesOptions): Promise<CatalogService[]> {
  return db
    .select()
    .from(catalogServices)
    .where(
      and(
        eq(catalogServices.tenantId, tenantId),
        publishedOnly ? eq(catalogServices.status, "published") : undefined,
        slug ? eq(catalogServices.slug, slug) : undefined,
        inScope(scope),
      ),
    )
    .orderBy(asc(catalogServices.nameJa));
}
