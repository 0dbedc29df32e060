import { and, eq } from "drizzle-orm";
import type { Actor } from "../../audit/actor.ts";
import type { Db } from "../../db/database.ts";
import { recordChange } from "../../events/record-change.ts";
import { problems } from "../../http/problem.ts";
import { webhookEndpoints } from "../schema.ts";

export type DeleteWebhookEndpointOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  endpointId: string;
  requestId?: string | null;
  ip?: string | null;
};

/**
 * Removes an endpoint with its delivery log; deliveries still queued find nothing and stop. The audit log
 * keeps who removed which URL. To pause instead, set the endpoint inactive.
 */
export async function deleteWebhookEndpoint(options: DeleteWebhookEndpointOptions): Promise<void> {
  const { tx, tenantId, endpointId } = options;
  const [deleted] = await tx
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.tenantId, tenantId)))
    .returning();
  if (!deleted) {
    throw problems.notFound();
  }
  await recordChange(tx, {
    tenantId,
    actor: options.actor,
    action: "core.webhook_endpoint.delete",
    resource: { type: "webhook_endpoint", id: endpointId },
    before: { url: deleted.url, events: deleted.events, active: deleted.active },
    requestId: options.requestId ?? null,
    ip: options.ip ?? null,
  });
}
