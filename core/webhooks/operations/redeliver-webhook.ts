import { and, eq, sql } from "drizzle-orm";
import type { Actor } from "../../audit/actor.ts";
import type { Db } from "../../db/database.ts";
import { recordChange } from "../../events/record-change.ts";
import { problems } from "../../http/problem.ts";
import { enqueueJob } from "../../jobs/enqueue-job.ts";
import { jobs } from "../../jobs/schema.ts";
import { deliverWebhookJob } from "../deliver-webhook.ts";
import { webhookDeliveries } from "../schema.ts";

export type RedeliverWebhookOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  deliveryId: string;
  requestId?: string | null;
  ip?: string | null;
};

/**
 * Sends a delivery again now, with the same delivery id and payload (a receiver that already took it
 * ignores it): a dead one gets a fresh round of attempts, a failed one waiting for its next retry is
 * brought forward. 409 while an attempt is in progress.
 */
export async function redeliverWebhook(options: RedeliverWebhookOptions): Promise<void> {
  const { tx, tenantId, deliveryId } = options;
  const ours = and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.tenantId, tenantId));
  const [delivery] = await tx.select().from(webhookDeliveries).where(ours).for("update");
  if (!delivery) {
    throw problems.notFound();
  }
  const thisDelivery = and(eq(jobs.name, deliverWebhookJob.name), eq(jobs.singletonKey, deliveryId));
  const [running] = await tx
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(thisDelivery, eq(jobs.status, "running")));
  if (running) {
    throw problems.conflict({
      ja: "この配信は送信中です。しばらくしてから確認してください",
      en: "This delivery is being sent; check again shortly",
    });
  }
  const queued = await enqueueJob(tx, {
    job: deliverWebhookJob,
    payload: { deliveryId },
    tenantId,
    singletonKey: deliveryId,
  });
  if (queued === null) {
    await tx
      .update(jobs)
      .set({ runAt: sql`now()` })
      .where(and(thisDelivery, eq(jobs.status, "queued")));
  }
  await tx.update(webhookDeliveries).set({ status: "pending", nextAttemptAt: sql`now()` }).where(ours);
  await recordChange(tx, {
    tenantId,
    actor: options.actor,
    action: "core.webhook_delivery.redeliver",
    resource: { type: "webhook_delivery", id: deliveryId },
    before: { status: delivery.status, attempts: delivery.attempts },
    requestId: options.requestId ?? null,
    ip: options.ip ?? null,
  });
}
