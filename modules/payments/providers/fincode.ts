import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { PaymentState } from "../payment-state.ts";
import {
  callProvider,
  type PaymentProvider,
  ProviderRejectedError,
  type ProviderStatus,
  WebhookRejectedError,
} from "./provider.ts";

// fincode by GMO (https://docs.fincode.jp), through its documented REST API: a redirect checkout
// session (POST /v1/sessions → link_url), the payment by order id (GET /v1/payments/{id}?pay_type=Card),
// refunds by cancelling (PUT …/cancel) or lowering the captured amount (PUT …/change). Requests carry
// the secret key as a Bearer token and an `idempotent_key` header. Field names follow fincode's official
// Node SDK (@fincode/node, src/types/*.ts).

export const FincodeSettings = z.object({
  /** https://api.fincode.jp in production, https://api.test.fincode.jp for the test environment. */
  apiBaseUrl: z.url().default("https://api.fincode.jp"),
  secretKey: z.string().min(1),
  /** Shown on fincode's payment page. */
  shopServiceName: z.string().max(50).optional(),
  /** For a platform shop acting for a tenant shop. */
  tenantShopId: z.string().optional(),
  timeoutMs: z.number().int().positive().default(10_000),
});
export type FincodeSettings = z.infer<typeof FincodeSettings>;

export const FINCODE_SIGNATURE_HEADER = "Fincode-Signature";
const SESSION_MINUTES = 90;

/** fincode order ids are at most 30 characters; ours follow from the idempotency key, so a retry reuses it. */
export function fincodeOrderId(idempotencyKey: string): string {
  return `t${createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 29)}`;
}

/** fincode dates are Japan time, "yyyy/MM/dd HH:mm:ss". */
function fincodeDate(at: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone: "Asia/Tokyo",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}/${parts.month}/${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

const FincodeErrors = z.object({
  errors: z.array(z.object({ error_code: z.string(), error_message: z.string().optional() })).min(1),
});
const FincodeSession = z.object({ id: z.string(), link_url: z.url() });
const FincodePayment = z.object({
  id: z.string(),
  access_id: z.string(),
  status: z.string(),
  amount: z.number().nullish(),
  error_code: z.string().nullish(),
});
const FincodeWebhook = z.object({ order_id: z.string().min(1), event: z.string().nullish() });

/**
 * A card payment's fincode status in our states. The city captures at once (job_code CAPTURE), so only
 * CAPTURED is money taken; AUTHORIZED or AUTHENTICATED mean the card check is under way.
 */
export function statusOfFincodePayment(status: string, errorCode?: string | null): ProviderStatus {
  const failure = errorCode ? { code: errorCode, message: `fincode error ${errorCode}` } : undefined;
  const states: Record<string, PaymentState> = {
    UNPROCESSED: "started",
    CHECKED: "submitted",
    AUTHENTICATED: "submitted",
    AUTHORIZED: "submitted",
    AWAITING_CUSTOMER_PAYMENT: "submitted",
    CAPTURED: "success",
    CANCELED: "cancelled",
    EXPIRED: "expired",
    FAILED: "failed",
  };
  const state = states[status] ?? "error";
  if (state === "started" && failure) {
    // Declined at execution: the payment stays UNPROCESSED with the card company's error code.
    return { state: "failed", failure };
  }
  return state === "failed" || state === "error"
    ? { state, failure: failure ?? { code: status, message: `fincode status ${status}` } }
    : { state };
}

function rejection(status: number, body: unknown): ProviderRejectedError {
  const parsed = FincodeErrors.safeParse(body);
  const first = parsed.success ? parsed.data.errors[0]! : { error_code: `http_${status}`, error_message: "" };
  return new ProviderRejectedError(first.error_code, first.error_message ?? `HTTP ${status}`);
}

export type FincodeContext = { settings: Record<string, unknown>; webhookSecret: string };

export function createFincodeProvider({ settings: raw, webhookSecret }: FincodeContext): PaymentProvider {
  const settings = FincodeSettings.parse(raw);
  const base = settings.apiBaseUrl.replace(/\/$/, "");
  const headers = (idempotencyKey?: string): Record<string, string> => ({
    authorization: `Bearer ${settings.secretKey}`,
    "content-type": "application/json;charset=UTF-8",
    ...(idempotencyKey ? { idempotent_key: idempotencyKey } : {}),
    ...(settings.tenantShopId ? { tenant_shop_id: settings.tenantShopId } : {}),
  });
  const call = (method: string, path: string, body?: unknown, idempotencyKey?: string) =>
    callProvider(`${base}${path}`, {
      method,
      headers: headers(idempotencyKey),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      timeoutMs: settings.timeoutMs,
    });

  async function getPayment(orderId: string) {
    const answer = await call("GET", `/v1/payments/${encodeURIComponent(orderId)}?pay_type=Card`);
    if (answer.status === 404) {
      return null;
    }
    if (answer.status !== 200) {
      throw rejection(answer.status, answer.body);
    }
    return FincodePayment.parse(answer.body);
  }

  return {
    webhookAcknowledgement: { receive: "0" },

    async createPayment({ amount, description, reference, returnUrl, idempotencyKey }) {
      const orderId = fincodeOrderId(idempotencyKey);
      const answer = await call(
        "POST",
        "/v1/sessions",
        {
          // fincode returns the payer by POST to both; the return page asks fincode which it was.
          success_url: returnUrl,
          cancel_url: returnUrl,
          expire: fincodeDate(new Date(Date.now() + SESSION_MINUTES * 60_000)),
          ...(settings.shopServiceName ? { shop_service_name: settings.shopServiceName } : {}),
          transaction: {
            pay_type: ["Card"],
            order_id: orderId,
            amount: String(amount),
            client_field_1: reference.slice(0, 100),
            client_field_2: description.slice(0, 100),
          },
          card: { job_code: "CAPTURE", tds_type: "2", tds2_type: "3" },
        },
        idempotencyKey,
      );
      if (answer.status !== 200) {
        throw rejection(answer.status, answer.body);
      }
      const session = FincodeSession.parse(answer.body);
      return { providerPaymentId: orderId, nextUrl: session.link_url };
    },

    async fetchPayment(orderId) {
      const payment = await getPayment(orderId);
      // Until the payer submits the card form, fincode has a session but no payment yet.
      return payment ? statusOfFincodePayment(payment.status, payment.error_code) : { state: "started" };
    },

    async refund({ providerPaymentId: orderId, amount, idempotencyKey, chargedAmount, refundedBefore }) {
      const payment = await getPayment(orderId);
      if (!payment) {
        throw new ProviderRejectedError("not_found", `fincode has no payment ${orderId}`);
      }
      const remaining = chargedAmount - refundedBefore - amount;
      if (remaining < 0) {
        throw new ProviderRejectedError("refund_exceeds_available", "More than what is left to refund");
      }
      // A full refund cancels the sale; a partial one lowers the captured amount to what is kept.
      const answer =
        remaining === 0
          ? await call(
              "PUT",
              `/v1/payments/${encodeURIComponent(orderId)}/cancel`,
              { pay_type: "Card", access_id: payment.access_id },
              idempotencyKey,
            )
          : await call(
              "PUT",
              `/v1/payments/${encodeURIComponent(orderId)}/change`,
              {
                pay_type: "Card",
                access_id: payment.access_id,
                job_code: "CAPTURE",
                amount: String(remaining),
              },
              idempotencyKey,
            );
      if (answer.status !== 200) {
        throw rejection(answer.status, answer.body);
      }
      return { providerRefundId: `${orderId}:${idempotencyKey}`, state: "success" };
    },

    async verifyWebhook(requestHeaders, rawBody) {
      // fincode sends back, verbatim, the signature value set on the webhook: a shared secret, not an
      // HMAC of the body. So compare it in constant time, and trust nothing in the body but the order id:
      // the state is always fetched from the API.
      const given = requestHeaders.get(FINCODE_SIGNATURE_HEADER);
      if (!given) {
        throw new WebhookRejectedError(401, `missing ${FINCODE_SIGNATURE_HEADER} header`);
      }
      const digest = (value: string) => createHash("sha256").update(value).digest();
      if (!timingSafeEqual(digest(given), digest(webhookSecret))) {
        throw new WebhookRejectedError(401, "signature does not match the webhook's secret");
      }
      let parsed: z.infer<typeof FincodeWebhook>;
      try {
        parsed = FincodeWebhook.parse(JSON.parse(rawBody));
      } catch {
        throw new WebhookRejectedError(400, "not a fincode payment notification");
      }
      return [
        {
          // fincode events carry no id of their own; a redelivery has the same body.
          providerEventId: `sha256:${createHash("sha256").update(rawBody).digest("hex")}`,
          providerPaymentId: parsed.order_id,
          status: null,
        },
      ];
    },
  };
}
