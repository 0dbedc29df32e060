import type { JobDefinition } from "../jobs/define-job.ts";
import { deliverEmailJob } from "./send-notification.ts";

export const notificationJobs: readonly JobDefinition<unknown>[] = [
  deliverEmailJob as JobDefinition<unknown>,
];
