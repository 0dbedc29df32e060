import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { problems } from "../../../core/http/problem.ts";
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
