import { and, eq } from "drizzle-orm";
import { systemActor } from "../../../core/audit/actor.ts";
import { tenants } from "../../../core/tenancy/schema.ts";
import type { TestPlatform } from "../../../core/testing/test-platform.ts";
import { requestPayment } from "../operations/request-payment.ts";
import { type Payment, payments, testProviderPayments } from "../schema.ts";

/** Test fixtures: a payment requested for the demo city, and ways to follow a resident through the pages. */

export async function demoTenantId(platform: TestPlatform): Promise<string> {
  const [tenant] = await platform.services.database.db
    .select({ id: tenants.id })
    .from(tenants)
    .where(eq(tenants.slug, "tenohira"));
  return tenant!.id;
}

export async function requestTestPayment(
  platform: TestPlatform,
  options: {
    tenantId: string;
    residentId?: string | null;
    amount?: number;
    subjectId?: string;
    guestEmail?: string | null;
  },
): Promise<{ payment: Payment; payPath: string }> {
  return platform.services.database.db.transaction((tx) =>
    requestPayment({
      tx,
      tenantId: options.tenantId,
      actor: systemActor,
      subject: { module: "forms", type: "application", id: options.subjectId ?? crypto.randomUUID() },
      caseId: null,
      residentId: options.residentId ?? null,
      guestEmail: options.guestEmail ?? null,
      amount: options.amount ?? 600,
      description: { ja: "住民票の写しの交付手数料", en: "Fee for a copy of the residence certificate" },
      reference: "KX7Q9MPA",
      returnPath: "/forms/juminhyo",
      locale: "ja",
    }),
  );
}

export async function paymentRow(platform: TestPlatform, id: string): Promise<Payment> {
  const [row] = await platform.services.database.db.select().from(payments).where(eq(payments.id, id));
  return row!;
}

/** The test provider's own record of the payment's current attempt. */
export async function testProviderRow(platform: TestPlatform, payment: Payment) {
  const [row] = await platform.services.database.db
    .select()
    .from(testProviderPayments)
    .where(
      and(
        eq(testProviderPayments.id, payment.providerPaymentId!),
        eq(testProviderPayments.tenantId, payment.tenantId),
      ),
    );
  return row!;
}

/** Presses pay on the payment page; returns the provider URL it was sent to. */
export async function pressPay(
  request: (path: string, init?: RequestInit) => Promise<Response>,
  paymentId: string,
  session: { cookie: string; csrf?: string },
  extra: Record<string, string> = {},
): Promise<Response> {
  return request(`/payments/${paymentId}/start`, {
    method: "POST",
    headers: { cookie: session.cookie },
    body: new URLSearchParams({ ...(session.csrf ? { _csrf: session.csrf } : {}), ...extra }),
  });
}
