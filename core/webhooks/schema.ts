import {
  bigint,
  bigserial,
  boolean,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { staffAccounts } from "../identity/schema.ts";
import { tenants } from "../tenancy/schema.ts";

export const webhookEndpoints = pgTable("webhook_endpoints", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: uuid("tenant_id")
    .notNull()
    .references(() => tenants.id),
  url: text("url").notNull(),
  description: text("description").notNull().default(""),
  /** The HMAC key; shown to staff only when created or rotated. */
  secret: text("secret").notNull(),
  events: text("events").array().notNull(),
  active: boolean("active").notNull().default(true),
  createdBy: uuid("created_by").references(() => staffAccounts.id),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;

/**
 * pending: not tried yet (or queued again by a redelivery); failed: the last attempt failed and another is
 * scheduled at next_attempt_at; dead: no attempt is left; succeeded: the receiver answered 2xx.
 */
export const deliveryStatuses = ["pending", "succeeded", "failed", "dead"] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export const webhookDeliveries = pgTable("webhook_deliveries", {
  id: uuid("id").primaryKey(),
  tenantId: uuid("tenant_id")
    .notNull()
    .references(() => tenants.id),
  endpointId: uuid("endpoint_id")
    .notNull()
    .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
  eventId: bigint("event_id", { mode: "number" }).notNull(),
  eventName: text("event_name").notNull(),
  /** The JSON document sent (an object, so plain jsonb reads it back unchanged). */
  payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
  status: text("status", { enum: deliveryStatuses }).notNull().default("pending"),
  attempts: integer("attempts").notNull().default(0),
  lastStatusCode: integer("last_status_code"),
  lastError: text("last_error"),
  nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
  deliveredAt: timestamp("delivered_at", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;

export const webhookDeliveryAttempts = pgTable("webhook_delivery_attempts", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  tenantId: uuid("tenant_id")
    .notNull()
    .references(() => tenants.id),
  deliveryId: uuid("delivery_id")
    .notNull()
    .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
  attempt: integer("attempt").notNull(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
  durationMs: integer("duration_ms").notNull(),
  statusCode: integer("status_code"),
  error: text("error"),
  /** The first characters of the receiver's answer, to see why it refused. */
  responseExcerpt: text("response_excerpt"),
});
export type WebhookDeliveryAttempt = typeof webhookDeliveryAttempts.$inferSelect;
