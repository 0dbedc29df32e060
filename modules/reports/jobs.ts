import { z } from "zod";
import { systemActor } from "../../core/audit/actor.ts";
import { defineJob, type JobDefinition } from "../../core/jobs/define-job.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import { deleteExpiredPersonalData } from "./operations/delete-expired-personal-data.ts";

/**
 * Every night, each city's closed reports past their category's retention period lose the reporter's
 * personal data, one batch per transaction until none is left.
 */
export const deleteExpiredPersonalDataJob = defineJob({
  name: "reports.delete-expired-personal-data",
  payload: z.object({}),
  cron: "30 3 * * *",
  async handle(_payload, { services, logger }) {
    const cities = await services.database.db.select({ id: tenants.id }).from(tenants);
    for (const city of cities) {
      const now = new Date();
      const total = { reports: 0, contactFields: 0, emailFollowers: 0, photos: 0, filesLeft: 0 };
      for (;;) {
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
      if (total.reports > 0) {
        logger.info({ tenantId: city.id, ...total }, "reporters' personal data deleted after retention");
      }
      if (total.filesLeft > 0) {
        logger.warn(
          { tenantId: city.id, filesLeft: total.filesLeft },
          "photo files of deleted report photos could not be removed from storage",
        );
      }
    }
  },
});

export const reportJobs: readonly JobDefinition<unknown>[] = [deleteExpiredPersonalDataJob];
