import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import { type CatalogService, catalogServices } from "../schema.ts";

export type FindServicesOptions = {
  db: Db;
  tenantId: string;
  /** Residents see only published services; staff see drafts too. */
  publishedOnly: boolean;
  slug?: string;
};

export function findServices({
  db,
  tenantId,
  publishedOnly,
  slug,
}: FindServicesOptions): Promise<CatalogService[]> {
  return db
    .select()
    .from(catalogServices)
    .where(
      and(
        eq(catalogServices.tenantId, tenantId),
        publishedOnly ? eq(catalogServices.status, "published") : undefined,
        slug ? eq(catalogServices.slug, slug) : undefined,
      ),
    )
    .orderBy(asc(catalogServices.nameJa));
}
