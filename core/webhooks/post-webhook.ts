import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { guardedLookup, isPublicAddress } from "./endpoint-url.ts";
import { webhookSignature } from "./verify-signature.ts";

export const WEBHOOK_TIMEOUT_MS = 10_000;
const EXCERPT_CHARACTERS = 500;

export type PostWebhookOptions = {
  url: string;
  secret: string;
  deliveryId: string;
  eventName: string;
  body: string;
  allowPrivateNetworks: boolean;
  timeoutMs?: number;
  /** Unix seconds for the signature; default now. */
  timestamp?: number;
};

export type PostWebhookResult = {
  /** True for a 2xx answer. */
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
  durationMs: number;
};

/**
 * One signed POST. Redirects are not followed (a 3xx is a failure): following one could lead past the
 * address check to an internal host. Private addresses are refused at connection time unless allowed.
 */
export async function postWebhook(options: PostWebhookOptions): Promise<PostWebhookResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const url = new URL(options.url);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!options.allowPrivateNetworks && isIP(host) && !isPublicAddress(host)) {
    return failure(`${host} is not a public address`, elapsed());
  }
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = webhookSignature(options.secret, timestamp, options.body);
  const request = url.protocol === "https:" ? https.request : http.request;
  return new Promise<PostWebhookResult>((resolve) => {
    const outgoing = request(
      url,
      {
        method: "POST",
        agent: false,
        signal: AbortSignal.timeout(options.timeoutMs ?? WEBHOOK_TIMEOUT_MS),
        ...(options.allowPrivateNetworks ? {} : { lookup: guardedLookup }),
        headers: {
          "content-type": "application/json; charset=utf-8",
          "content-length": Buffer.byteLength(options.body),
          "user-agent": "tenohira-webhooks/1",
          "tenohira-event": options.eventName,
          "tenohira-delivery": options.deliveryId,
          "tenohira-signature": `t=${timestamp},v1=${signature}`,
        },
      },
      (response) => {
        let excerpt = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          if (excerpt.length < EXCERPT_CHARACTERS) {
            excerpt += chunk;
          }
        });
        response.on("end", () => {
          const statusCode = response.statusCode ?? 0;
          const ok = statusCode >= 200 && statusCode < 300;
          resolve({
            ok,
            statusCode,
            error: ok ? null : `HTTP ${statusCode}`,
            responseExcerpt: excerpt.slice(0, EXCERPT_CHARACTERS) || null,
            durationMs: elapsed(),
          });
        });
        response.on("error", (error) => resolve(failure(error.message, elapsed(), statusCodeOf(response))));
      },
    );
    outgoing.on("error", (error) =>
      resolve(failure(error.name === "AbortError" ? "timed out" : error.message, elapsed())),
    );
    outgoing.end(options.body);
  });
}

const statusCodeOf = (response: http.IncomingMessage) => response.statusCode ?? null;

function failure(error: string, durationMs: number, statusCode: number | null = null): PostWebhookResult {
  return { ok: false, statusCode, error, responseExcerpt: null, durationMs };
}
