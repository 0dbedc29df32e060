import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { WebhookRejectedError } from "./provider.ts";

// The test provider's webhook signature, Stripe-style: an HMAC-SHA256 over the timestamp and the exact
// body, with a time window against replays.

export const TEST_SIGNATURE_HEADER = "Tenohira-Test-Signature";
/** Signed webhooks older or newer than this are refused as possible replays. */
export const TEST_SIGNATURE_TOLERANCE_SECONDS = 300;
/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export function signTestWebhook(secret: string, body: string, nowSeconds: number): string {
  const mac = createHmac("sha256", secret).update(`${nowSeconds}.${body}`).digest("hex");
  return `t=${nowSeconds},v1=${mac}`;
}

/** Throws WebhookRejectedError(401) unless the header signs this exact body, recently, with the secret. */
export function verifyTestSignature(
  header: string | null,
  body: string,
  secret: string,
  nowSeconds: number,
): void {
  if (!header) {
    throw new WebhookRejectedError(401, `missing ${TEST_SIGNATURE_HEADER} header`);
  }
  const parts = new Map(
    header.split(",").map((part) => {
      const at = part.indexOf("=");
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const t = Number(parts.get("t"));
  const given = parts.get("v1") ?? "";
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(given)) {
    throw new WebhookRejectedError(401, "malformed signature header");
  }
  if (Math.abs(nowSeconds - t) > TEST_SIGNATURE_TOLERANCE_SECONDS) {
    throw new WebhookRejectedError(401, "signature timestamp outside the 5-minute window (replay?)");
  }
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  if (!timingSafeEqual(expected, Buffer.from(given, "hex"))) {
    throw new WebhookRejectedError(401, "signature does not match the body");
  }
}

export const TestWebhookBody = z.object({
  id: z.string().min(1).max(100),
  type: z.string(),
  created: z.string(),
  data: z.object({
    payment_id: z.uuid(),
    state: z.enum(["created", "started", "success", "failed", "cancelled", "expired"]),
    failure: z.object({ code: z.string(), message: z.string() }).nullable(),
  }),
});
export type TestWebhookBody = z.infer<typeof TestWebhookBody>;
