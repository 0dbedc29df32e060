import type { JobDefinition } from "../../core/jobs/define-job.ts";

export const reportJobs: readonly JobDefinition<unknown>[] = [];
