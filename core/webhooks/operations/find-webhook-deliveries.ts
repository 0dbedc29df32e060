import { and, desc, eq, getTableColumns } from "drizzle-orm";
import type { Db } from "../../db/database.ts";
import { problems } from "../../http/problem.ts";
import { type DeliveryStatus, type WebhookDelivery, webhookDeliveries, webhookEndpoints } from "../schema.ts";

export type FindWebhookDeliveriesOptions = {
  db: Db;
  tenantId: string;
  endpointId: string;
  status?: DeliveryStatus;
  limit: number;
};

export type WebhookDeliverySummary = Omit<WebhookDelivery, "payload">;

/**
 * An endpoint's delivery log, newest first, without the payloads (they may hold residents' answers).
 * 404 when the endpoint is not this city's.
 */
export async function findWebhookDeliveries({
  db,
  tenantId,
  endpointId,
  status,
  limit,
}: FindWebhookDeliveriesOptions): Promise<WebhookDeliverySummary[]> {
  const [endpoint] = await db
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.tenantId, tenantId)));
  if (!endpoint) {
    throw problems.notFound();
  }
  const { payload: _payload, ...columns } = getTableColumns(webhookDeliveries);
  return db
    .select(columns)
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.tenantId, tenantId),
        eq(webhookDeliveries.endpointId, endpointId),
        status ? eq(webhookDeliveries.status, status) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(limit);
}
