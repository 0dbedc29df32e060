import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../http/app-env.ts";
import { authorizeStaff, clientIp } from "../http/middleware.ts";
import { jsonBody as body, jsonResponse as json } from "../http/openapi.ts";
import { validationHook } from "../http/validation.ts";
import type { WebhookEventDefinition } from "../module.ts";
import { createWebhookEndpoint } from "./operations/create-webhook-endpoint.ts";
import { deleteWebhookEndpoint } from "./operations/delete-webhook-endpoint.ts";
import { findWebhookDeliveries, type WebhookDeliverySummary } from "./operations/find-webhook-deliveries.ts";
import { findWebhookEndpoints } from "./operations/find-webhook-endpoints.ts";
import { getWebhookDelivery } from "./operations/get-webhook-delivery.ts";
import { redeliverWebhook } from "./operations/redeliver-webhook.ts";
import { updateWebhookEndpoint } from "./operations/update-webhook-endpoint.ts";
import { deliveryStatuses, type WebhookDeliveryAttempt, type WebhookEndpoint } from "./schema.ts";

const VERB = "core.webhooks.manage";

const Bilingual = z.object({ ja: z.string(), en: z.string() });
const WebhookEventSchema = z.object({ name: z.string(), description: Bilingual }).openapi("WebhookEvent");
const EndpointSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string(),
    events: z.array(z.string()),
    active: z.boolean(),
    createdBy: z.uuid().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("WebhookEndpoint");
const DeliverySchema = z
  .object({
    id: z.uuid(),
    endpointId: z.uuid(),
    eventId: z.number().int(),
    event: z.string(),
    status: z.enum(deliveryStatuses),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("WebhookDelivery");
const AttemptSchema = z.object({
  attempt: z.number().int(),
  startedAt: z.string(),
  durationMs: z.number().int(),
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
  responseExcerpt: z.string().nullable(),
});

const presentEndpoint = (endpoint: WebhookEndpoint) => ({
  id: endpoint.id,
  url: endpoint.url,
  description: endpoint.description,
  events: endpoint.events,
  active: endpoint.active,
  createdBy: endpoint.createdBy,
  createdAt: endpoint.createdAt.toISOString(),
  updatedAt: endpoint.updatedAt.toISOString(),
});
const presentDelivery = (delivery: WebhookDeliverySummary) => ({
  id: delivery.id,
  endpointId: delivery.endpointId,
  eventId: delivery.eventId,
  event: delivery.eventName,
  status: delivery.status,
  attempts: delivery.attempts,
  lastStatusCode: delivery.lastStatusCode,
  lastError: delivery.lastError,
  nextAttemptAt: delivery.nextAttemptAt?.toISOString() ?? null,
  deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
  createdAt: delivery.createdAt.toISOString(),
});
const presentAttempt = (attempt: WebhookDeliveryAttempt) => ({
  attempt: attempt.attempt,
  startedAt: attempt.startedAt.toISOString(),
  durationMs: attempt.durationMs,
  statusCode: attempt.statusCode,
  error: attempt.error,
  responseExcerpt: attempt.responseExcerpt,
});

const forbidden = { description: "Only system administrators manage webhooks (denial audited)" };
const notFound = { description: "Not this city's, or no such thing" };

/**
 * The staff API at /staff/api/webhooks: a city's system administrators register their core systems'
 * endpoints, see the delivery log and send a delivery again. Built from the declared events so an
 * endpoint can only subscribe to events some manifest (or the core) offers.
 */
export function webhookStaffRoutes(events: readonly WebhookEventDefinition[]) {
  const names = new Set(events.map((event) => event.name));
  const EventName = z.string().superRefine((name, ctx) => {
    if (!names.has(name)) {
      ctx.addIssue({
        code: "custom",
        message: `Unknown event ${name}; see GET /staff/api/webhooks/events`,
        params: { ja: `「${name}」という通知イベントはありません` },
      });
    }
  });
  const EventNames = z.array(EventName).min(1).max(50);
  const Url = z.string().trim().min(1).max(2000);
  const Description = z.string().trim().max(200);

  const listEvents = createRoute({
    method: "get",
    path: "/events",
    tags: ["webhooks"],
    summary: "Events an endpoint may subscribe to",
    responses: { 200: json(z.object({ events: z.array(WebhookEventSchema) }), "Events"), 403: forbidden },
  });
  const listEndpoints = createRoute({
    method: "get",
    path: "/",
    tags: ["webhooks"],
    summary: "The city's webhook endpoints (secrets are never shown again)",
    responses: { 200: json(z.object({ endpoints: z.array(EndpointSchema) }), "Endpoints"), 403: forbidden },
  });
  const create = createRoute({
    method: "post",
    path: "/",
    tags: ["webhooks"],
    summary: "Register an endpoint; the signing secret is in this answer only",
    request: body(
      z.object({
        url: Url,
        description: Description.default(""),
        events: EventNames,
        active: z.boolean().default(true),
      }),
    ),
    responses: {
      201: json(z.object({ endpoint: EndpointSchema, secret: z.string() }), "Registered"),
      400: { description: "Invalid, not http(s), or a private address the install does not allow" },
      403: forbidden,
    },
  });
  const update = createRoute({
    method: "patch",
    path: "/{id}",
    tags: ["webhooks"],
    summary: "Change an endpoint, pause it (active: false) or rotate its secret",
    request: {
      params: z.object({ id: z.uuid() }),
      ...body(
        z.object({
          url: Url.optional(),
          description: Description.optional(),
          events: EventNames.optional(),
          active: z.boolean().optional(),
          rotateSecret: z.boolean().optional(),
        }),
      ),
    },
    responses: {
      200: json(
        z.object({ endpoint: EndpointSchema, secret: z.string().nullable() }),
        "Changed; secret is the new one when rotated",
      ),
      400: { description: "Invalid" },
      403: forbidden,
      404: notFound,
    },
  });
  const remove = createRoute({
    method: "delete",
    path: "/{id}",
    tags: ["webhooks"],
    summary: "Remove an endpoint and its delivery log (the audit log keeps the removal)",
    request: { params: z.object({ id: z.uuid() }) },
    responses: { 204: { description: "Removed" }, 403: forbidden, 404: notFound },
  });
  const listDeliveries = createRoute({
    method: "get",
    path: "/{id}/deliveries",
    tags: ["webhooks"],
    summary: "An endpoint's delivery log, newest first",
    request: {
      params: z.object({ id: z.uuid() }),
      query: z.object({
        status: z.enum(deliveryStatuses).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
    },
    responses: {
      200: json(z.object({ deliveries: z.array(DeliverySchema) }), "Deliveries"),
      403: forbidden,
      404: notFound,
    },
  });
  const getDelivery = createRoute({
    method: "get",
    path: "/deliveries/{deliveryId}",
    tags: ["webhooks"],
    summary: "One delivery with each attempt's outcome",
    request: { params: z.object({ deliveryId: z.uuid() }) },
    responses: {
      200: json(z.object({ delivery: DeliverySchema, attempts: z.array(AttemptSchema) }), "The delivery"),
      403: forbidden,
      404: notFound,
    },
  });
  const redeliver = createRoute({
    method: "post",
    path: "/deliveries/{deliveryId}/redeliver",
    tags: ["webhooks"],
    summary: "Send a delivery again now (same delivery id)",
    request: { params: z.object({ deliveryId: z.uuid() }) },
    responses: {
      202: json(z.object({ delivery: DeliverySchema }), "Queued"),
      403: forbidden,
      404: notFound,
      409: { description: "An attempt is in progress" },
    },
  });

  const common = async (c: Context<AppEnv>) => {
    const staff = await authorizeStaff(c, VERB);
    return {
      tenantId: c.var.tenant.id,
      actor: { type: "staff" as const, id: staff.id },
      requestId: c.var.requestId,
      ip: clientIp(c),
    };
  };

  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(listEvents, async (c) => {
      await authorizeStaff(c, VERB);
      return c.json({ events: events.map(({ name, description }) => ({ name, description })) }, 200);
    })
    .openapi(listEndpoints, async (c) => {
      await authorizeStaff(c, VERB);
      const found = await findWebhookEndpoints({ db: c.var.services.database.db, tenantId: c.var.tenant.id });
      return c.json({ endpoints: found.map(presentEndpoint) }, 200);
    })
    .openapi(create, async (c) => {
      const options = await common(c);
      const input = c.req.valid("json");
      const { endpoint, secret } = await c.var.services.database.db.transaction((tx) =>
        createWebhookEndpoint({
          tx,
          ...options,
          ...input,
          allowPrivateNetworks: c.var.services.config.webhooksAllowPrivateNetworks,
        }),
      );
      return c.json({ endpoint: presentEndpoint(endpoint), secret }, 201);
    })
    .openapi(update, async (c) => {
      const options = await common(c);
      const { endpoint, secret } = await c.var.services.database.db.transaction((tx) =>
        updateWebhookEndpoint({
          tx,
          ...options,
          endpointId: c.req.valid("param").id,
          changes: c.req.valid("json"),
          allowPrivateNetworks: c.var.services.config.webhooksAllowPrivateNetworks,
        }),
      );
      return c.json({ endpoint: presentEndpoint(endpoint), secret }, 200);
    })
    .openapi(remove, async (c) => {
      const options = await common(c);
      await c.var.services.database.db.transaction((tx) =>
        deleteWebhookEndpoint({ tx, ...options, endpointId: c.req.valid("param").id }),
      );
      return c.body(null, 204);
    })
    .openapi(listDeliveries, async (c) => {
      await authorizeStaff(c, VERB);
      const { status, limit } = c.req.valid("query");
      const found = await findWebhookDeliveries({
        db: c.var.services.database.db,
        tenantId: c.var.tenant.id,
        endpointId: c.req.valid("param").id,
        ...(status ? { status } : {}),
        limit,
      });
      return c.json({ deliveries: found.map(presentDelivery) }, 200);
    })
    .openapi(getDelivery, async (c) => {
      await authorizeStaff(c, VERB);
      const { delivery, attempts } = await getWebhookDelivery({
        db: c.var.services.database.db,
        tenantId: c.var.tenant.id,
        deliveryId: c.req.valid("param").deliveryId,
      });
      return c.json({ delivery: presentDelivery(delivery), attempts: attempts.map(presentAttempt) }, 200);
    })
    .openapi(redeliver, async (c) => {
      const options = await common(c);
      const { deliveryId } = c.req.valid("param");
      const db = c.var.services.database.db;
      await db.transaction((tx) => redeliverWebhook({ tx, ...options, deliveryId }));
      const { delivery } = await getWebhookDelivery({ db, tenantId: options.tenantId, deliveryId });
      return c.json({ delivery: presentDelivery(delivery) }, 202);
    });
}
