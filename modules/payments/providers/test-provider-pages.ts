import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../../../core/http/app-env.ts";
import { errorSummary, inputField } from "../../../core/http/forms.ts";
import { csrfField, renderPage } from "../../../core/http/layout.ts";
import { problems } from "../../../core/http/problem.ts";
import { type TestProviderPayment, testProviderPayments } from "../schema.ts";
import { expireLapsedTestPayments, moveTestPayment, testCards } from "./test-provider.ts";

const ID = "{[0-9a-f-]{36}}";

async function findTestPayment(c: Context<AppEnv>, id: string): Promise<TestProviderPayment> {
  const db = c.var.services.database.db;
  await expireLapsedTestPayments(db, c.var.tenant.id);
  const [payment] = await db
    .select()
    .from(testProviderPayments)
    .where(and(eq(testProviderPayments.id, id), eq(testProviderPayments.tenantId, c.var.tenant.id)));
  if (!payment) {
    throw problems.notFound();
  }
  return payment;
}

function cardPage(c: Context<AppEnv>, payment: TestProviderPayment, error: string | null, card = "") {
  const { t } = c.var;
  const amount = payment.amount.toLocaleString("ja-JP");
  const action = `/payments/test-provider/pay/${payment.id}`;
  const errors: Record<string, string> = error ? { card: error } : {};
  return renderPage(c, {
    title: `${error ? `${t("payments.test.errorPrefix")} ` : ""}${t("payments.test.title")}`,
    status: error ? 400 : 200,
    body: html`<h1>${t("payments.test.title")}</h1>
<div class="notice" role="note"><p>${t("payments.test.notice")}</p></div>
${errorSummary(t("payments.test.errorTitle"), errors)}
<dl class="summary">
<div><dt>${t("payments.test.payee")}</dt><dd>${payment.description}</dd></div>
<div><dt>${t("payments.page.reference")}</dt><dd>${payment.reference}</dd></div>
<div><dt>${t("payments.page.amount")}</dt><dd class="fee">${t("payments.page.yen", { amount })}</dd></div>
</dl>
<form method="post" action="${action}" novalidate>${csrfField(c)}
${inputField({
  name: "card",
  label: t("payments.test.cardNumber"),
  value: card,
  hint: t("payments.test.cardHint"),
  ...(error ? { error } : {}),
  autocomplete: "cc-number",
  inputmode: "numeric",
  required: true,
  maxlength: 23,
})}
<div class="button-row"><button type="submit" name="_action" value="pay">${t("payments.test.pay", { amount })}</button>
<button type="submit" name="_action" value="cancel" class="button-secondary">${t("payments.test.cancel")}</button></div>
</form>`,
  });
}

/**
 * The test provider's hosted payment page: what a PSP's card page does, without JavaScript. Opening it
 * starts the session; a test card number pays or is declined; cancel goes back. Each change is signed
 * and sent to the city as a webhook, and the payer is sent to the return URL.
 */
export const testProviderPages = new Hono<AppEnv>()
  .get(`/payments/test-provider/pay/:id${ID}`, async (c) => {
    const { t } = c.var;
    let payment = await findTestPayment(c, c.req.param("id"));
    if (payment.state === "created") {
      payment =
        (await moveTestPayment(c.var.services.database.db, {
          tenantId: payment.tenantId,
          id: payment.id,
          from: ["created"],
          to: "started",
        })) ?? payment;
    }
    if (payment.state !== "started") {
      return renderPage(c, {
        title: t("payments.test.title"),
        body: html`<h1>${t("payments.test.title")}</h1><p>${t("payments.test.finished")}</p>
<p><a href="${payment.returnUrl}">${t("payments.test.backToCity")}</a></p>`,
      });
    }
    return cardPage(c, payment, null);
  })
  .post(`/payments/test-provider/pay/:id${ID}`, async (c) => {
    const { t } = c.var;
    const payment = await findTestPayment(c, c.req.param("id"));
    if (payment.state !== "started" && payment.state !== "created") {
      return c.redirect(payment.returnUrl, 303);
    }
    const form = await c.req.parseBody();
    const db = c.var.services.database.db;
    const move = { tenantId: payment.tenantId, id: payment.id, from: ["created", "started"] as const };
    if (form["_action"] === "cancel") {
      await moveTestPayment(db, { ...move, to: "cancelled" });
      return c.redirect(payment.returnUrl, 303);
    }
    const entered = typeof form["card"] === "string" ? form["card"] : "";
    const card = entered.normalize("NFKC").replace(/[\s-]/g, "");
    if (card === testCards.success) {
      await moveTestPayment(db, { ...move, to: "success", cardLast4: card.slice(-4) });
    } else if (card === testCards.declined) {
      await moveTestPayment(db, {
        ...move,
        to: "failed",
        failure: { code: "card_declined", message: "The card was declined" },
        cardLast4: card.slice(-4),
      });
    } else {
      return cardPage(c, payment, t("payments.test.cardInvalid"), entered.slice(0, 23));
    }
    return c.redirect(payment.returnUrl, 303);
  });
