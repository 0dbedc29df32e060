import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FincodeStandIn, startFincodeStandIn } from "../testing/fincode-stand-in.ts";
import { createFincodeProvider, fincodeOrderId, statusOfFincodePayment } from "./fincode.ts";
import {
  type PaymentProvider,
  ProviderRejectedError,
  ProviderUnavailableError,
  WebhookRejectedError,
} from "./provider.ts";

const SECRET = "m_test_standin_secret_key";
const SIGNATURE = "webhook-signature-value-0123456789";

let standIn: FincodeStandIn;
let fincode: PaymentProvider;

beforeAll(async () => {
  standIn = await startFincodeStandIn({ secretKey: SECRET, webhookSignature: SIGNATURE });
  fincode = createFincodeProvider({
    settings: {
      apiBaseUrl: standIn.baseUrl,
      secretKey: SECRET,
      shopServiceName: "てのひら市",
      timeoutMs: 2000,
    },
    webhookSecret: SIGNATURE,
  });
});
afterAll(() => standIn.close());

const create = (key: string, amount = 600) =>
  fincode.createPayment({
    amount,
    description: "住民票の写し",
    reference: "ABCD2345",
    returnUrl: "https://city.example/payments/x/return",
    idempotencyKey: key,
  });

describe("fincode adapter against the stand-in", () => {
  it("creates a redirect session with the documented request: Bearer key, idempotent_key, CAPTURE, amount as a string", async () => {
    const created = await create("pay-1");
    expect(created.providerPaymentId).toBe(fincodeOrderId("pay-1"));
    expect(created.providerPaymentId.length).toBeLessThanOrEqual(30);
    expect(created.nextUrl).toMatch(new RegExp(`^${standIn.baseUrl}/pay/s_`));
    const sent = standIn.requests.findLast((r) => r.path === "/v1/sessions")!;
    expect(sent.method).toBe("POST");
    expect(sent.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(sent.headers["idempotent_key"]).toBe("pay-1");
    expect(sent.body).toMatchObject({
      success_url: "https://city.example/payments/x/return",
      cancel_url: "https://city.example/payments/x/return",
      shop_service_name: "てのひら市",
      transaction: {
        pay_type: ["Card"],
        order_id: created.providerPaymentId,
        amount: "600",
        client_field_1: "ABCD2345",
      },
      card: { job_code: "CAPTURE" },
    });
    expect((sent.body as { expire: string }).expire).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  it("gives the same session for the same key (idempotent creation)", async () => {
    const first = await create("pay-2");
    const again = await create("pay-2");
    expect(again).toEqual(first);
    const forOrder = [...standIn.sessions.values()].filter(
      (s) => s.transaction.order_id === first.providerPaymentId,
    );
    expect(forOrder).toHaveLength(1);
  });

  it("reads the payment's status: none yet, captured, declined", async () => {
    const paid = await create("pay-3");
    expect(await fincode.fetchPayment(paid.providerPaymentId)).toEqual({ state: "started" });
    standIn.pay(paid.providerPaymentId, "success");
    expect(await fincode.fetchPayment(paid.providerPaymentId)).toEqual({ state: "success" });
    const declined = await create("pay-4");
    standIn.pay(declined.providerPaymentId, "declined");
    expect(await fincode.fetchPayment(declined.providerPaymentId)).toEqual({
      state: "failed",
      failure: { code: "E01240002", message: "fincode error E01240002" },
    });
    expect(statusOfFincodePayment("CANCELED").state).toBe("cancelled");
    expect(statusOfFincodePayment("SOMETHING_NEW").state).toBe("error");
  });

  it("refunds part by lowering the captured amount and the rest by cancelling, once per key", async () => {
    const paid = await create("pay-5", 1000);
    standIn.pay(paid.providerPaymentId, "success");
    const partial = { providerPaymentId: paid.providerPaymentId, chargedAmount: 1000 };
    const first = await fincode.refund({
      ...partial,
      amount: 300,
      idempotencyKey: "refund-a",
      refundedBefore: 0,
    });
    expect(first.state).toBe("success");
    expect(standIn.payments.get(paid.providerPaymentId)!.amount).toBe(700);
    // A retry with the same key (the answer was lost) changes nothing more.
    await fincode.refund({ ...partial, amount: 300, idempotencyKey: "refund-a", refundedBefore: 0 });
    expect(standIn.payments.get(paid.providerPaymentId)!.amount).toBe(700);
    const change = standIn.requests.findLast((r) => r.path.endsWith("/change"))!;
    expect(change.body).toMatchObject({ pay_type: "Card", job_code: "CAPTURE", amount: "700" });
    await fincode.refund({ ...partial, amount: 700, idempotencyKey: "refund-b", refundedBefore: 300 });
    expect(standIn.payments.get(paid.providerPaymentId)!.status).toBe("CANCELED");
    await expect(
      fincode.refund({ ...partial, amount: 1, idempotencyKey: "refund-c", refundedBefore: 1000 }),
    ).rejects.toBeInstanceOf(ProviderRejectedError);
  });

  it("accepts a webhook only with the configured signature, and never trusts its state", async () => {
    const body = JSON.stringify({ order_id: "t123", status: "CAPTURED", event: "payments.card.exec" });
    const headers = (signature?: string) => new Headers(signature ? { "Fincode-Signature": signature } : {});
    const [event] = await fincode.verifyWebhook(headers(SIGNATURE), body);
    expect(event).toMatchObject({ providerPaymentId: "t123", status: null });
    expect(event!.providerEventId).toMatch(/^sha256:[0-9a-f]{64}$/);
    await expect(fincode.verifyWebhook(headers("wrong"), body)).rejects.toMatchObject({ status: 401 });
    await expect(fincode.verifyWebhook(headers(), body)).rejects.toMatchObject({ status: 401 });
    await expect(fincode.verifyWebhook(headers(SIGNATURE), "{not json")).rejects.toBeInstanceOf(
      WebhookRejectedError,
    );
    await expect(fincode.verifyWebhook(headers(SIGNATURE), "{}")).rejects.toMatchObject({ status: 400 });
  });

  it("reports an unreachable or failing API as unavailable, and a wrong key as a rejection", async () => {
    standIn.setDown(true);
    await expect(create("pay-6")).rejects.toBeInstanceOf(ProviderUnavailableError);
    standIn.setDown(false);
    const wrongKey = createFincodeProvider({
      settings: { apiBaseUrl: standIn.baseUrl, secretKey: "wrong" },
      webhookSecret: SIGNATURE,
    });
    await expect(wrongKey.fetchPayment("t1")).rejects.toMatchObject({ code: "E01100002" });
    const nowhere = createFincodeProvider({
      settings: { apiBaseUrl: "http://127.0.0.1:9", secretKey: SECRET, timeoutMs: 1000 },
      webhookSecret: SIGNATURE,
    });
    await expect(nowhere.fetchPayment("t1")).rejects.toBeInstanceOf(ProviderUnavailableError);
  });
});
