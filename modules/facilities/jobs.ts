import { z } from "zod";
import { defineJob } from "../../core/jobs/define-job.ts";
import { expireProvisionalBookings } from "./operations/expire-provisional-bookings.ts";
import { issueDigitalKey } from "./operations/issue-digital-key.ts";
import { revokeDigitalKey } from "./operations/revoke-digital-key.ts";

function needTenant(tenantId: string | null, job: string): string {
  if (!tenantId) {
    throw new Error(`${job} needs a tenant`);
  }
  return tenantId;
}

/** Issues the door code of a confirmed booking at the unit's smart lock. */
export const issueDigitalKeyJob = defineJob({
  name: "facilities.issue-digital-key",
  payload: z.object({ bookingId: z.uuid() }),
  async handle({ bookingId }, { services, tenantId }) {
    await issueDigitalKey({
      db: services.database.db,
      tenantId: needTenant(tenantId, "facilities.issue-digital-key"),
      bookingId,
    });
  },
});

/** Revokes the door code of a cancelled booking at the lock. */
export const revokeDigitalKeyJob = defineJob({
  name: "facilities.revoke-digital-key",
  payload: z.object({ bookingId: z.uuid() }),
  async handle({ bookingId }, { services, tenantId }) {
    await revokeDigitalKey({
      db: services.database.db,
      tenantId: needTenant(tenantId, "facilities.revoke-digital-key"),
      bookingId,
    });
  },
});

/** Every minute: unpaid 仮予約 past their deadline expire (lottery awards go back to a lottery hold). */
export const expireProvisionalBookingsJob = defineJob({
  name: "facilities.expire-provisional-bookings",
  payload: z.object({}),
  cron: "* * * * *",
  maxAttempts: 1,
  async handle(_payload, { services, logger }) {
    const { failed, ...counts } = await expireProvisionalBookings({ db: services.database.db });
    for (const { bookingId, error } of failed) {
      // Tried again at the next tick; a booking that keeps failing shows up here every minute.
      logger.error({ err: error, bookingId }, "provisional booking could not be expired");
    }
    if (counts.expired > 0 || counts.reverted > 0) {
      logger.info(counts, "provisional bookings expired");
    }
  },
});
