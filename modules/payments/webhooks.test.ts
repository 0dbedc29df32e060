import { randomUUID } from "node:crypto";
import { and, asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../core/audit/actor.ts";
import { domainEvents } from "../../core/events/schema.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import { startTestServer, type TestServer } from "../../core/testing/browser.ts";
import { reconcilePaymentsJob } from "./jobs.ts";
import { reconcilePayments } from "./operations/reconcile-payments.ts";
import { startPayment } from "./operations/start-payment.ts";
import { ProviderRejectedError } from "./providers/provider.ts";
import { paymentProviderFor } from "./providers/registry.ts";
import {
  signTestWebhook,
  TEST_SIGNATURE_HEADER,
  verifyTestSignature,
} from "./providers/test-provider-signature.ts";
import {
  type Payment,
  payments,
  providerAccounts,
  refunds,
  testProviderPayments,
  transitions,
  webhookEvents,
} from "./schema.ts";
import { demoTenantId, paymentRow, requestTestPayment } from "./testing/payment-fixtures.ts";

let server: TestServer;
let tenantId: string;
let secret: string;
const platform = () => server.platform;
const db = () => server.platform.services.database.db;
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  server = await startTestServer();
  tenantId = await demoTenantId(platform());
  const [account] = await db()
    .select()
    .from(providerAccounts)
    .where(and(eq(providerAccounts.tenantId, tenantId), eq(providerAccounts.provider, "test")));
  secret = account!.webhookSecret;
});
afterAll(() => server.close());

/** A payment the resident has started: it has a payment at the test provider. */
async function startedPayment(): Promise<Payment> {
  const { payment } = await requestTestPayment(platform(), { tenantId, guestEmail: "guest@example.jp" });
  const started = await startPayment({
    services: platform().services,
    tenantId,
    actor: { type: "guest", id: null },
    paymentId: payment.id,
    origin: server.baseUrl,
  });
  expect(started.outcome).toBe("redirect");
  return paymentRow(platform(), payment.id);
}

type Sent = {
  providerPaymentId: string;
  state: "started" | "success" | "failed" | "cancelled" | "expired";
  eventId?: string;
  signWith?: string;
  at?: number;
  body?: string;
  header?: string | null;
};

function sendWebhook(sent: Sent, path = "/payments/webhooks/test/tenohira"): Promise<Response> {
  const body =
    sent.body ??
    JSON.stringify({
      id: sent.eventId ?? `evt_${randomUUID()}`,
      type: `payment.${sent.state}`,
      created: new Date().toISOString(),
      data: {
        payment_id: sent.providerPaymentId,
        state: sent.state,
        failure: sent.state === "failed" ? { code: "card_declined", message: "Declined" } : null,
      },
    });
  const header =
    sent.header === undefined
      ? signTestWebhook(sent.signWith ?? secret, body, sent.at ?? now())
      : sent.header;
  return platform().request(path, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(header === null ? {} : { [TEST_SIGNATURE_HEADER]: header }),
    },
    body,
  });
}

const loggedEvents = () => db().select().from(webhookEvents).orderBy(asc(webhookEvents.id));
const eventCount = async (name: string, paymentId: string) =>
  (await db().select().from(domainEvents).where(eq(domainEvents.name, name))).filter(
    (row) => row.payload["paymentId"] === paymentId,
  ).length;

describe("test provider webhook signature", () => {
  it("verifies an HMAC over t.body within five minutes, in either direction", () => {
    const body = '{"id":"evt_1"}';
    expect(() =>
      verifyTestSignature(
        signTestWebhook("s3cret-s3cret-s3cret", body, 1000),
        body,
        "s3cret-s3cret-s3cret",
        1299,
      ),
    ).not.toThrow();
    for (const [header, at] of [
      [signTestWebhook("s3cret-s3cret-s3cret", body, 1000), 1301],
      [signTestWebhook("s3cret-s3cret-s3cret", body, 1000), 699],
      [signTestWebhook("other-secret-other", body, 1000), 1000],
      [signTestWebhook("s3cret-s3cret-s3cret", '{"id":"evt_2"}', 1000), 1000],
      ["t=1000,v1=zz", 1000],
      ["v1=abc", 1000],
    ] as const) {
      expect(() => verifyTestSignature(header, body, "s3cret-s3cret-s3cret", at)).toThrow();
    }
    expect(() => verifyTestSignature(null, body, "s3cret-s3cret-s3cret", 1000)).toThrow(/missing/);
  });

  it("applies a signed webhook, and logs and refuses forged, replayed, tampered and unsigned ones", async () => {
    const payment = await startedPayment();
    const target = { providerPaymentId: payment.providerPaymentId!, state: "success" as const };
    const before = (await loggedEvents()).length;

    expect((await sendWebhook({ ...target, signWith: "a-forged-secret-0123456789" })).status).toBe(401);
    expect((await sendWebhook({ ...target, at: now() - 301 })).status).toBe(401);
    const signedBody = JSON.stringify({
      id: "evt_x",
      type: "payment.failed",
      created: "",
      data: { payment_id: payment.providerPaymentId, state: "failed", failure: null },
    });
    const tampered = signedBody.replace('"failed"', '"success"');
    expect(
      (await sendWebhook({ ...target, body: tampered, header: signTestWebhook(secret, signedBody, now()) }))
        .status,
    ).toBe(401);
    expect((await sendWebhook({ ...target, header: null })).status).toBe(401);
    expect((await sendWebhook({ ...target, body: "not json" })).status).toBe(400);
    expect((await paymentRow(platform(), payment.id)).state).toBe("started");

    const refused = (await loggedEvents()).slice(before);
    expect(refused).toHaveLength(5);
    expect(
      refused.every(
        (row) => row.outcome === "rejected" && !row.signatureValid && row.providerEventId === null,
      ),
    ).toBe(true);
    expect(refused[2]!.payload).toBe(tampered);

    const accepted = await sendWebhook(target);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ received: true });
    expect((await paymentRow(platform(), payment.id)).state).toBe("success");
    expect((await loggedEvents()).at(-1)).toMatchObject({
      outcome: "applied",
      signatureValid: true,
      paymentId: payment.id,
    });
  });

  it("answers 404 for a city that is not the one at this address, and accepts the city's id", async () => {
    const payment = await startedPayment();
    const sent = { providerPaymentId: payment.providerPaymentId!, state: "failed" as const };
    expect((await sendWebhook(sent, "/payments/webhooks/test/other-city")).status).toBe(404);
    expect((await sendWebhook(sent, "/payments/webhooks/nosuch/tenohira")).status).toBe(404);
    expect((await sendWebhook(sent, `/payments/webhooks/test/${tenantId}`)).status).toBe(200);
    expect((await paymentRow(platform(), payment.id)).state).toBe("failed");
  });
});

describe("test provider", () => {
  it("creates one payment per idempotency key, and refuses the key for a different request", async () => {
    const [account] = await db()
      .select()
      .from(providerAccounts)
      .where(and(eq(providerAccounts.tenantId, tenantId), eq(providerAccounts.provider, "test")));
    const [tenant] = await db().select().from(tenants).where(eq(tenants.id, tenantId));
    const provider = paymentProviderFor(db(), tenant!, account!);
    const request = {
      amount: 600,
      description: "手数料",
      reference: "REF1",
      returnUrl: `${server.baseUrl}/payments/x/return`,
      idempotencyKey: `key-${randomUUID()}`,
    };
    const first = await provider.createPayment(request);
    expect(await provider.createPayment(request)).toEqual(first);
    await expect(provider.createPayment({ ...request, amount: 1 })).rejects.toBeInstanceOf(
      ProviderRejectedError,
    );
    const [stored] = await db()
      .select()
      .from(testProviderPayments)
      .where(eq(testProviderPayments.id, first.providerPaymentId));
    expect(stored).toMatchObject({
      amount: 600,
      state: "created",
      notifyUrl: `${server.baseUrl}/payments/webhooks/test/tenohira`,
    });
  });
});

describe("webhooks out of order, repeated, late and missing", () => {
  it("applies success before started arrives, ignores a redelivery and never leaves success", async () => {
    const payment = await startedPayment();
    const id = payment.providerPaymentId!;
    const outcomes: string[] = [];
    const send = async (state: Sent["state"], eventId: string) => {
      expect((await sendWebhook({ providerPaymentId: id, state, eventId })).status).toBe(200);
      outcomes.push((await loggedEvents()).at(-1)!.outcome);
    };
    await send("success", "evt_ooo_success");
    await send("started", "evt_ooo_started");
    await send("success", "evt_ooo_success");
    await send("failed", "evt_ooo_failed");
    expect(outcomes).toEqual(["applied", "stale", "duplicate", "stale"]);
    const after = await paymentRow(platform(), payment.id);
    expect(after).toMatchObject({ state: "success", finished: true, failureCode: null });
    expect(await eventCount("payments.payment_succeeded", payment.id)).toBe(1);
    expect(await eventCount("payments.payment_failed", payment.id)).toBe(0);
  });

  it("applies a late success after a failure (corrected to match the provider)", async () => {
    const payment = await startedPayment();
    const id = payment.providerPaymentId!;
    await sendWebhook({ providerPaymentId: id, state: "failed" });
    expect((await paymentRow(platform(), payment.id)).state).toBe("failed");
    await sendWebhook({ providerPaymentId: id, state: "success" });
    expect((await paymentRow(platform(), payment.id)).state).toBe("success");
    const log = await db()
      .select()
      .from(transitions)
      .where(eq(transitions.paymentId, payment.id))
      .orderBy(asc(transitions.id));
    expect(log.map((t) => `${t.fromState}>${t.toState}:${t.source}`)).toEqual([
      "created>started:start",
      "started>failed:webhook",
      "failed>success:webhook",
    ]);
    expect(log[2]!.providerEventId).toMatch(/^evt_/);
    expect(await eventCount("payments.payment_failed", payment.id)).toBe(1);
    expect(await eventCount("payments.payment_succeeded", payment.id)).toBe(1);
  });

  it("refunds an earlier attempt that also succeeded after a later one was paid", async () => {
    const payment = await startedPayment();
    const firstAttempt = payment.providerPaymentId!;
    await sendWebhook({ providerPaymentId: firstAttempt, state: "failed" });
    await startPayment({
      services: platform().services,
      tenantId,
      actor: systemActor,
      paymentId: payment.id,
      origin: server.baseUrl,
    });
    const secondAttempt = (await paymentRow(platform(), payment.id)).providerPaymentId!;
    expect(secondAttempt).not.toBe(firstAttempt);
    await sendWebhook({ providerPaymentId: secondAttempt, state: "success" });
    // The first attempt's money was taken after all: the provider's books say so, and so does its webhook.
    await db()
      .update(testProviderPayments)
      .set({ state: "success" })
      .where(eq(testProviderPayments.id, firstAttempt));
    await sendWebhook({ providerPaymentId: firstAttempt, state: "success" });
    await sendWebhook({ providerPaymentId: firstAttempt, state: "success" });
    const given = await db().select().from(refunds).where(eq(refunds.paymentId, payment.id));
    expect(given).toHaveLength(1);
    expect(given[0]).toMatchObject({ providerPaymentId: firstAttempt, duplicate: true, amount: 600 });
    await platform().worker.drain();
    expect((await db().select().from(refunds).where(eq(refunds.paymentId, payment.id)))[0]!.state).toBe(
      "success",
    );
    // The kept charge is untouched: nothing of this payment counts as refunded.
    expect(await paymentRow(platform(), payment.id)).toMatchObject({
      state: "success",
      providerPaymentId: secondAttempt,
      refundedAmount: 0,
    });
  });

  it("applies racing reports one after the other: one success, one event", async () => {
    const payment = await startedPayment();
    const id = payment.providerPaymentId!;
    const answers = await Promise.all([
      sendWebhook({ providerPaymentId: id, state: "success", eventId: "evt_race_success" }),
      sendWebhook({ providerPaymentId: id, state: "success", eventId: "evt_race_success" }),
      sendWebhook({ providerPaymentId: id, state: "failed", eventId: "evt_race_failed" }),
      sendWebhook({ providerPaymentId: id, state: "success", eventId: "evt_race_success" }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    const rows = (await loggedEvents()).filter((row) => row.providerEventId === "evt_race_success");
    expect(rows.map((row) => row.outcome).sort()).toEqual(["applied", "duplicate", "duplicate"]);
    // The failure may have come first (then success corrected it) or after (then it was stale).
    expect((await paymentRow(platform(), payment.id)).state).toBe("success");
    expect(await eventCount("payments.payment_succeeded", payment.id)).toBe(1);
  });

  it("logs and acknowledges a webhook about a payment it does not know", async () => {
    const answer = await sendWebhook({ providerPaymentId: randomUUID(), state: "success" });
    expect(answer.status).toBe(200);
    expect((await loggedEvents()).at(-1)).toMatchObject({
      outcome: "unknown_payment",
      signatureValid: true,
      paymentId: null,
    });
  });

  it("settles a payment whose webhooks never came, through the reconciliation job", async () => {
    expect(reconcilePaymentsJob.cron).toBe("*/10 * * * *");
    const paid = await startedPayment();
    const declined = await startedPayment();
    await db()
      .update(testProviderPayments)
      .set({ state: "success" })
      .where(eq(testProviderPayments.id, paid.providerPaymentId!));
    await db()
      .update(testProviderPayments)
      .set({ state: "failed", failureCode: "card_declined", failureMessage: "Declined" })
      .where(eq(testProviderPayments.id, declined.providerPaymentId!));
    const quiet = sql`now() - interval '5 minutes'`;
    await db().update(payments).set({ updatedAt: quiet }).where(eq(payments.tenantId, tenantId));
    const result = await reconcilePayments({ services: platform().services, tenantId });
    expect(result.applied).toBeGreaterThanOrEqual(2);
    expect(await paymentRow(platform(), paid.id)).toMatchObject({ state: "success" });
    expect(await paymentRow(platform(), declined.id)).toMatchObject({
      state: "failed",
      failureCode: "card_declined",
    });
    const [last] = await db()
      .select()
      .from(transitions)
      .where(eq(transitions.paymentId, paid.id))
      .orderBy(sql`${transitions.id} DESC`)
      .limit(1);
    expect(last).toMatchObject({ toState: "success", source: "reconcile" });

    // Later, the declined attempt turns out to have been paid: reconciliation finds the late success.
    await db()
      .update(testProviderPayments)
      .set({ state: "success" })
      .where(eq(testProviderPayments.id, declined.providerPaymentId!));
    await reconcilePayments({ services: platform().services, tenantId });
    expect((await paymentRow(platform(), declined.id)).state).toBe("success");
  });

  it("expires attempts whose session lapsed, by the provider's word or by the clock", async () => {
    const lapsedAtProvider = await startedPayment();
    const lapsedHere = await startedPayment();
    const past = sql`now() - interval '1 minute'`;
    await db()
      .update(testProviderPayments)
      .set({ expiresAt: past })
      .where(eq(testProviderPayments.id, lapsedAtProvider.providerPaymentId!));
    await db().update(payments).set({ expiresAt: past }).where(eq(payments.id, lapsedAtProvider.id));
    await db().update(payments).set({ expiresAt: past }).where(eq(payments.id, lapsedHere.id));
    await reconcilePayments({ services: platform().services, tenantId });
    const sourceOf = async (paymentId: string) =>
      (
        await db()
          .select()
          .from(transitions)
          .where(eq(transitions.paymentId, paymentId))
          .orderBy(asc(transitions.id))
      ).at(-1)!;
    expect(await paymentRow(platform(), lapsedAtProvider.id)).toMatchObject({
      state: "expired",
      finished: true,
    });
    expect(await sourceOf(lapsedAtProvider.id)).toMatchObject({ toState: "expired", source: "reconcile" });
    expect(await paymentRow(platform(), lapsedHere.id)).toMatchObject({ state: "expired" });
    expect(await sourceOf(lapsedHere.id)).toMatchObject({ toState: "expired", source: "expiry" });
    // A payment never started has nothing at a provider to lapse: it stays payable.
    const { payment: notStarted } = await requestTestPayment(platform(), { tenantId, guestEmail: null });
    await db()
      .update(payments)
      .set({ createdAt: sql`now() - interval '3 hours'` })
      .where(eq(payments.id, notStarted.id));
    await reconcilePayments({ services: platform().services, tenantId });
    expect((await paymentRow(platform(), notStarted.id)).state).toBe("created");
  });
});
