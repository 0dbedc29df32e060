import type { PaymentState } from "../payment-state.ts";

/** What a provider says about one of its payments, in our states. */
export type ProviderStatus = {
  state: PaymentState;
  failure?: { code: string; message: string } | undefined;
};

export type CreatePaymentRequest = {
  /** Yen, from the payment row. */
  amount: number;
  description: string;
  /** No personal data: it is shown in the provider's dashboard. */
  reference: string;
  /** Absolute URL the resident comes back to. */
  returnUrl: string;
  /** The same key always gives the same provider payment (derived from our payment id and attempt). */
  idempotencyKey: string;
};

export type RefundRequest = {
  providerPaymentId: string;
  amount: number;
  idempotencyKey: string;
  /** The charge's amount and what was refunded of it before this refund, for providers that refund by
   * lowering the charged amount: with them the target amount is fixed by the key, whatever retries do. */
  chargedAmount: number;
  refundedBefore: number;
};

/** One event from a verified webhook request. */
export type VerifiedWebhookEvent = {
  /** Unique per provider; a redelivery carries the same id. */
  providerEventId: string;
  providerPaymentId: string;
  /**
   * The state the body reports, when the body itself is authenticated (HMAC over it). null when the
   * request only proved it knows a shared secret: the state must then be fetched from the provider's API.
   */
  status: ProviderStatus | null;
};

/**
 * A payment service provider, as the payments module uses it. Implementations talk to their API with
 * fetch and hold no state between calls.
 */
export type PaymentProvider = {
  createPayment(request: CreatePaymentRequest): Promise<{ providerPaymentId: string; nextUrl: string }>;
  fetchPayment(providerPaymentId: string): Promise<ProviderStatus>;
  /** A refused refund throws ProviderRejectedError; "error" is a refund the provider accepted, then failed. */
  refund(
    request: RefundRequest,
  ): Promise<{ providerRefundId: string; state: "submitted" | "success" | "error" }>;
  /** Verified events of a webhook request, or a thrown WebhookRejectedError. */
  verifyWebhook(headers: Headers, rawBody: string): Promise<VerifiedWebhookEvent[]>;
  /** What the provider expects back from a webhook it delivered. */
  webhookAcknowledgement: Record<string, unknown>;
};

/** The provider could not be reached or answered 5xx: nothing is known, try again with the same key. */
export class ProviderUnavailableError extends Error {
  override name = "ProviderUnavailableError";
}

/** The provider refused the request (4xx): retrying the same request will not help. */
export class ProviderRejectedError extends Error {
  override name = "ProviderRejectedError";
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** A webhook request that cannot be trusted: 401 for a bad or missing signature, 400 for a malformed one. */
export class WebhookRejectedError extends Error {
  override name = "WebhookRejectedError";
  readonly status: 400 | 401;
  constructor(status: 400 | 401, message: string) {
    super(message);
    this.status = status;
  }
}

/** Calls fetch with a time limit, turning network failures and 5xx into ProviderUnavailableError. */
export async function callProvider(
  url: string,
  init: RequestInit & { timeoutMs: number },
): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs) });
  } catch (error) {
    throw new ProviderUnavailableError(`${url}: ${(error as Error).message}`);
  }
  const text = await response.text();
  if (response.status >= 500) {
    throw new ProviderUnavailableError(`${url}: HTTP ${response.status}`);
  }
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      throw new ProviderUnavailableError(`${url}: the answer is not JSON (HTTP ${response.status})`);
    }
  }
  return { status: response.status, body };
}
