import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../core/audit/actor.ts";
import { auditLog } from "../../core/audit/schema.ts";
import { domainEvents } from "../../core/events/schema.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import { startTestServer, type TestServer } from "../../core/testing/browser.ts";
import { cookieOf, type ResidentTestSession } from "../../core/testing/test-platform.ts";
import { paymentsOfSubject, requestPayment, totalsOf } from "./index.ts";
import { attempts, providerAccounts, refunds, testProviderPayments, transitions } from "./schema.ts";
import {
  demoTenantId,
  paymentRow,
  pressPay,
  requestTestPayment,
  testProviderRow,
} from "./testing/payment-fixtures.ts";

let server: TestServer;
let tenantId: string;
let taro: ResidentTestSession;
const platform = () => server.platform;
const db = () => server.platform.services.database.db;
const request = (path: string, init?: RequestInit) =>
  platform().request(path.startsWith("http") ? path : `${server.baseUrl}${path}`, init);

beforeAll(async () => {
  server = await startTestServer();
  tenantId = await demoTenantId(platform());
  // A second city on the same install, before the first request so the tenant cache knows it.
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
  taro = await platform().signInResident("taro@example.jp");
});
afterAll(() => server.close());

/** Pays at the test provider's page with a card, as the resident; returns the redirect back to the city. */
async function payAtProvider(
  nextUrl: string,
  session: { cookie: string; csrf?: string },
  card: string | "cancel",
) {
  const page = await request(nextUrl, { headers: { cookie: session.cookie } });
  expect(page.status).toBe(200);
  const body = new URLSearchParams(session.csrf ? { _csrf: session.csrf } : {});
  if (card === "cancel") {
    body.set("_action", "cancel");
  } else {
    body.set("_action", "pay");
    body.set("card", card);
  }
  const paid = await request(nextUrl, { method: "POST", headers: { cookie: session.cookie }, body });
  expect(paid.status).toBe(303);
  return paid.headers.get("location")!;
}

const eventsNamed = (name: string, paymentId: string) =>
  db()
    .select()
    .from(domainEvents)
    .where(eq(domainEvents.name, name))
    .then((rows) => rows.filter((row) => row.payload["paymentId"] === paymentId));

describe("requestPayment", () => {
  it("records a payment in state created, with its audit record and event, and calls no provider", async () => {
    const { payment, payPath } = await requestTestPayment(platform(), {
      tenantId,
      residentId: taro.residentId,
    });
    expect(payment).toMatchObject({
      state: "created",
      finished: false,
      amount: 600,
      currency: "JPY",
      provider: "test",
    });
    expect(payPath).toBe(`/payments/${payment.id}`);
    const audits = await db().select().from(auditLog).where(eq(auditLog.resourceId, payment.id));
    expect(audits.map((a) => a.action)).toEqual(["payments.payment.request"]);
    expect(await eventsNamed("payments.payment_requested", payment.id)).toHaveLength(1);
    expect(await db().select().from(attempts).where(eq(attempts.paymentId, payment.id))).toEqual([]);
  });

  it("refuses a bad amount or a return path off the site, writing nothing", async () => {
    const attempt = (amount: number, returnPath: string) =>
      db().transaction((tx) =>
        requestPayment({
          tx,
          tenantId,
          actor: systemActor,
          subject: { module: "forms", type: "application", id: "x" },
          caseId: null,
          residentId: null,
          guestEmail: null,
          amount,
          description: { ja: "手数料", en: "Fee" },
          reference: "REF",
          returnPath,
          locale: "ja",
        }),
      );
    await expect(attempt(0, "/ok")).rejects.toMatchObject({ status: 400 });
    await expect(attempt(1.5, "/ok")).rejects.toMatchObject({ status: 400 });
    await expect(attempt(100, "//evil.example/")).rejects.toMatchObject({
      status: 400,
      extra: { errors: [{ pointer: "/returnPath" }] },
    });
    expect(
      await paymentsOfSubject({
        db: db(),
        tenantId,
        subject: { module: "forms", type: "application", id: "x" },
      }),
    ).toEqual([]);
  });
});

describe("a resident pays", () => {
  it("pays by card at the test provider, sees the result and downloads the receipt", async () => {
    const { payment } = await requestTestPayment(platform(), { tenantId, residentId: taro.residentId });
    const page = await request(`/payments/${payment.id}`, { headers: { cookie: taro.cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("600円");
    expect(html).toContain("住民票の写しの交付手数料");
    expect(html).toContain(`action="/payments/${payment.id}/start"`);

    const started = await pressPay(request, payment.id, taro);
    expect(started.status).toBe(303);
    const nextUrl = started.headers.get("location")!;
    expect(nextUrl).toMatch(new RegExp(`^${server.baseUrl}/payments/test-provider/pay/`));
    expect((await paymentRow(platform(), payment.id)).state).toBe("started");

    const back = await payAtProvider(nextUrl, taro, "4242 4242 4242 4242");
    expect(back).toBe(`${server.baseUrl}/payments/${payment.id}/return`);
    const result = await request(back, { headers: { cookie: taro.cookie } });
    const resultHtml = await result.text();
    expect(result.status).toBe(200);
    expect(resultHtml).toContain("お支払いが完了しました");
    expect(resultHtml).toContain(`href="/payments/${payment.id}/receipt.pdf"`);
    expect(resultHtml).toContain('href="/forms/juminhyo"');

    const paid = await paymentRow(platform(), payment.id);
    expect(paid).toMatchObject({ state: "success", finished: true, attempt: 1 });
    expect(paid.succeededAt).not.toBeNull();
    expect(await eventsNamed("payments.payment_succeeded", payment.id)).toHaveLength(1);

    // The provider's webhooks (started, success) arrive after the return poll: stale, nothing changes.
    await platform().worker.drain();
    expect((await paymentRow(platform(), payment.id)).state).toBe("success");
    expect(await eventsNamed("payments.payment_succeeded", payment.id)).toHaveLength(1);
    const log = await db()
      .select()
      .from(transitions)
      .where(eq(transitions.paymentId, payment.id))
      .orderBy(asc(transitions.id));
    expect(log.map((t) => [t.fromState, t.toState, t.source])).toEqual([
      ["created", "started", "start"],
      ["started", "success", "return"],
    ]);

    const receipt = await request(`/payments/${payment.id}/receipt.pdf`, {
      headers: { cookie: taro.cookie },
    });
    expect(receipt.status).toBe(200);
    expect(receipt.headers.get("content-type")).toBe("application/pdf");
    expect(
      Buffer.from(await receipt.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");
  });

  it("takes the amount from the payment, whatever the form posts", async () => {
    const { payment } = await requestTestPayment(platform(), {
      tenantId,
      residentId: taro.residentId,
      amount: 1200,
    });
    const started = await pressPay(request, payment.id, taro, { amount: "1", price: "1" });
    expect(started.status).toBe(303);
    const atProvider = await testProviderRow(platform(), await paymentRow(platform(), payment.id));
    expect(atProvider.amount).toBe(1200);
  });

  it("counts a declined card as not paid, lets the resident try again, and totals only the success", async () => {
    const subjectId = crypto.randomUUID();
    const { payment } = await requestTestPayment(platform(), {
      tenantId,
      residentId: taro.residentId,
      subjectId,
    });
    const first = (await pressPay(request, payment.id, taro)).headers.get("location")!;
    const back = await payAtProvider(first, taro, "4000000000000002");
    const failedPage = await (await request(back, { headers: { cookie: taro.cookie } })).text();
    expect(failedPage).toContain("お支払いできませんでした");
    expect(failedPage).toContain("もう一度支払う");
    const failed = await paymentRow(platform(), payment.id);
    expect(failed).toMatchObject({ state: "failed", finished: true, failureCode: "card_declined" });
    expect(await eventsNamed("payments.payment_failed", payment.id)).toHaveLength(1);
    expect(
      totalsOf(
        await paymentsOfSubject({
          db: db(),
          tenantId,
          subject: { module: "forms", type: "application", id: subjectId },
        }),
      ),
    ).toEqual({
      paid: 0,
      refunded: 0,
      net: 0,
    });

    const second = (await pressPay(request, payment.id, taro)).headers.get("location")!;
    expect(second).not.toBe(first);
    await payAtProvider(second, taro, "4242424242424242");
    await request(back, { headers: { cookie: taro.cookie } });
    const paid = await paymentRow(platform(), payment.id);
    expect(paid).toMatchObject({ state: "success", attempt: 2, failureCode: null });
    expect(await db().select().from(attempts).where(eq(attempts.paymentId, payment.id))).toHaveLength(2);
    const ofSubject = await paymentsOfSubject({
      db: db(),
      tenantId,
      subject: { module: "forms", type: "application", id: subjectId },
    });
    expect(totalsOf(ofSubject)).toEqual({ paid: 600, refunded: 0, net: 600 });
  });

  it("treats cancelling at the provider as a failure the resident may retry", async () => {
    const { payment } = await requestTestPayment(platform(), { tenantId, residentId: taro.residentId });
    const nextUrl = (await pressPay(request, payment.id, taro)).headers.get("location")!;
    const back = await payAtProvider(nextUrl, taro, "cancel");
    const html = await (await request(back, { headers: { cookie: taro.cookie } })).text();
    expect(html).toContain("お支払いを中止しました");
    expect(await paymentRow(platform(), payment.id)).toMatchObject({
      state: "failed",
      failureCode: "cancelled_by_user",
    });
  });

  it("refuses a test card number it does not know, on the provider's page, with the error tied to the field", async () => {
    const { payment } = await requestTestPayment(platform(), { tenantId, residentId: taro.residentId });
    const nextUrl = (await pressPay(request, payment.id, taro)).headers.get("location")!;
    const answer = await request(nextUrl, {
      method: "POST",
      headers: { cookie: taro.cookie },
      body: new URLSearchParams({ _csrf: taro.csrf, _action: "pay", card: "1234" }),
    });
    expect(answer.status).toBe(400);
    const html = await answer.text();
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain("テスト用のカード番号");
  });

  it("refunds a second payment of a subject already paid, automatically, and totals it once", async () => {
    const subjectId = crypto.randomUUID();
    const one = await requestTestPayment(platform(), { tenantId, residentId: taro.residentId, subjectId });
    const two = await requestTestPayment(platform(), { tenantId, residentId: taro.residentId, subjectId });
    for (const { payment } of [one, two]) {
      const nextUrl = (await pressPay(request, payment.id, taro)).headers.get("location")!;
      const back = await payAtProvider(nextUrl, taro, "4242424242424242");
      await request(back, { headers: { cookie: taro.cookie } });
    }
    const [automatic] = await db().select().from(refunds).where(eq(refunds.paymentId, two.payment.id));
    expect(automatic).toMatchObject({ duplicate: true, amount: 600, state: "submitted", createdBy: null });
    await platform().worker.drain();
    const second = await paymentRow(platform(), two.payment.id);
    expect(second).toMatchObject({ state: "success", refundedAmount: 600 });
    expect((await testProviderRow(platform(), second)).refundedAmount).toBe(600);
    const audits = await db().select().from(auditLog).where(eq(auditLog.resourceId, two.payment.id));
    expect(audits.map((a) => a.action)).toContain("payments.refund.duplicate");
    const [refundedEvent] = await eventsNamed("payments.payment_refunded", two.payment.id);
    expect(refundedEvent!.payload).toMatchObject({ amount: 600, refundedTotal: 600, automatic: true });
    const ofSubject = await paymentsOfSubject({
      db: db(),
      tenantId,
      subject: { module: "forms", type: "application", id: subjectId },
    });
    expect(totalsOf(ofSubject)).toEqual({ paid: 1200, refunded: 600, net: 600 });
  });
});

describe("access", () => {
  it("opens a guest's payment with the pay link's secret, kept in a cookie, and nothing else", async () => {
    const { payment, payPath } = await requestTestPayment(platform(), {
      tenantId,
      guestEmail: "guest@example.jp",
    });
    expect(payPath).toMatch(new RegExp(`^/payments/${payment.id}\\?t=[A-Za-z0-9_-]{32}$`));
    expect((await request(`/payments/${payment.id}`)).status).toBe(404);
    expect((await request(`/payments/${payment.id}?t=wrong-token-wrong-token-wrong`)).status).toBe(404);
    const opened = await request(payPath);
    expect(opened.status).toBe(303);
    expect(opened.headers.get("location")).toBe(`/payments/${payment.id}`);
    const guest = { cookie: cookieOf(opened, `tenohira_pay_${payment.id.replaceAll("-", "")}`) };
    expect(opened.headers.get("set-cookie")).toContain(`Path=/payments/${payment.id}`);
    expect((await request(`/payments/${payment.id}`, { headers: guest })).status).toBe(200);
    // A signed-in resident who is not the guest sees nothing.
    expect((await request(`/payments/${payment.id}`, { headers: { cookie: taro.cookie } })).status).toBe(404);

    const nextUrl = (await pressPay(request, payment.id, guest)).headers.get("location")!;
    const back = await payAtProvider(nextUrl, guest, "4242424242424242");
    const result = await request(back, { headers: guest });
    expect(await result.text()).toContain("お支払いが完了しました");
    expect((await request(`/payments/${payment.id}/receipt.pdf`, { headers: guest })).status).toBe(200);
  });

  it("sends a signed-out visitor of a resident's payment to sign in, and hides it from other residents", async () => {
    const { payment } = await requestTestPayment(platform(), { tenantId, residentId: taro.residentId });
    const signedOut = await request(`/payments/${payment.id}`);
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get("location")).toContain("/sign-in");
    const hanako = await platform().signInResident("hanako@example.jp");
    expect((await request(`/payments/${payment.id}`, { headers: { cookie: hanako.cookie } })).status).toBe(
      404,
    );
    expect((await pressPay(request, payment.id, hanako)).status).toBe(404);
    expect(
      (await request(`/payments/${payment.id}/receipt.pdf`, { headers: { cookie: hanako.cookie } })).status,
    ).toBe(404);
  });

  it("gives no receipt before the payment succeeded", async () => {
    const { payment } = await requestTestPayment(platform(), { tenantId, residentId: taro.residentId });
    expect(
      (await request(`/payments/${payment.id}/receipt.pdf`, { headers: { cookie: taro.cookie } })).status,
    ).toBe(404);
  });

  it("keeps each city's payments to itself (another city's payment is 404)", async () => {
    const { payment, payPath } = await requestTestPayment(platform(), { tenantId, guestEmail: null });
    const otherHost = (path: string) => platform().request(`http://other.localhost${path}`);
    expect((await otherHost(payPath)).status).toBe(404);
    expect((await otherHost(`/payments/${payment.id}/receipt.pdf`)).status).toBe(404);
    const [otherCity] = await db().select().from(tenants).where(eq(tenants.slug, "other-city"));
    const theirs = await requestTestPayment(platform(), { tenantId: otherCity!.id });
    expect((await request(theirs.payPath)).status).toBe(404);
    // The test provider's page of one city does not open on another's site.
    const opened = await otherHost(theirs.payPath);
    const cookie = opened.headers.get("set-cookie")!.split(";")[0]!;
    const started = await platform().request(`http://other.localhost/payments/${theirs.payment.id}/start`, {
      method: "POST",
      headers: { cookie },
    });
    expect(started.status).toBe(303);
    const providerPath = new URL(started.headers.get("location")!).pathname;
    expect((await request(providerPath)).status).toBe(404);
    const [atProvider] = await db()
      .select()
      .from(testProviderPayments)
      .where(and(eq(testProviderPayments.tenantId, otherCity!.id)));
    expect(atProvider).toBeDefined();
  });
});
