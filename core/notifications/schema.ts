import { integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { residents } from "../identity/schema.ts";
import { tenants } from "../tenancy/schema.ts";

export const notificationStatuses = [
  "created",
  "sending",
  "delivered",
  "temporary-failure",
  "permanent-failure",
] as const;
export type NotificationStatus = (typeof notificationStatuses)[number];

export const notificationTemplates = pgTable("notification_templates", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: uuid("tenant_id")
    .notNull()
    .references(() => tenants.id),
  key: text("key").notNull(),
  version: integer("version").notNull(),
  language: text("language", { enum: ["ja", "en"] }).notNull(),
  subject: text("subject").notNull(),
  body: text("body").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const notifications = pgTable("notifications", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: uuid("tenant_id")
    .notNull()
    .references(() => tenants.id),
  templateId: uuid("template_id")
    .notNull()
    .references(() => notificationTemplates.id),
  residentId: uuid("resident_id").references(() => residents.id),
  channel: text("channel", { enum: ["email", "inbox"] }).notNull(),
  recipient: text("recipient"),
  subject: text("subject").notNull(),
  body: text("body").notNull(),
  reference: text("reference"),
  status: text("status", { enum: notificationStatuses }).notNull().default("created"),
  statusDetail: text("status_detail"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  sentAt: timestamp("sent_at", { withTimezone: true }),
  readAt: timestamp("read_at", { withTimezone: true }),
});
