import { and, eq, gt, inArray, isNotNull, lt, or } from "drizzle-orm";
import { systemActor } from "../../../core/audit/actor.ts";
import type { Services } from "../../../core/services.ts";
import { changePaymentState, lockPayment } from "../payment-changes.ts";
import { decideTransition } from "../payment-state.ts";
import { loadPaymentProvider } from "../providers/registry.ts";
import { type Payment, payments } from "../schema.ts";
import { applyProviderStatus } from "./apply-provider-status.ts";

/** An open attempt with no news for this long is asked about. */
const QUIET_MINUTES = 3;
/** Attempts that ended without success are still asked about for this long: a late success may come. */
const LATE_SUCCESS_HOURS = 3;
const BATCH = 500;

export type ReconcilePaymentsOptions = {
  services: Services;
  /** One city (tests), or all. */
  tenantId?: string;
  now?: Date;
};

/**
 * The mop-up: asks the provider about every payment whose news may have been lost, applies what it says
 * (source reconcile), then expires attempts whose 90-minute session has lapsed without a result. What it
 * asks about: open attempts quiet for a few minutes; attempts past their expiry; and attempts that ended
 * without success in the last hours, so a late success is found even when its webhook never arrives.
 * One payment's failure does not stop the others.
 */
export async function reconcilePayments(
  options: ReconcilePaymentsOptions,
): Promise<{ polled: number; applied: number; expired: number; failed: number }> {
  const { services } = options;
  const db = services.database.db;
  const now = options.now ?? new Date();
  const quiet = new Date(now.getTime() - QUIET_MINUTES * 60_000);
  const lateWindow = new Date(now.getTime() - LATE_SUCCESS_HOURS * 3_600_000);
  const candidates = await db
    .select()
    .from(payments)
    .where(
      and(
        options.tenantId ? eq(payments.tenantId, options.tenantId) : undefined,
        isNotNull(payments.providerPaymentId),
        or(
          and(inArray(payments.state, ["started", "submitted"]), lt(payments.updatedAt, quiet)),
          and(inArray(payments.state, ["created", "started"]), lt(payments.expiresAt, now)),
          and(
            inArray(payments.state, ["failed", "cancelled", "expired", "error"]),
            gt(payments.expiresAt, lateWindow),
          ),
        ),
      ),
    )
    .limit(BATCH);
  const result = { polled: 0, applied: 0, expired: 0, failed: 0 };
  for (const payment of candidates) {
    try {
      result.polled++;
      const provider = await loadPaymentProvider(db, payment.tenantId, payment.provider);
      const status = await provider.fetchPayment(payment.providerPaymentId!);
      const applied = await db.transaction((tx) =>
        applyProviderStatus({
          tx,
          tenantId: payment.tenantId,
          paymentId: payment.id,
          providerPaymentId: payment.providerPaymentId!,
          status,
          source: "reconcile",
        }),
      );
      if (applied.outcome === "applied") {
        result.applied++;
      }
      if (await expireIfLapsed(services, applied.payment, now)) {
        result.expired++;
      }
    } catch (error) {
      result.failed++;
      services.logger.warn({ err: error, paymentId: payment.id }, "payment reconciliation failed");
    }
  }
  return result;
}

/** Ends an attempt whose session lapsed while the provider still reports nothing final. */
async function expireIfLapsed(services: Services, payment: Payment, now: Date): Promise<boolean> {
  if (
    !payment.expiresAt ||
    payment.expiresAt >= now ||
    !decideTransition(payment.state, "expired", "expiry").ok
  ) {
    return false;
  }
  return services.database.db.transaction(async (tx) => {
    const locked = await lockPayment(tx, payment.tenantId, payment.id);
    if (!decideTransition(locked.state, "expired", "expiry").ok) {
      return false;
    }
    await changePaymentState(tx, {
      payment: locked,
      actor: systemActor,
      change: { to: "expired", source: "expiry", providerPaymentId: locked.providerPaymentId },
    });
    return true;
  });
}
