import { and, eq, sql } from "drizzle-orm";
import type { Actor } from "../../audit/actor.ts";
import type { Db } from "../../db/database.ts";
import { recordChange } from "../../events/record-change.ts";
import { problems } from "../../http/problem.ts";
import { type WebhookEndpoint, webhookEndpoints } from "../schema.ts";
import { newWebhookSecret, refuseBadUrl } from "./create-webhook-endpoint.ts";

export type WebhookEndpointChanges = {
  url?: string;
  description?: string;
  events?: readonly string[];
  active?: boolean;
  /** Issue a new secret; the old one stops working at once. */
  rotateSecret?: boolean;
};

export type UpdateWebhookEndpointOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  endpointId: string;
  changes: WebhookEndpointChanges;
  allowPrivateNetworks: boolean;
  requestId?: string | null;
  ip?: string | null;
};

const summary = (endpoint: WebhookEndpoint) => ({
  url: endpoint.url,
  description: endpoint.description,
  events: endpoint.events,
  active: endpoint.active,
});

/** Changes an endpoint; a rotated secret is returned this once. 404 when it is not this city's. */
export async function updateWebhookEndpoint(
  options: UpdateWebhookEndpointOptions,
): Promise<{ endpoint: WebhookEndpoint; secret: string | null }> {
  const { tx, tenantId, actor, endpointId, changes } = options;
  const ours = and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.tenantId, tenantId));
  const [before] = await tx.select().from(webhookEndpoints).where(ours).for("update");
  if (!before) {
    throw problems.notFound();
  }
  if (changes.url !== undefined && changes.url !== before.url) {
    await refuseBadUrl(changes.url, options.allowPrivateNetworks);
  }
  const secret = changes.rotateSecret ? newWebhookSecret() : null;
  const [endpoint] = await tx
    .update(webhookEndpoints)
    .set({
      ...(changes.url === undefined ? {} : { url: changes.url }),
      ...(changes.description === undefined ? {} : { description: changes.description }),
      ...(changes.events === undefined ? {} : { events: [...changes.events] }),
      ...(changes.active === undefined ? {} : { active: changes.active }),
      ...(secret ? { secret } : {}),
      updatedAt: sql`now()`,
    })
    .where(ours)
    .returning();
  await recordChange(tx, {
    tenantId,
    actor,
    action: "core.webhook_endpoint.update",
    resource: { type: "webhook_endpoint", id: endpointId },
    before: summary(before),
    after: { ...summary(endpoint!), secretRotated: secret !== null },
    requestId: options.requestId ?? null,
    ip: options.ip ?? null,
  });
  return { endpoint: endpoint!, secret };
}
