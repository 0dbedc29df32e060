import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../core/audit/actor.ts";
import { auditLog } from "../../core/audit/schema.ts";
import { domainEvents } from "../../core/events/schema.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import { addCityAdmin } from "../../core/testing/second-city.ts";
import { createTestPlatform, type TestPlatform } from "../../core/testing/test-platform.ts";
import { applyProviderStatus } from "./operations/apply-provider-status.ts";
import { cancelPayment } from "./operations/cancel-payment.ts";
import { startPayment } from "./operations/start-payment.ts";
import type { PaymentJson } from "./presenters.ts";
import { type Payment, providerAccounts, testProviderPayments } from "./schema.ts";
import { demoTenantId, paymentRow, requestTestPayment, testProviderRow } from "./testing/payment-fixtures.ts";

let platform: TestPlatform;
let tenantId: string;
let manager: Record<string, string>;
let staff: Record<string, string>;
let viewer: Record<string, string>;
let otherAdmin: Record<string, string>;
const db = () => platform.services.database.db;

beforeAll(async () => {
  platform = await createTestPlatform();
  tenantId = await demoTenantId(platform);
  const [other] = await db()
    .insert(tenants)
    .values({
      municipalityCode: "990027",
      slug: "other-city",
      nameJa: "よその市",
      nameEn: "Other City",
      hosts: ["other.localhost"],
    })
    .returning();
  await db().insert(providerAccounts).values({
    tenantId: other!.id,
    provider: "test",
    webhookSecret: "other-city-webhook-secret-0123456789",
    isDefault: true,
  });
  await addCityAdmin(db(), other!.id);
  manager = await platform.signInStaff("manager@tenohira.localhost");
  staff = await platform.signInStaff("staff@tenohira.localhost");
  viewer = await platform.signInStaff("viewer@tenohira.localhost");
  otherAdmin = await platform.signInStaff("admin@other.localhost", { host: "other.localhost" });
});
afterAll(() => platform.close());

/** A payment the provider took: started, paid at the test provider, and learnt by a poll. */
async function paidPayment(amount = 1000): Promise<Payment> {
  const { payment } = await requestTestPayment(platform, { tenantId, guestEmail: null, amount });
  await startPayment({
    services: platform.services,
    tenantId,
    actor: systemActor,
    paymentId: payment.id,
    origin: "http://localhost",
  });
  const started = await paymentRow(platform, payment.id);
  await db()
    .update(testProviderPayments)
    .set({ state: "success" })
    .where(eq(testProviderPayments.id, started.providerPaymentId!));
  const applied = await db().transaction((tx) =>
    applyProviderStatus({
      tx,
      tenantId,
      paymentId: payment.id,
      providerPaymentId: started.providerPaymentId!,
      status: { state: "success" },
      source: "poll",
    }),
  );
  expect(applied.outcome).toBe("applied");
  return applied.payment;
}

const api = (path: string) => `/staff/api/payments${path}`;
const list = async (payment: Payment, headers: Record<string, string>) =>
  platform.request(api(`?subjectType=${payment.subjectType}&subjectId=${payment.subjectId}`), { headers });
const refund = (
  paymentId: string,
  headers: Record<string, string>,
  body: Record<string, unknown>,
  host = "",
) =>
  platform.request(`${host}${api(`/${paymentId}/refunds`)}`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
async function ok<T>(response: Response | Promise<Response>, status = 200): Promise<T> {
  const answered = await response;
  const text = await answered.text();
  expect(answered.status, text).toBe(status);
  return JSON.parse(text) as T;
}

describe("staff payments API", () => {
  it("lists a subject's payments with refunds and history, audited, for every staff role with the verb", async () => {
    const payment = await paidPayment();
    const body = await ok<{ payments: PaymentJson[] }>(list(payment, viewer));
    expect(body.payments).toHaveLength(1);
    expect(body.payments[0]).toMatchObject({
      id: payment.id,
      state: "success",
      amount: 1000,
      refundedAmount: 0,
      refundableAmount: 1000,
      provider: "test",
      reference: "KX7Q9MPA",
      refunds: [],
      transitions: [
        { from: "created", to: "started", source: "start" },
        { from: "started", to: "success", source: "poll" },
      ],
    });
    const reads = await db()
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.action, "payments.payment.read"),
          eq(auditLog.resourceId, `application:${payment.subjectId}`),
        ),
      );
    expect(reads).toHaveLength(1);
    expect((await list(payment, {})).status).toBe(401);
  });

  it("refunds part, refuses a stale expectedRefundable and an over-refund, then refunds the rest", async () => {
    const payment = await paidPayment(1000);
    const partial = await ok<{ payment: PaymentJson }>(
      refund(payment.id, manager, { amount: 300, expectedRefundable: 1000, reason: "手数料の一部免除" }),
      202,
    );
    expect(partial.payment.refunds).toMatchObject([
      { amount: 300, state: "submitted", reason: "手数料の一部免除", automatic: false },
    ]);
    expect(partial.payment.refundableAmount).toBe(700);

    const stale = await refund(payment.id, manager, {
      amount: 100,
      expectedRefundable: 1000,
      reason: "二重の操作",
    });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ type: "https://tenohira.org/problems/refund-amount-changed" });
    const busy = await refund(payment.id, manager, {
      amount: 100,
      expectedRefundable: 700,
      reason: "処理中",
    });
    expect(busy.status).toBe(409);

    await platform.worker.drain();
    const afterPartial = await paymentRow(platform, payment.id);
    expect(afterPartial.refundedAmount).toBe(300);
    expect((await testProviderRow(platform, afterPartial)).refundedAmount).toBe(300);
    const refunded = (
      await db().select().from(domainEvents).where(eq(domainEvents.name, "payments.payment_refunded"))
    ).filter((e) => e.payload["paymentId"] === payment.id);
    expect(refunded.map((e) => e.payload)).toMatchObject([
      { amount: 300, refundedTotal: 300, subjectType: "application", automatic: false },
    ]);

    const over = await refund(payment.id, manager, {
      amount: 701,
      expectedRefundable: 700,
      reason: "多すぎる",
    });
    expect(over.status).toBe(400);
    expect(await over.json()).toMatchObject({ errors: [{ pointer: "/amount" }] });

    await ok(
      refund(payment.id, manager, { amount: 700, expectedRefundable: 700, reason: "申請の取下げ" }),
      202,
    );
    await platform.worker.drain();
    const [after] = (await ok<{ payments: PaymentJson[] }>(list(payment, manager))).payments;
    expect(after).toMatchObject({ state: "success", refundedAmount: 1000, refundableAmount: 0 });
    expect(after!.refunds.map((r) => [r.amount, r.state])).toEqual([
      [300, "success"],
      [700, "success"],
    ]);
    const audits = await db().select().from(auditLog).where(eq(auditLog.resourceId, payment.id));
    expect(audits.filter((a) => a.action === "payments.refund.create")).toHaveLength(2);
    expect(audits.filter((a) => a.action === "payments.refund.succeed")).toHaveLength(2);
    // Nothing left: every further refund is refused.
    expect(
      (await refund(payment.id, manager, { amount: 1, expectedRefundable: 0, reason: "x" })).status,
    ).toBe(400);
  });

  it("lets only department managers refund, and only paid payments", async () => {
    const payment = await paidPayment();
    expect(
      (await refund(payment.id, staff, { amount: 100, expectedRefundable: 1000, reason: "x" })).status,
    ).toBe(403);
    expect(
      (await refund(payment.id, viewer, { amount: 100, expectedRefundable: 1000, reason: "x" })).status,
    ).toBe(403);
    const denied = await db().select().from(auditLog).where(eq(auditLog.action, "access.denied"));
    expect(denied.some((a) => (a.after as { verb: string }).verb === "payments.payment.refund")).toBe(true);
    const { payment: unpaid } = await requestTestPayment(platform, { tenantId, guestEmail: null });
    expect(
      (await refund(unpaid.id, manager, { amount: 100, expectedRefundable: 0, reason: "x" })).status,
    ).toBe(409);
    const invalid = await refund(payment.id, manager, { amount: -5, expectedRefundable: 1000, reason: "" });
    expect(invalid.status).toBe(400);
  });

  it("marks a refund the provider refuses as an error, leaving the payment refundable", async () => {
    const payment = await paidPayment(500);
    await ok(refund(payment.id, manager, { amount: 500, expectedRefundable: 500, reason: "全額返金" }), 202);
    // The provider's books disagree (it never captured this charge): it refuses the refund.
    await db()
      .update(testProviderPayments)
      .set({ state: "failed" })
      .where(eq(testProviderPayments.id, payment.providerPaymentId!));
    await platform.worker.drain();
    const [after] = (await ok<{ payments: PaymentJson[] }>(list(payment, manager))).payments;
    expect(after!.refunds).toMatchObject([{ amount: 500, state: "error" }]);
    expect(after).toMatchObject({ refundedAmount: 0, refundableAmount: 500 });
  });

  it("serves the receipt to staff, audited, and 404 before payment", async () => {
    const payment = await paidPayment();
    const pdf = await platform.request(api(`/${payment.id}/receipt.pdf`), { headers: viewer });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const audits = await db().select().from(auditLog).where(eq(auditLog.resourceId, payment.id));
    expect(audits.map((a) => a.action)).toContain("payments.receipt.read");
    const { payment: unpaid } = await requestTestPayment(platform, { tenantId, guestEmail: null });
    expect((await platform.request(api(`/${unpaid.id}/receipt.pdf`), { headers: viewer })).status).toBe(404);
  });

  it("cancels a request nobody is paying, and refuses to cancel one being paid", async () => {
    const { payment } = await requestTestPayment(platform, { tenantId, guestEmail: null });
    const cancelled = await db().transaction((tx) =>
      cancelPayment({ tx, tenantId, actor: systemActor, paymentId: payment.id }),
    );
    expect(cancelled).toMatchObject({ state: "cancelled", finished: true });
    expect(
      await startPayment({
        services: platform.services,
        tenantId,
        actor: systemActor,
        paymentId: payment.id,
        origin: "http://localhost",
      }),
    ).toEqual({
      outcome: "not_startable",
    });
    const { payment: started } = await requestTestPayment(platform, { tenantId, guestEmail: null });
    await startPayment({
      services: platform.services,
      tenantId,
      actor: systemActor,
      paymentId: started.id,
      origin: "http://localhost",
    });
    await expect(
      db().transaction((tx) => cancelPayment({ tx, tenantId, actor: systemActor, paymentId: started.id })),
    ).rejects.toMatchObject({ status: 409 });
  });

  it("keeps each city's payments to itself", async () => {
    const payment = await paidPayment();
    const theirs = await ok<{ payments: PaymentJson[] }>(
      platform.request(
        `http://other.localhost${api(`?subjectType=application&subjectId=${payment.subjectId}`)}`,
        { headers: otherAdmin },
      ),
    );
    expect(theirs.payments).toEqual([]);
    expect(
      (
        await refund(
          payment.id,
          otherAdmin,
          { amount: 1, expectedRefundable: 1000, reason: "x" },
          "http://other.localhost",
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await platform.request(`http://other.localhost${api(`/${payment.id}/receipt.pdf`)}`, {
          headers: otherAdmin,
        })
      ).status,
    ).toBe(404);
  });
});
