import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { problems } from "../../../core/http/problem.ts";
import type { AssuranceLevel } from "../../../core/identity/assurance.ts";
import { departments } from "../../../core/identity/schema.ts";
import { type CatalogService, catalogServices, type ServiceChannel } from "../schema.ts";

export type CreateServiceOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  slug: string;
  nameJa: string;
  nameEn: string;
  summaryJa?: string;
  summaryEn?: string;
  departmentId?: string | null;
  channels: readonly ServiceChannel[];
  assuranceLevel?: AssuranceLevel;
  onlinePath?: string | null;
  requestId?: string | null;
};

/** Adds a procedure to the city's catalog as a draft. */
export async function createService({
  tx,
  tenantId,
  actor,
  requestId,
  ...fields
}: CreateServiceOptions): Promise<CatalogService> {
  if (fields.departmentId) {
    // The foreign key alone would accept another city's department.
    const [department] = await tx
      .select({ id: departments.id })
      .from(departments)
      .where(and(eq(departments.id, fields.departmentId), eq(departments.tenantId, tenantId)));
    if (!department) {
      throw problems.invalidRequest([
        { pointer: "/departmentId", detail: "No such department", detailJa: "その部署はありません" },
      ]);
    }
  }
  const [service] = await tx
    .insert(catalogServices)
    .values({ tenantId, ...fields, channels: [...fields.channels] })
    .onConflictDoNothing()
    .returning();
  if (!service) {
    throw problems.conflict({
      ja: "同じURL名の手続きがすでにあります",
      en: "A service with this slug already exists",
    });
  }
  await recordChange(tx, {
    tenantId,
    actor,
    action: "catalog.service.create",
    resource: { type: "catalog_service", id: service.id },
    after: service,
    event: { name: "catalog.service_created", payload: { serviceId: service.id } },
    requestId: requestId ?? null,
  });
  return service;
}
