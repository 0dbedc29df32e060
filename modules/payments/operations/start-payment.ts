import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import { problems } from "../../../core/http/problem.ts";
import type { Services } from "../../../core/services.ts";
import { changePaymentState, lockPayment } from "../payment-changes.ts";
import { decideTransition } from "../payment-state.ts";
import { ProviderRejectedError, ProviderUnavailableError } from "../providers/provider.ts";
import { loadPaymentProvider } from "../providers/registry.ts";
import { attempts, payments } from "../schema.ts";

/** A provider session lasts 90 minutes, as GOV.UK Pay's payments do. */
export const ATTEMPT_MINUTES = 90;

export type StartPaymentOptions = {
  services: Services;
  tenantId: string;
  actor: Actor;
  paymentId: string;
  /** This site's origin, for the provider's return URL. */
  origin: string;
  requestId?: string | null;
};

export type StartPaymentResult =
  | { outcome: "redirect"; nextUrl: string }
  | { outcome: "paid" }
  | { outcome: "unavailable" }
  | { outcome: "not_startable" };

/**
 * The resident pressed pay. Creates the payment at the provider with an idempotency key made of our
 * payment id and the attempt number, outside any transaction, then records the attempt. When the
 * provider cannot be reached the payment stays as it was and the same key is used next time, so a
 * provider payment made before a lost answer is found again rather than made twice. A payment already
 * at the provider sends the resident back to its page.
 */
export async function startPayment(options: StartPaymentOptions): Promise<StartPaymentResult> {
  const { services, tenantId, paymentId } = options;
  const db = services.database.db;
  const [payment] = await db
    .select()
    .from(payments)
    .where(and(eq(payments.id, paymentId), eq(payments.tenantId, tenantId)));
  if (!payment) {
    throw problems.notFound();
  }
  if (payment.state === "success") {
    return { outcome: "paid" };
  }
  if ((payment.state === "started" || payment.state === "submitted") && payment.nextUrl) {
    return { outcome: "redirect", nextUrl: payment.nextUrl };
  }
  if (!decideTransition(payment.state, "started", "start").ok) {
    return { outcome: "not_startable" };
  }
  const attempt = payment.attempt + 1;
  const idempotencyKey = `${payment.id}-${attempt}`;
  const request = {
    amount: payment.amount,
    description: payment.locale === "ja" ? payment.descriptionJa : payment.descriptionEn,
    reference: payment.reference,
    returnUrl: `${options.origin}/payments/${payment.id}/return`,
    idempotencyKey,
  };
  const requestHash = createHash("sha256").update(JSON.stringify(request)).digest("hex");
  let created: { providerPaymentId: string; nextUrl: string };
  try {
    const provider = await loadPaymentProvider(db, tenantId, payment.provider);
    created = await provider.createPayment(request);
  } catch (error) {
    if (error instanceof ProviderUnavailableError || error instanceof ProviderRejectedError) {
      // Unreachable is weather; refused means the city's account or our request is wrong: someone must look.
      const log = error instanceof ProviderRejectedError ? services.logger.error : services.logger.warn;
      log.call(
        services.logger,
        { err: error, paymentId, attempt, provider: payment.provider },
        "payment provider did not create the payment; the resident can try again",
      );
      return { outcome: "unavailable" };
    }
    throw error;
  }
  return db.transaction(async (tx) => {
    const locked = await lockPayment(tx, tenantId, paymentId);
    if (locked.attempt >= attempt) {
      // A second press raced this one with the same key: the provider gave both the same payment.
      return locked.state === "success"
        ? { outcome: "paid" as const }
        : { outcome: "redirect" as const, nextUrl: locked.nextUrl ?? created.nextUrl };
    }
    const decision = decideTransition(locked.state, "started", "start");
    if (!decision.ok) {
      return locked.state === "success"
        ? { outcome: "paid" as const }
        : { outcome: "not_startable" as const };
    }
    await tx
      .insert(attempts)
      .values({
        tenantId,
        paymentId,
        attempt,
        provider: locked.provider,
        providerPaymentId: created.providerPaymentId,
        nextUrl: created.nextUrl,
        idempotencyKey,
        requestHash,
      })
      .onConflictDoNothing();
    await changePaymentState(tx, {
      payment: locked,
      actor: options.actor,
      change: {
        to: "started",
        source: "start",
        providerPaymentId: created.providerPaymentId,
        columns: {
          attempt,
          nextUrl: created.nextUrl,
          idempotencyKey,
          requestHash,
          expiresAt: new Date(Date.now() + ATTEMPT_MINUTES * 60_000),
        },
      },
      requestId: options.requestId ?? null,
    });
    return { outcome: "redirect" as const, nextUrl: created.nextUrl };
  });
}
