import { z } from "zod";
import { defineJob } from "../../core/jobs/define-job.ts";
import { createReceipt } from "./operations/create-receipt.ts";

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
