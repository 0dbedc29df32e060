import { z } from "zod";
import { systemActor } from "../../core/audit/actor.ts";
import { defineJob, type JobDefinition } from "../../core/jobs/define-job.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import { deleteExpiredPersonalData } from "./operations/delete-expired-personal-data.ts";

/** How long one night's run may take: under the worker's 300 s lease, so no second worker takes the job over. */
export const RETENTION_RUN_BUDGET_MS = 240_000;

/**
 * Every night, each city's closed reports past their category's retention period lose the reporter's
 * personal data, one batch per transaction until none is left or the run's time is spent (the rest waits
 * for the next night). One city's failure is logged and does not stop the others; the run then fails so the
 * queue shows it.
 */
export const deleteExpiredPersonalDataJob = defineJob({
  name: "reports.delete-expired-personal-data",
  payload: z.object({ budgetMs: z.number().int().min(0).optional() }),
  cron: "30 3 * * *",
  async handle({ budgetMs = RETENTION_RUN_BUDGET_MS }, { services, logger }) {
    const stopAt = Date.now() + budgetMs;
    const cities = await services.database.db.select({ id: tenants.id }).from(tenants);
    const failed: string[] = [];
    for (const city of cities) {
      const now = new Date();
      const total = { reports: 0, contactFields: 0, emailFollowers: 0, photos: 0, notifications: 0 };
      try {
        while (Date.now() < stopAt) {
          const batch = await deleteExpiredPersonalData({
            services,
            tenantId: city.id,
            actor: systemActor,
            now,
          });
          if (batch.reports === 0) {
            break;
          }
          for (const key of Object.keys(total) as (keyof typeof total)[]) {
            total[key] += batch[key];
          }
        }
      } catch (error) {
        failed.push(city.id);
        logger.error({ err: error, tenantId: city.id }, "retention run failed for a city");
      }
      if (total.reports > 0) {
        logger.info({ tenantId: city.id, ...total }, "reporters' personal data deleted after retention");
      }
    }
    if (Date.now() >= stopAt) {
      logger.warn(
        { budgetMs },
        "retention run stopped at its time budget; the rest waits for the next night",
      );
    }
    if (failed.length > 0) {
      throw new Error(`retention failed for ${failed.length} city(ies); see the log`);
    }
  },
});

/**
 * Removes one deleted photo's bytes from storage. Enqueued in the transaction that deletes the photo's row, so
 * the bytes cannot outlive a failure of the store: the job retries until the delete goes through.
 */
export const deleteStoredFileJob = defineJob({
  name: "reports.delete-stored-file",
  payload: z.object({ key: z.string().min(1) }),
  maxAttempts: 10,
  async handle({ key }, { services }) {
    // Deleting a key with no file succeeds (local: rm with force; S3: DeleteObject), so a retry after a
    // delete whose answer was lost is no error.
    await services.storage.delete(key);
  },
});

export const reportJobs: readonly JobDefinition<unknown>[] = [
  deleteExpiredPersonalDataJob,
  deleteStoredFileJob as JobDefinition<unknown>,
];
