import { z } from "zod";
import { defineJob } from "../../core/jobs/define-job.ts";
import { reconcilePayments } from "./operations/reconcile-payments.ts";
import { renderPaymentReceipt } from "./operations/render-payment-receipt.ts";
import { submitRefund } from "./operations/submit-refund.ts";

const SUBMIT_REFUND_ATTEMPTS = 8;

/** Renders and stores the receipt (領収書) of a successful payment, so the first download is instant. */
export const renderPaymentReceiptJob = defineJob({
  name: "payments.render-receipt",
  payload: z.object({ paymentId: z.uuid() }),
  async handle({ paymentId }, { services, tenantId }) {
    if (!tenantId) {
      throw new Error("payments.render-receipt needs a tenant");
    }
    await renderPaymentReceipt({ services, tenantId, paymentId });
  },
});

/** Asks the provider for a refund recorded as submitted; retried while the provider cannot answer. */
export const submitRefundJob = defineJob({
  name: "payments.submit-refund",
  payload: z.object({ refundId: z.uuid() }),
  maxAttempts: SUBMIT_REFUND_ATTEMPTS,
  async handle({ refundId }, { services, tenantId, attempt }) {
    if (!tenantId) {
      throw new Error("payments.submit-refund needs a tenant");
    }
    await submitRefund({ services, tenantId, refundId, lastAttempt: attempt >= SUBMIT_REFUND_ATTEMPTS });
  },
});

/**
 * Every 10 minutes: asks the provider about payments whose news has not come (webhooks get lost), picks
 * up late successes, and expires attempts whose session has lapsed (GOV.UK Pay's "mop-up" job).
 */
export const reconcilePaymentsJob = defineJob({
  name: "payments.reconcile-payments",
  payload: z.object({}),
  cron: "*/10 * * * *",
  maxAttempts: 1,
  async handle(_payload, { services, logger }) {
    const result = await reconcilePayments({ services });
    if (result.polled > 0 || result.expired > 0) {
      logger.info(result, "payments reconciled");
    }
  },
});
