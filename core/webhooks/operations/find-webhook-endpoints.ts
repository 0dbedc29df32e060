import { desc, eq } from "drizzle-orm";
import type { Db } from "../../db/database.ts";
import { type WebhookEndpoint, webhookEndpoints } from "../schema.ts";

export type FindWebhookEndpointsOptions = { db: Db; tenantId: string };

/** The city's endpoints, newest first. */
export async function findWebhookEndpoints({
  db,
  tenantId,
}: FindWebhookEndpointsOptions): Promise<WebhookEndpoint[]> {
  return db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.tenantId, tenantId))
    .orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id));
}
