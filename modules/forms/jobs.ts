import { z } from "zod";
import { systemActor } from "../../core/audit/actor.ts";
import { defineSubscriber } from "../../core/events/define-subscriber.ts";
import { defineJob } from "../../core/jobs/define-job.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import { createReceipt } from "./operations/create-receipt.ts";
import { discardDrafts } from "./operations/discard-drafts.ts";

/** Renders and stores the receipt PDF of a submitted application, so the first download is instant. */
export const renderReceiptJob = defineJob({
  name: "forms.render-receipt",
  payload: z.object({ applicationId: z.uuid() }),
  async handle({ applicationId }, { services, tenantId }) {
    if (!tenantId) {
      throw new Error("forms.render-receipt needs a tenant");
    }
    await createReceipt({ services, tenantId, applicationId });
  },
});

/** Every night, guests' drafts whose resume key has expired are deleted with their files. */
export const discardExpiredDraftsJob = defineJob({
  name: "forms.discard-expired-drafts",
  payload: z.object({}),
  cron: "30 3 * * *",
  async handle(_payload, { services, logger }) {
    const cities = await services.database.db.select({ id: tenants.id }).from(tenants);
    for (const city of cities) {
      const count = await discardDrafts({
        services,
        tenantId: city.id,
        actor: systemActor,
        of: { expiredBefore: new Date() },
      });
      if (count > 0) {
        logger.info({ tenantId: city.id, count }, "expired guest drafts discarded");
      }
    }
  },
});

/** A resident who deletes their account leaves no unfinished applications behind; submitted ones stay. */
export const discardDraftsOfDeletedResident = defineSubscriber({
  id: "forms.discard-drafts-of-deleted-resident",
  events: ["resident.deleted"],
  async handle(event, { services }) {
    const residentId = z.uuid().parse(event.payload["residentId"]);
    if (!event.tenantId) {
      return;
    }
    await discardDrafts({ services, tenantId: event.tenantId, actor: systemActor, of: { residentId } });
  },
});
