import { z } from "zod";
import { defineJob } from "../../core/jobs/define-job.ts";
import { sendAppointmentReminders } from "./operations/send-reminders.ts";

/**
 * Every hour: reminds residents of appointments starting within the next 36 hours that were not reminded yet,
 * so a booking made (or moved) late for the next day is reminded too. `asOf` replaces the clock (an operator
 * re-running a missed hour, or a test); without it the job uses the time it runs.
 */
export const sendRemindersJob = defineJob({
  name: "appointments.send-reminders",
  payload: z.object({ asOf: z.iso.datetime().optional() }),
  cron: "0 * * * *",
  maxAttempts: 3,
  async handle({ asOf }, { services, logger }) {
    const result = await sendAppointmentReminders({
      db: services.database.db,
      now: asOf ? new Date(asOf) : new Date(),
      baseUrl: services.config.baseUrl ?? null,
    });
    if (result.sent > 0) {
      logger.info(result, "appointment reminders sent");
    }
  },
});
