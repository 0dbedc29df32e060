import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../core/testing/browser.ts";
import { cookieOf } from "../../core/testing/test-platform.ts";
import { fincodeOrderId } from "./providers/fincode.ts";
import { attempts, type Payment, providerAccounts, webhookEvents } from "./schema.ts";
import { type FincodeStandIn, startFincodeStandIn } from "./testing/fincode-stand-in.ts";
import { demoTenantId, paymentRow, pressPay, requestTestPayment } from "./testing/payment-fixtures.ts";

const SECRET = "m_test_city_secret_key";
const SIGNATURE = "city-webhook-signature-0123456789";

let server: TestServer;
let standIn: FincodeStandIn;
let tenantId: string;
const platform = () => server.platform;
const db = () => server.platform.services.database.db;
const request = (path: string, init?: RequestInit) =>
  platform().request(path.startsWith("http") ? path : `${server.baseUrl}${path}`, init);
const webhookUrl = () => `${server.baseUrl}/payments/webhooks/fincode/tenohira`;

beforeAll(async () => {
  server = await startTestServer();
  standIn = await startFincodeStandIn({ secretKey: SECRET, webhookSignature: SIGNATURE });
  tenantId = await demoTenantId(platform());
  // The city moves from the test provider to its fincode contract.
  await db()
    .update(providerAccounts)
    .set({ isDefault: false })
    .where(eq(providerAccounts.tenantId, tenantId));
  await db()
    .insert(providerAccounts)
    .values({
      tenantId,
      provider: "fincode",
      settings: {
        apiBaseUrl: standIn.baseUrl,
        secretKey: SECRET,
        shopServiceName: "てのひら市",
        timeoutMs: 2000,
      },
      webhookSecret: SIGNATURE,
      isDefault: true,
    });
});
afterAll(async () => {
  await standIn.close();
  await server.close();
});

/** A guest's payment through fincode, with the guest's cookie. */
async function guestPayment(): Promise<{ payment: Payment; guest: { cookie: string } }> {
  const { payment, payPath } = await requestTestPayment(platform(), {
    tenantId,
    guestEmail: "guest@example.jp",
  });
  expect(payment.provider).toBe("fincode");
  const opened = await request(payPath);
  return { payment, guest: { cookie: cookieOf(opened, `tenohira_pay_${payment.id.replaceAll("-", "")}`) } };
}

const sessionsFor = (orderId: string) =>
  [...standIn.sessions.values()].filter((s) => s.transaction.order_id === orderId);

describe("paying through fincode", () => {
  it("keeps the payment when fincode is down, shows a bilingual try-again page, and the retry works", async () => {
    const { payment, guest } = await guestPayment();
    standIn.setDown(true);
    const down = await pressPay(request, payment.id, guest);
    expect(down.status).toBe(503);
    expect(down.headers.get("retry-after")).toBe("30");
    const html = await down.text();
    expect(html).toContain("決済サービスに接続できませんでした");
    expect(html).toContain(`action="/payments/${payment.id}/start"`);
    const english = await pressPay((p, i) => request(`${p}?lang=en`, i), payment.id, guest);
    expect(await english.text()).toContain("We could not reach the payment service");
    expect(await paymentRow(platform(), payment.id)).toMatchObject({
      state: "created",
      attempt: 0,
      providerPaymentId: null,
    });
    expect(await db().select().from(attempts).where(eq(attempts.paymentId, payment.id))).toEqual([]);

    standIn.setDown(false);
    const retried = await pressPay(request, payment.id, guest);
    expect(retried.status).toBe(303);
    const orderId = fincodeOrderId(`${payment.id}-1`);
    expect(retried.headers.get("location")).toBe(sessionsFor(orderId)[0]!.link_url);
    expect(await paymentRow(platform(), payment.id)).toMatchObject({
      state: "started",
      attempt: 1,
      providerPaymentId: orderId,
    });
  });

  it("finds the same fincode session again when the first answer was lost (same idempotency key)", async () => {
    const { payment, guest } = await guestPayment();
    standIn.dropNextResponse();
    expect((await pressPay(request, payment.id, guest)).status).toBe(503);
    const orderId = fincodeOrderId(`${payment.id}-1`);
    expect(sessionsFor(orderId)).toHaveLength(1);
    const retried = await pressPay(request, payment.id, guest);
    expect(retried.status).toBe(303);
    expect(retried.headers.get("location")).toBe(sessionsFor(orderId)[0]!.link_url);
    expect(sessionsFor(orderId)).toHaveLength(1);
    // Pressing pay again while at fincode goes back to the same page.
    expect((await pressPay(request, payment.id, guest)).headers.get("location")).toBe(
      sessionsFor(orderId)[0]!.link_url,
    );
  });

  it("re-fetches the payment on every webhook and ignores the state the body claims", async () => {
    const { payment, guest } = await guestPayment();
    await pressPay(request, payment.id, guest);
    const orderId = fincodeOrderId(`${payment.id}-1`);

    // Right secret, body claiming a capture that fincode's API does not know: nothing changes.
    const claimed = await standIn.sendWebhook(webhookUrl(), orderId, { status: "CAPTURED" });
    expect(claimed.status).toBe(200);
    expect(await claimed.json()).toEqual({ receive: "0" });
    expect((await paymentRow(platform(), payment.id)).state).toBe("started");

    const forged = await standIn.sendWebhook(webhookUrl(), orderId, { signature: "guessed-signature" });
    expect(forged.status).toBe(401);

    standIn.pay(orderId, "success");
    expect((await standIn.sendWebhook(webhookUrl(), orderId)).status).toBe(200);
    expect(await paymentRow(platform(), payment.id)).toMatchObject({ state: "success" });
    expect((await standIn.sendWebhook(webhookUrl(), orderId)).status).toBe(200);

    const logged = await db()
      .select()
      .from(webhookEvents)
      .where(and(eq(webhookEvents.tenantId, tenantId), eq(webhookEvents.provider, "fincode")))
      .orderBy(asc(webhookEvents.id));
    expect(logged.slice(-4).map((row) => [row.outcome, row.signatureValid])).toEqual([
      ["stale", true],
      ["rejected", false],
      ["applied", true],
      ["duplicate", true],
    ]);
  });

  it("takes the payer back from fincode's POST to the result page, which asks fincode once", async () => {
    const { payment, guest } = await guestPayment();
    await pressPay(request, payment.id, guest);
    const orderId = fincodeOrderId(`${payment.id}-1`);
    standIn.pay(orderId, "declined");
    // fincode posts the payer back from its own site: no cookie of ours is sent with a cross-site POST.
    const posted = await request(`/payments/${payment.id}/return`, {
      method: "POST",
      body: new URLSearchParams({ order_id: orderId }),
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.get("location")).toBe(`/payments/${payment.id}/return`);
    const result = await request(`/payments/${payment.id}/return`, { headers: guest });
    expect(await result.text()).toContain("お支払いできませんでした");
    expect(await paymentRow(platform(), payment.id)).toMatchObject({
      state: "failed",
      failureCode: "E01240002",
    });
  });

  it("refunds through fincode by lowering the captured amount", async () => {
    const { payment, guest } = await guestPayment();
    await pressPay(request, payment.id, guest);
    const orderId = fincodeOrderId(`${payment.id}-1`);
    standIn.pay(orderId, "success");
    await request(`/payments/${payment.id}/return`, { headers: guest });
    const manager = await platform().signInStaff("manager@tenohira.localhost");
    const refunded = await request(`/staff/api/payments/${payment.id}/refunds`, {
      method: "POST",
      headers: { ...manager, "content-type": "application/json" },
      body: JSON.stringify({ amount: 200, expectedRefundable: 600, reason: "一部返金" }),
    });
    expect(refunded.status).toBe(202);
    await platform().worker.drain();
    expect(standIn.payments.get(orderId)).toMatchObject({ status: "CAPTURED", amount: 400 });
    expect((await paymentRow(platform(), payment.id)).refundedAmount).toBe(200);
  });
});
