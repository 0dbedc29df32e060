import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { defineJob } from "../../../core/jobs/define-job.ts";
import { providerAccounts, testProviderPayments, testProviderStates } from "../schema.ts";
import { signTestWebhook, TEST_SIGNATURE_HEADER, type TestWebhookBody } from "./test-provider-signature.ts";

/**
 * The test provider telling the city about a change, as a PSP would: a signed POST to the city's webhook
 * URL, retried until it answers 2xx. Each retry is signed anew (fresh timestamp) but keeps the event id,
 * so the city can tell a redelivery from a new event.
 */
export const deliverTestWebhookJob = defineJob({
  name: "payments.deliver-test-webhook",
  payload: z.object({
    testPaymentId: z.uuid(),
    eventId: z.string(),
    state: z.enum(testProviderStates),
    failure: z.object({ code: z.string(), message: z.string() }).nullable(),
  }),
  maxAttempts: 8,
  async handle({ testPaymentId, eventId, state, failure }, { services, tenantId }) {
    const db = services.database.db;
    const [row] = await db
      .select({ notifyUrl: testProviderPayments.notifyUrl, secret: providerAccounts.webhookSecret })
      .from(testProviderPayments)
      .innerJoin(
        providerAccounts,
        and(
          eq(providerAccounts.tenantId, testProviderPayments.tenantId),
          eq(providerAccounts.provider, "test"),
        ),
      )
      .where(eq(testProviderPayments.id, testPaymentId));
    if (!row || !tenantId) {
      throw new Error(`test payment ${testPaymentId} or its account is gone`);
    }
    const body: TestWebhookBody = {
      id: eventId,
      type: `payment.${state}`,
      created: new Date().toISOString(),
      data: { payment_id: testPaymentId, state, failure },
    };
    const text = JSON.stringify(body);
    const response = await fetch(row.notifyUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        [TEST_SIGNATURE_HEADER]: signTestWebhook(row.secret, text, Math.floor(Date.now() / 1000)),
      },
      body: text,
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) {
      throw new Error(`webhook to ${row.notifyUrl} answered ${response.status}`);
    }
  },
});
