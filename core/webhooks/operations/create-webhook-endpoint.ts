import { randomBytes } from "node:crypto";
import type { Actor } from "../../audit/actor.ts";
import type { Db } from "../../db/database.ts";
import { recordChange } from "../../events/record-change.ts";
import { problems } from "../../http/problem.ts";
import { checkEndpointUrl } from "../endpoint-url.ts";
import { type WebhookEndpoint, webhookEndpoints } from "../schema.ts";

export type CreateWebhookEndpointOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  url: string;
  description: string;
  /** Names of declared webhook events (checked by the route). */
  events: readonly string[];
  active?: boolean;
  allowPrivateNetworks: boolean;
  requestId?: string | null;
  ip?: string | null;
};

/** A new signing secret: 32 random bytes, prefixed so it is recognisable in a receiver's configuration. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

/** Refuses a URL the install may not send to, as a 400 naming the url field. */
export async function refuseBadUrl(url: string, allowPrivateNetworks: boolean): Promise<void> {
  const problem = await checkEndpointUrl(url, { allowPrivateNetworks });
  if (problem) {
    throw problems.invalidRequest([{ pointer: "/url", detail: problem.en, detailJa: problem.ja }]);
  }
}

/** Registers a city system's endpoint. The secret is returned this once; later reads never show it. */
export async function createWebhookEndpoint(
  options: CreateWebhookEndpointOptions,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const { tx, tenantId, actor } = options;
  await refuseBadUrl(options.url, options.allowPrivateNetworks);
  const secret = newWebhookSecret();
  const [endpoint] = await tx
    .insert(webhookEndpoints)
    .values({
      tenantId,
      url: options.url,
      description: options.description,
      secret,
      events: [...options.events],
      active: options.active ?? true,
      createdBy: actor.type === "staff" ? actor.id : null,
    })
    .returning();
  await recordChange(tx, {
    tenantId,
    actor,
    action: "core.webhook_endpoint.create",
    resource: { type: "webhook_endpoint", id: endpoint!.id },
    after: { url: endpoint!.url, events: endpoint!.events, active: endpoint!.active },
    requestId: options.requestId ?? null,
    ip: options.ip ?? null,
  });
  return { endpoint: endpoint!, secret };
}
