import { and, eq } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import { problems } from "../../../core/http/problem.ts";
import { type CatalogService, catalogServices } from "../schema.ts";

export type GetServiceOptions = { db: Db; tenantId: string; serviceId: string };

/** One service of this city, drafts included; 404 when it is not this city's. */
export async function getService({ db, tenantId, serviceId }: GetServiceOptions): Promise<CatalogService> {
  const [service] = await db
    .select()
    .from(catalogServices)
    .where(and(eq(catalogServices.id, serviceId), eq(catalogServices.tenantId, tenantId)));
  if (!service) {
    throw problems.notFound();
  }
  return service;
}
