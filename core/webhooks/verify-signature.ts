import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * What a city's system receiving tenohira webhooks implements (docs/webhooks.md). Self-contained on
 * purpose (node:crypto only) so it can be copied as is.
 *
 * The `Tenohira-Signature` header is `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, keyed by
 * the endpoint's secret. Sign and compare the raw bytes received, before any JSON parsing.
 */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

export type VerifyWebhookSignatureOptions = {
  secret: string;
  /** The Tenohira-Signature header. */
  header: string | null | undefined;
  /** The raw request body, exactly as received. */
  body: string;
  /** How old a signature may be, against replays of a captured request. Default 300 s. */
  toleranceSeconds?: number;
  /** Unix seconds; default now. */
  now?: number;
};

export type VerifyWebhookSignatureResult =
  | { ok: true; timestamp: number }
  | { ok: false; reason: "missing" | "malformed" | "expired" | "mismatch" };

/**
 * Checks a delivery's signature in constant time and refuses a timestamp outside the tolerance. A
 * receiver should also keep the Tenohira-Delivery ids it has processed: a delivery may arrive more than once.
 *
 * @example
 * const result = verifyWebhookSignature({ secret, header: req.headers["tenohira-signature"], body: rawBody });
 * if (!result.ok) { res.statusCode = 401; return res.end(); }
 */
export function verifyWebhookSignature({
  secret,
  header,
  body,
  toleranceSeconds = 300,
  now = Math.floor(Date.now() / 1000),
}: VerifyWebhookSignatureOptions): VerifyWebhookSignatureResult {
  if (!header) {
    return { ok: false, reason: "missing" };
  }
  const parts = header.split(",").map((part) => part.trim().split("="));
  const timestamp = Number(parts.find(([key]) => key === "t")?.[1]);
  // Several v1 values may come (e.g. while a secret is being rotated): one match is enough.
  const signatures = parts.filter(([key, value]) => key === "v1" && /^[0-9a-f]{64}$/.test(value ?? ""));
  if (!Number.isInteger(timestamp) || signatures.length === 0) {
    return { ok: false, reason: "malformed" };
  }
  if (Math.abs(now - timestamp) > toleranceSeconds) {
    return { ok: false, reason: "expired" };
  }
  const expected = Buffer.from(webhookSignature(secret, timestamp, body), "hex");
  const matches = signatures.some(([, value]) => timingSafeEqual(Buffer.from(value!, "hex"), expected));
  return matches ? { ok: true, timestamp } : { ok: false, reason: "mismatch" };
}
