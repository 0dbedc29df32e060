import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { problems } from "../../../core/http/problem.ts";
import { type CatalogService, catalogServices } from "../schema.ts";

export type PublishServiceOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  serviceId: string;
  requestId?: string | null;
};

/** Makes a draft procedure visible to residents. Publishing twice is harmless and records nothing new. */
export async function publishService({
  tx,
  tenantId,
  actor,
  serviceId,
  requestId,
}: PublishServiceOptions): Promise<CatalogService> {
  const where = and(eq(catalogServices.id, serviceId), eq(catalogServices.tenantId, tenantId));
  const [before] = await tx.select().from(catalogServices).where(where).for("update");
  if (!before) {
    throw problems.notFound();
  }
  if (before.status === "published") {
    return before;
  }
  const [after] = await tx
    .update(catalogServices)
    .set({ status: "published", publishedAt: new Date(), updatedAt: new Date() })
    .where(where)
    .returning();
  await recordChange(tx, {
    tenantId,
    actor,
    action: "catalog.service.publish",
    resource: { type: "catalog_service", id: serviceId },
    before: { status: before.status },
    after: { status: after!.status, publishedAt: after!.publishedAt },
    event: { name: "catalog.service_published", payload: { serviceId, slug: after!.slug } },
    requestId: requestId ?? null,
  });
  return after!;
}
