import { randomUUID } from "node:crypto";
import { and, arrayContains, eq } from "drizzle-orm";
import { defineSubscriber, type EventSubscriber } from "../events/define-subscriber.ts";
import { domainEvents } from "../events/schema.ts";
import { enqueueJob } from "../jobs/enqueue-job.ts";
import type { WebhookEventDefinition } from "../module.ts";
import { tenants } from "../tenancy/schema.ts";
import { deliverWebhookJob } from "./deliver-webhook.ts";
import { webhookDeliveries, webhookEndpoints } from "./schema.ts";

/**
 * The subscriber that turns each declared event into one delivery per active endpoint subscribed to it,
 * each sent by its own job so one slow or broken receiver never holds up another. Built by the app from
 * the manifests' declarations; the core does not know the modules.
 */
export function webhookFanOut(events: readonly WebhookEventDefinition[]): EventSubscriber {
  const byName = new Map(events.map((event) => [event.name, event]));
  return defineSubscriber({
    id: "core.webhooks",
    events: [...byName.keys()],
    async handle(event, { services }) {
      const tenantId = event.tenantId;
      if (!tenantId) {
        return;
      }
      const { db } = services.database;
      const endpoints = await db
        .select({ id: webhookEndpoints.id })
        .from(webhookEndpoints)
        .where(
          and(
            eq(webhookEndpoints.tenantId, tenantId),
            eq(webhookEndpoints.active, true),
            arrayContains(webhookEndpoints.events, [event.name]),
          ),
        );
      if (endpoints.length === 0) {
        return;
      }
      const definition = byName.get(event.name)!;
      const data = definition.payload ? await definition.payload(db, tenantId, event.payload) : event.payload;
      const [tenant] = await db
        .select({
          municipalityCode: tenants.municipalityCode,
          nameJa: tenants.nameJa,
          nameEn: tenants.nameEn,
        })
        .from(tenants)
        .where(eq(tenants.id, tenantId));
      const [occurred] = await db
        .select({ at: domainEvents.occurredAt })
        .from(domainEvents)
        .where(eq(domainEvents.id, event.id));
      await db.transaction(async (tx) => {
        for (const endpoint of endpoints) {
          const id = randomUUID();
          // Retried fan-outs find the delivery already there (one per endpoint and event).
          const inserted = await tx
            .insert(webhookDeliveries)
            .values({
              id,
              tenantId,
              endpointId: endpoint.id,
              eventId: event.id,
              eventName: event.name,
              payload: {
                id,
                event: event.name,
                eventId: event.id,
                occurredAt: (occurred?.at ?? new Date()).toISOString(),
                tenant: {
                  municipalityCode: tenant!.municipalityCode,
                  name: { ja: tenant!.nameJa, en: tenant!.nameEn },
                },
                data,
              },
            })
            .onConflictDoNothing()
            .returning({ id: webhookDeliveries.id });
          if (inserted.length > 0) {
            await enqueueJob(tx, {
              job: deliverWebhookJob,
              payload: { deliveryId: id },
              tenantId,
              singletonKey: id,
            });
          }
        }
      });
    },
  });
}
