import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../../core/http/app-env.ts";
import { csrfField, renderPage } from "../../core/http/layout.ts";
import { problems } from "../../core/http/problem.ts";
import { publicOrigin } from "../../core/http/public-origin.ts";
import { guestTokenOpens, openPayment, rememberGuestToken } from "./access.ts";
import { applyProviderStatus } from "./operations/apply-provider-status.ts";
import { handleWebhook } from "./operations/handle-webhook.ts";
import { renderPaymentReceipt } from "./operations/render-payment-receipt.ts";
import { startPayment } from "./operations/start-payment.ts";
import { paymentStateLabels } from "./payment-state.ts";
import { ProviderRejectedError, ProviderUnavailableError } from "./providers/provider.ts";
import { loadPaymentProvider } from "./providers/registry.ts";
import { testProviderPages } from "./providers/test-provider-pages.ts";
import { type Payment, payments, providerNames } from "./schema.ts";

const ID = "{[0-9a-f-]{36}}";

/** What the resident reads about the payment's state, and whether they can pay (again) from here. */
function stateNotice(payment: Payment): { key: string; action: "pay" | "continue" | "retry" | null } {
  switch (payment.state) {
    case "created":
      return { key: "payments.page.payHint", action: "pay" };
    case "started":
      return { key: "payments.page.inProgress", action: "continue" };
    case "submitted":
      return { key: "payments.page.checking", action: null };
    case "success":
      return { key: "payments.page.paid", action: null };
    case "failed":
      return {
        key:
          payment.failureCode === "cancelled_by_user"
            ? "payments.page.cancelledByUser"
            : "payments.page.failed",
        action: "retry",
      };
    case "expired":
      return { key: "payments.page.expired", action: "retry" };
    case "error":
      return { key: "payments.page.error", action: "retry" };
    case "cancelled":
      return { key: "payments.page.cancelled", action: null };
  }
}

function paymentView(c: Context<AppEnv>, payment: Payment, heading: string, status = 200) {
  const { t, lang } = c.var;
  const base = `/payments/${payment.id}`;
  const notice = stateNotice(payment);
  const description = lang === "ja" ? payment.descriptionJa : payment.descriptionEn;
  const amount = payment.amount.toLocaleString("ja-JP");
  const button = {
    pay: t("payments.page.pay"),
    continue: t("payments.page.continue"),
    retry: t("payments.page.retry"),
  };
  return renderPage(c, {
    title: `${heading} - ${description}`,
    status,
    body: html`<h1>${heading}</h1>
<dl class="summary">
<div><dt>${t("payments.page.description")}</dt><dd>${description}</dd></div>
<div><dt>${t("payments.page.amount")}</dt><dd class="fee">${t("payments.page.yen", { amount })}</dd></div>
<div><dt>${t("payments.page.reference")}</dt><dd>${payment.reference}</dd></div>
<div><dt>${t("payments.page.state")}</dt><dd>${paymentStateLabels[payment.state][lang]}</dd></div>
</dl>
${
  payment.state === "success"
    ? html`<div class="panel-done" role="status"><p>${t(notice.key)}</p>${
        payment.refundedAmount > 0
          ? html`<p>${t("payments.page.refunded", { amount: payment.refundedAmount.toLocaleString("ja-JP") })}</p>`
          : ""
      }</div>
<p class="button-row"><a class="button" href="${base}/receipt.pdf">${t("payments.page.receipt")}</a>
<a class="button button-secondary" href="${payment.returnPath}">${t("payments.page.back")}</a></p>`
    : html`<div class="notice" role="status"><p>${t(notice.key)}</p></div>
${
  notice.action
    ? html`<form method="post" action="${base}/start">${csrfField(c)}
<div class="button-row"><button type="submit">${button[notice.action]}</button></div></form>`
    : ""
}
<p><a href="${payment.returnPath}">${t("payments.page.back")}</a></p>`
}`,
  });
}

/** Asks the provider once about the current attempt, so the resident sees the result they just made. */
async function pollOnce(c: Context<AppEnv>, payment: Payment): Promise<Payment> {
  if (!payment.providerPaymentId || payment.state === "success" || payment.state === "cancelled") {
    return payment;
  }
  const db = c.var.services.database.db;
  try {
    const provider = await loadPaymentProvider(db, payment.tenantId, payment.provider);
    const status = await provider.fetchPayment(payment.providerPaymentId);
    const applied = await db.transaction((tx) =>
      applyProviderStatus({
        tx,
        tenantId: payment.tenantId,
        paymentId: payment.id,
        providerPaymentId: payment.providerPaymentId!,
        status,
        source: "return",
        requestId: c.var.requestId,
      }),
    );
    return applied.payment;
  } catch (error) {
    if (error instanceof ProviderUnavailableError || error instanceof ProviderRejectedError) {
      // The webhook or reconciliation will settle it; show what is known.
      c.var.services.logger.warn({ err: error, paymentId: payment.id }, "return poll failed");
      return payment;
    }
    throw error;
  }
}

export const paymentsPages = new Hono<AppEnv>()
  .route("/", testProviderPages)
  .get(`/payments/:id${ID}`, async (c) => {
    const token = c.req.query("t");
    if (token) {
      // A guest's pay link: keep the secret in a cookie and take it out of the address bar, so it never
      // travels on (history, the provider's Referer).
      const [payment] = await c.var.services.database.db
        .select()
        .from(payments)
        .where(and(eq(payments.id, c.req.param("id")), eq(payments.tenantId, c.var.tenant.id)));
      if (!payment || !guestTokenOpens(payment, token)) {
        throw problems.notFound();
      }
      rememberGuestToken(c, payment.id, token);
      return c.redirect(`/payments/${payment.id}`, 303);
    }
    const { payment } = await openPayment(c, c.req.param("id"));
    return paymentView(c, payment, c.var.t("payments.page.title"));
  })
  .post(`/payments/:id${ID}/start`, async (c) => {
    const { t } = c.var;
    const { payment, actor } = await openPayment(c, c.req.param("id"));
    // Whatever the form carried (an amount included), the amount is the payment row's.
    const started = await startPayment({
      services: c.var.services,
      tenantId: c.var.tenant.id,
      actor,
      paymentId: payment.id,
      origin: publicOrigin(c),
      requestId: c.var.requestId,
    });
    switch (started.outcome) {
      case "redirect":
        return c.redirect(started.nextUrl, 303);
      case "paid":
      case "not_startable":
        return c.redirect(`/payments/${payment.id}`, 303);
      case "unavailable":
        c.header("retry-after", "30");
        return renderPage(c, {
          title: t("payments.unavailable.title"),
          status: 503,
          body: html`<h1>${t("payments.unavailable.title")}</h1>
<div class="notice" role="alert"><p>${t("payments.unavailable.body")}</p></div>
<form method="post" action="/payments/${payment.id}/start">${csrfField(c)}
<div class="button-row"><button type="submit">${t("payments.unavailable.retry")}</button></div></form>
<p><a href="/payments/${payment.id}">${t("payments.unavailable.backToPayment")}</a></p>`,
        });
    }
  })
  .get(`/payments/:id${ID}/return`, async (c) => {
    const { payment } = await openPayment(c, c.req.param("id"));
    const current = await pollOnce(c, payment);
    return paymentView(c, current, c.var.t("payments.page.resultTitle"));
  })
  // Some providers (fincode) send the payer back with a POST from their site: answer with the page's URL.
  .post(`/payments/:id${ID}/return`, (c) => c.redirect(`/payments/${c.req.param("id")}/return`, 303))
  .get(`/payments/:id${ID}/receipt.pdf`, async (c) => {
    const { payment } = await openPayment(c, c.req.param("id"));
    const receipt = await renderPaymentReceipt({
      services: c.var.services,
      tenantId: c.var.tenant.id,
      paymentId: payment.id,
    });
    return c.body(receipt.bytes as Uint8Array<ArrayBuffer>, 200, {
      "content-type": "application/pdf",
      "content-disposition": `attachment; filename="${receipt.fileName}"`,
      "cache-control": "private, no-store",
    });
  })
  // Providers' webhooks: no session, so no CSRF token; the signature is checked over the raw body.
  .post(`/payments/webhooks/:provider{${providerNames.join("|")}}/:tenant{[a-z0-9-]{2,40}}`, async (c) => {
    const tenant = c.var.tenant;
    const named = c.req.param("tenant");
    if (named !== tenant.slug && named !== tenant.id) {
      return c.json({ error: "unknown city" }, 404);
    }
    const result = await handleWebhook({
      services: c.var.services,
      tenant,
      provider: c.req.param("provider") as (typeof providerNames)[number],
      headers: c.req.raw.headers,
      rawBody: await c.req.text(),
      requestId: c.var.requestId,
    });
    return c.json(result.body, result.status);
  });
