import { createHash, randomUUID } from "node:crypto";
import { and, eq, inArray, lt, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../../core/db/database.ts";
import { enqueueJob } from "../../../core/jobs/enqueue-job.ts";
import type { Tenant } from "../../../core/tenancy/schema.ts";
import {
  type ProviderAccount,
  type TestProviderPayment,
  type TestProviderState,
  testProviderPayments,
  testProviderRefunds,
} from "../schema.ts";
import {
  type PaymentProvider,
  ProviderRejectedError,
  type ProviderStatus,
  WebhookRejectedError,
} from "./provider.ts";
import { deliverTestWebhookJob } from "./test-provider-jobs.ts";
import { TEST_SIGNATURE_HEADER, TestWebhookBody, verifyTestSignature } from "./test-provider-signature.ts";

// The built-in test provider: a small PSP inside the app, with its own hosted card page
// (/payments/test-provider/pay/<id>), its own books (payments_test_provider_*) and signed webhooks,
// so the whole flow runs on a laptop without a contract with a real provider.

/** A session at the test provider lasts as long as a GOV.UK Pay payment. */
const SESSION_MINUTES = 90;

export const testCards = {
  success: "4242424242424242",
  declined: "4000000000000002",
} as const;

export const TestProviderSettings = z.object({
  /** Where webhooks go; by default this app's own endpoint for the city, at the return URL's origin. */
  webhookUrl: z.url().optional(),
});

/** The test provider's own states, as the payments module sees them (a resident's cancel is a failure). */
export function statusOfTestPayment(
  state: TestProviderState,
  failure: { code: string; message: string } | null,
): ProviderStatus {
  switch (state) {
    case "cancelled":
      return { state: "failed", failure: { code: "cancelled_by_user", message: "The payer cancelled" } };
    case "failed":
      return { state: "failed", failure: failure ?? { code: "declined", message: "Declined" } };
    default:
      return { state };
  }
}

/**
 * Changes a test payment's state (only from one of `from`) and queues its signed webhook, in one
 * transaction of the test provider's own. Returns the updated row, or null when it was not in `from`.
 */
export async function moveTestPayment(
  db: Db,
  options: {
    tenantId: string;
    id: string;
    from: readonly TestProviderState[];
    to: TestProviderState;
    failure?: { code: string; message: string };
    cardLast4?: string;
  },
): Promise<TestProviderPayment | null> {
  return db.transaction(async (tx) => {
    const [moved] = await tx
      .update(testProviderPayments)
      .set({
        state: options.to,
        failureCode: options.failure?.code ?? null,
        failureMessage: options.failure?.message ?? null,
        ...(options.cardLast4 ? { cardLast4: options.cardLast4 } : {}),
        updatedAt: new Date(),
      })
      .where(
        and(
          eq(testProviderPayments.id, options.id),
          eq(testProviderPayments.tenantId, options.tenantId),
          inArray(testProviderPayments.state, [...options.from]),
        ),
      )
      .returning();
    if (!moved) {
      return null;
    }
    await enqueueJob(tx, {
      job: deliverTestWebhookJob,
      tenantId: options.tenantId,
      payload: {
        testPaymentId: moved.id,
        eventId: `evt_${randomUUID()}`,
        state: moved.state,
        failure: options.failure ?? null,
      },
    });
    return moved;
  });
}

/** Sessions past their time are expired when anyone looks at them, as a PSP's own clock would. */
export async function expireLapsedTestPayments(db: Db, tenantId: string): Promise<void> {
  const lapsed = await db
    .select({ id: testProviderPayments.id })
    .from(testProviderPayments)
    .where(
      and(
        eq(testProviderPayments.tenantId, tenantId),
        inArray(testProviderPayments.state, ["created", "started"]),
        lt(testProviderPayments.expiresAt, sql`now()`),
      ),
    );
  for (const { id } of lapsed) {
    await moveTestPayment(db, { tenantId, id, from: ["created", "started"], to: "expired" });
  }
}

export type TestProviderContext = { db: Db; tenant: Tenant; account: ProviderAccount };

export function createTestProvider({ db, tenant, account }: TestProviderContext): PaymentProvider {
  const settings = TestProviderSettings.parse(account.settings);
  const find = async (id: string) => {
    if (!z.uuid().safeParse(id).success) {
      return undefined;
    }
    const [row] = await db
      .select()
      .from(testProviderPayments)
      .where(and(eq(testProviderPayments.id, id), eq(testProviderPayments.tenantId, tenant.id)));
    return row;
  };
  return {
    webhookAcknowledgement: { received: true },

    async createPayment({ amount, description, reference, returnUrl, idempotencyKey }) {
      const origin = new URL(returnUrl).origin;
      const requestHash = createHash("sha256")
        .update(JSON.stringify({ amount, description, reference, returnUrl }))
        .digest("hex");
      const [created] = await db
        .insert(testProviderPayments)
        .values({
          tenantId: tenant.id,
          idempotencyKey,
          requestHash,
          amount,
          description,
          reference,
          returnUrl,
          notifyUrl: settings.webhookUrl ?? `${origin}/payments/webhooks/test/${tenant.slug}`,
          expiresAt: new Date(Date.now() + SESSION_MINUTES * 60_000),
        })
        .onConflictDoNothing()
        .returning();
      let payment = created;
      if (!payment) {
        const [existing] = await db
          .select()
          .from(testProviderPayments)
          .where(
            and(
              eq(testProviderPayments.tenantId, tenant.id),
              eq(testProviderPayments.idempotencyKey, idempotencyKey),
            ),
          );
        if (existing?.requestHash !== requestHash) {
          throw new ProviderRejectedError(
            "idempotency_key_reused",
            "The key was used for a different request",
          );
        }
        payment = existing;
      }
      return { providerPaymentId: payment.id, nextUrl: `${origin}/payments/test-provider/pay/${payment.id}` };
    },

    async fetchPayment(providerPaymentId) {
      await expireLapsedTestPayments(db, tenant.id);
      const payment = await find(providerPaymentId);
      if (!payment) {
        throw new ProviderRejectedError("not_found", `No test payment ${providerPaymentId}`);
      }
      return statusOfTestPayment(
        payment.state,
        payment.failureCode ? { code: payment.failureCode, message: payment.failureMessage ?? "" } : null,
      );
    },

    async refund({ providerPaymentId, amount, idempotencyKey }) {
      return db.transaction(async (tx) => {
        const [payment] = await tx
          .select()
          .from(testProviderPayments)
          .where(
            and(eq(testProviderPayments.id, providerPaymentId), eq(testProviderPayments.tenantId, tenant.id)),
          )
          .for("update");
        if (!payment) {
          throw new ProviderRejectedError("not_found", `No test payment ${providerPaymentId}`);
        }
        const [earlier] = await tx
          .select()
          .from(testProviderRefunds)
          .where(
            and(
              eq(testProviderRefunds.tenantId, tenant.id),
              eq(testProviderRefunds.idempotencyKey, idempotencyKey),
            ),
          );
        if (earlier) {
          return { providerRefundId: earlier.id, state: "success" as const };
        }
        if (payment.state !== "success") {
          throw new ProviderRejectedError("not_refundable", "Only a successful payment can be refunded");
        }
        if (amount > payment.amount - payment.refundedAmount) {
          throw new ProviderRejectedError("refund_exceeds_available", "More than what is left to refund");
        }
        const [refund] = await tx
          .insert(testProviderRefunds)
          .values({ tenantId: tenant.id, testPaymentId: payment.id, amount, idempotencyKey })
          .returning();
        await tx
          .update(testProviderPayments)
          .set({ refundedAmount: payment.refundedAmount + amount, updatedAt: new Date() })
          .where(eq(testProviderPayments.id, payment.id));
        return { providerRefundId: refund!.id, state: "success" as const };
      });
    },

    async verifyWebhook(headers, rawBody) {
      verifyTestSignature(
        headers.get(TEST_SIGNATURE_HEADER),
        rawBody,
        account.webhookSecret,
        Math.floor(Date.now() / 1000),
      );
      let parsed: TestWebhookBody;
      try {
        parsed = TestWebhookBody.parse(JSON.parse(rawBody));
      } catch {
        throw new WebhookRejectedError(400, "the signed body is not a test provider event");
      }
      return [
        {
          providerEventId: parsed.id,
          providerPaymentId: parsed.data.payment_id,
          status: statusOfTestPayment(parsed.data.state, parsed.data.failure),
        },
      ];
    },
  };
}
