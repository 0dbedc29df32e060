import { and, asc, eq, getTableColumns } from "drizzle-orm";
import type { Db } from "../../db/database.ts";
import { problems } from "../../http/problem.ts";
import { type WebhookDeliveryAttempt, webhookDeliveries, webhookDeliveryAttempts } from "../schema.ts";
import type { WebhookDeliverySummary } from "./find-webhook-deliveries.ts";

export type GetWebhookDeliveryOptions = { db: Db; tenantId: string; deliveryId: string };

/** One delivery with every attempt's outcome (not its payload). 404 when it is not this city's. */
export async function getWebhookDelivery({ db, tenantId, deliveryId }: GetWebhookDeliveryOptions): Promise<{
  delivery: WebhookDeliverySummary;
  attempts: WebhookDeliveryAttempt[];
}> {
  const { payload: _payload, ...columns } = getTableColumns(webhookDeliveries);
  const [delivery] = await db
    .select(columns)
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.tenantId, tenantId)));
  if (!delivery) {
    throw problems.notFound();
  }
  const attempts = await db
    .select()
    .from(webhookDeliveryAttempts)
    .where(eq(webhookDeliveryAttempts.deliveryId, deliveryId))
    .orderBy(asc(webhookDeliveryAttempts.id));
  return { delivery, attempts };
}
