import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { defineJob, type JobDefinition } from "../jobs/define-job.ts";
import { postWebhook } from "./post-webhook.ts";
import { webhookDeliveries, webhookDeliveryAttempts, webhookEndpoints } from "./schema.ts";

/** Waits before each retry (GOV.UK Pay's schedule): 60 s, 5 min, 1 h, 1 day, 2 days; then the delivery is dead. */
export const WEBHOOK_RETRY_SECONDS = [60, 300, 3600, 86_400, 172_800] as const;
export const WEBHOOK_MAX_ATTEMPTS = WEBHOOK_RETRY_SECONDS.length + 1;

const retryDelay = (retry: number) =>
  WEBHOOK_RETRY_SECONDS[Math.min(retry, WEBHOOK_RETRY_SECONDS.length) - 1]!;

/**
 * Sends one delivery and records the attempt. A failed attempt throws, so the job queue retries it on the
 * schedule above; the delivery row mirrors that (failed with next_attempt_at, then dead).
 */
export const deliverWebhookJob = defineJob({
  name: "core.webhooks.deliver",
  payload: z.object({ deliveryId: z.uuid() }),
  maxAttempts: WEBHOOK_MAX_ATTEMPTS,
  backoffSeconds: retryDelay,
  async handle({ deliveryId }, { services, attempt, logger }) {
    const { db } = services.database;
    const [found] = await db
      .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints })
      .from(webhookDeliveries)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
      .where(eq(webhookDeliveries.id, deliveryId));
    // The endpoint was deleted with its log: nothing to send any more.
    if (!found) {
      return;
    }
    const { delivery, endpoint } = found;
    if (delivery.status === "succeeded") {
      return;
    }
    const startedAt = new Date();
    const result = endpoint.active
      ? await postWebhook({
          url: endpoint.url,
          secret: endpoint.secret,
          deliveryId: delivery.id,
          eventName: delivery.eventName,
          body: JSON.stringify(delivery.payload),
          allowPrivateNetworks: services.config.webhooksAllowPrivateNetworks,
        })
      : { ok: false, statusCode: null, error: "endpoint deactivated", responseExcerpt: null, durationMs: 0 };
    const lastAttempt = !endpoint.active || attempt >= WEBHOOK_MAX_ATTEMPTS;
    await db.transaction(async (tx) => {
      await tx.insert(webhookDeliveryAttempts).values({
        tenantId: delivery.tenantId,
        deliveryId: delivery.id,
        attempt: delivery.attempts + 1,
        startedAt,
        durationMs: result.durationMs,
        statusCode: result.statusCode,
        error: result.error?.slice(0, 1000) ?? null,
        responseExcerpt: result.responseExcerpt,
      });
      await tx
        .update(webhookDeliveries)
        .set({
          attempts: sql`${webhookDeliveries.attempts} + 1`,
          lastStatusCode: result.statusCode,
          lastError: result.error?.slice(0, 1000) ?? null,
          ...(result.ok
            ? { status: "succeeded", deliveredAt: sql`now()`, nextAttemptAt: null }
            : lastAttempt
              ? { status: "dead", nextAttemptAt: null }
              : {
                  status: "failed",
                  nextAttemptAt: sql`now() + make_interval(secs => ${retryDelay(attempt)})`,
                }),
        })
        .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.tenantId, delivery.tenantId)));
    });
    if (!result.ok) {
      logger.info(
        { deliveryId, statusCode: result.statusCode, error: result.error },
        "webhook delivery failed",
      );
      if (!endpoint.active) {
        return;
      }
      throw new Error(`webhook delivery ${deliveryId} failed: ${result.error}`);
    }
  },
});

export const webhookJobs: readonly JobDefinition<unknown>[] = [deliverWebhookJob as JobDefinition<unknown>];
