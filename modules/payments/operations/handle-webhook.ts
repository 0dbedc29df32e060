import { and, eq } from "drizzle-orm";
import type { Services } from "../../../core/services.ts";
import type { Tenant } from "../../../core/tenancy/schema.ts";
import {
  type ProviderStatus,
  ProviderUnavailableError,
  type VerifiedWebhookEvent,
  WebhookRejectedError,
} from "../providers/provider.ts";
import { findProviderAccount, paymentProviderFor } from "../providers/registry.ts";
import { attempts, type ProviderName, type WebhookOutcome, webhookEvents } from "../schema.ts";
import { applyProviderStatus } from "./apply-provider-status.ts";

/** Webhook bodies are kept as evidence, up to this size. */
const PAYLOAD_LIMIT = 65_536;

export type HandleWebhookOptions = {
  services: Services;
  tenant: Tenant;
  provider: ProviderName;
  headers: Headers;
  /** The body exactly as received: signatures are over these bytes. */
  rawBody: string;
  requestId?: string | null;
};

export type HandleWebhookResult = {
  /** 200 processed, 401 bad signature, 400 malformed, 404 no such account, 503 try again later. */
  status: 200 | 400 | 401 | 404 | 503;
  body: Record<string, unknown>;
  outcomes: WebhookOutcome[];
};

/**
 * A provider's webhook request: verified with the city's secret for that provider (a forged or replayed
 * one is logged and refused), then each event applied through applyProviderStatus exactly once. A
 * redelivery is logged as a duplicate; a payment we do not know is logged and acknowledged, so the
 * provider stops retrying. When the signature only proves a shared secret, the state is fetched from the
 * provider's API instead of read from the body.
 */
export async function handleWebhook(options: HandleWebhookOptions): Promise<HandleWebhookResult> {
  const { services, tenant, provider: name, rawBody } = options;
  const db = services.database.db;
  const payload = rawBody.slice(0, PAYLOAD_LIMIT);
  const log = (row: {
    outcome: WebhookOutcome;
    signatureValid: boolean;
    providerEventId?: string | null;
    paymentId?: string | null;
    detail?: string | null;
  }) =>
    db.insert(webhookEvents).values({
      tenantId: tenant.id,
      provider: name,
      payload,
      providerEventId: row.providerEventId ?? null,
      signatureValid: row.signatureValid,
      outcome: row.outcome,
      paymentId: row.paymentId ?? null,
      detail: row.detail ?? null,
    });

  const found = await findProviderAccount(db, tenant.id, name);
  if (!found) {
    await log({ outcome: "rejected", signatureValid: false, detail: `no ${name} account for this city` });
    return { status: 404, body: { error: "unknown account" }, outcomes: ["rejected"] };
  }
  const provider = paymentProviderFor(db, found.tenant, found.account);
  let events: VerifiedWebhookEvent[];
  try {
    events = await provider.verifyWebhook(options.headers, rawBody);
  } catch (error) {
    if (error instanceof WebhookRejectedError) {
      services.logger.warn({ provider: name, tenantId: tenant.id, reason: error.message }, "webhook refused");
      await log({ outcome: "rejected", signatureValid: false, detail: error.message });
      return { status: error.status, body: { error: error.message }, outcomes: ["rejected"] };
    }
    throw error;
  }

  const outcomes: WebhookOutcome[] = [];
  for (const event of events) {
    const [attempt] = await db
      .select({ paymentId: attempts.paymentId })
      .from(attempts)
      .where(
        and(
          eq(attempts.tenantId, tenant.id),
          eq(attempts.provider, name),
          eq(attempts.providerPaymentId, event.providerPaymentId),
        ),
      );
    let status: ProviderStatus | null = event.status;
    if (attempt && !status) {
      try {
        status = await provider.fetchPayment(event.providerPaymentId);
      } catch (error) {
        if (error instanceof ProviderUnavailableError) {
          // Not recorded: the provider redelivers, and the event is then applied.
          return { status: 503, body: { error: "try again later" }, outcomes };
        }
        throw error;
      }
    }
    const outcome = await db.transaction(async (tx): Promise<WebhookOutcome> => {
      const [first] = await tx
        .insert(webhookEvents)
        .values({
          tenantId: tenant.id,
          provider: name,
          payload,
          providerEventId: event.providerEventId,
          signatureValid: true,
          outcome: attempt ? "applied" : "unknown_payment",
          paymentId: attempt?.paymentId ?? null,
        })
        .onConflictDoNothing()
        .returning({ id: webhookEvents.id });
      if (!first) {
        await tx.insert(webhookEvents).values({
          tenantId: tenant.id,
          provider: name,
          payload,
          providerEventId: event.providerEventId,
          signatureValid: true,
          outcome: "duplicate",
          paymentId: attempt?.paymentId ?? null,
        });
        return "duplicate";
      }
      if (!attempt || !status) {
        return "unknown_payment";
      }
      const applied = await applyProviderStatus({
        tx,
        tenantId: tenant.id,
        paymentId: attempt.paymentId,
        providerPaymentId: event.providerPaymentId,
        status,
        source: "webhook",
        providerEventId: event.providerEventId,
        requestId: options.requestId ?? null,
      });
      const result: WebhookOutcome =
        applied.outcome === "applied" || applied.outcome === "duplicate_charge" ? "applied" : "stale";
      await tx
        .update(webhookEvents)
        .set({
          outcome: result,
          detail: `${status.state}${applied.refusal ? `: ${applied.refusal.reason.en}` : ""}`,
        })
        .where(eq(webhookEvents.id, first.id));
      return result;
    });
    outcomes.push(outcome);
  }
  return { status: 200, body: provider.webhookAcknowledgement, outcomes };
}
