import { boolean, date, integer, jsonb, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { departments, residents } from "../../core/identity/schema.ts";
import { tenantIdColumn, timestamptz } from "../../core/tenancy/schema.ts";

/** Ticketing hours of one weekday, "HH:MM" in Tokyo time; null means closed that weekday. */
export type DayHours = { opens: string; closes: string } | null;

export const queueOffices = pgTable("queue_offices", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  slug: text("slug").notNull(),
  nameJa: text("name_ja").notNull(),
  nameEn: text("name_en").notNull(),
  departmentId: uuid("department_id").references(() => departments.id),
  /** Index 0 = Sunday … 6 = Saturday. */
  hours: jsonb("hours").$type<DayHours[]>().notNull(),
  closedOnHolidays: boolean("closed_on_holidays").notNull().default(true),
  notifyAhead: integer("notify_ahead").notNull().default(3),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});
export type QueueOffice = typeof queueOffices.$inferSelect;

export const queueCounters = pgTable("queue_counters", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  officeId: uuid("office_id").notNull(),
  number: integer("number").notNull(),
  /** Optional: empty names show as 窓口N. */
  nameJa: text("name_ja").notNull().default(""),
  nameEn: text("name_en").notNull().default(""),
  /** Set when staff removed it; the row stays for past tickets. */
  removedAt: timestamptz("removed_at"),
});
export type QueueCounter = typeof queueCounters.$inferSelect;

export const queueCategories = pgTable("queue_categories", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  officeId: uuid("office_id").notNull(),
  prefix: text("prefix").notNull(),
  nameJa: text("name_ja").notNull(),
  nameEn: text("name_en").notNull(),
  averageServiceMinutes: integer("average_service_minutes").notNull(),
  sortOrder: integer("sort_order").notNull().default(0),
  /** Set when staff removed it; the row stays for past tickets. */
  removedAt: timestamptz("removed_at"),
});
export type QueueCategory = typeof queueCategories.$inferSelect;

export const queueCounterCategories = pgTable(
  "queue_counter_categories",
  {
    tenantId: tenantIdColumn(),
    counterId: uuid("counter_id").notNull(),
    categoryId: uuid("category_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.counterId, t.categoryId] })],
);

export const queueDaySequences = pgTable(
  "queue_day_sequences",
  {
    tenantId: tenantIdColumn(),
    officeId: uuid("office_id").notNull(),
    serviceDate: date("service_date").notNull(),
    lastNumber: integer("last_number").notNull(),
  },
  (t) => [primaryKey({ columns: [t.officeId, t.serviceDate] })],
);

export const ticketStatuses = ["waiting", "called", "done", "skipped", "cancelled"] as const;
export type TicketStatus = (typeof ticketStatuses)[number];

export const queueTickets = pgTable("queue_tickets", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  officeId: uuid("office_id").notNull(),
  categoryId: uuid("category_id").notNull(),
  serviceDate: date("service_date").notNull(),
  number: integer("number").notNull(),
  displayNumber: text("display_number").notNull(),
  token: text("token").notNull(),
  origin: text("origin").notNull(),
  channel: text("channel", { enum: ["kiosk", "online"] }).notNull(),
  residentId: uuid("resident_id").references(() => residents.id, { onDelete: "set null" }),
  guestEmail: text("guest_email"),
  language: text("language", { enum: ["ja", "en"] }).notNull(),
  idempotencyKey: text("idempotency_key"),
  status: text("status", { enum: ticketStatuses }).notNull().default("waiting"),
  counterId: uuid("counter_id"),
  calledAt: timestamptz("called_at"),
  callCount: integer("call_count").notNull().default(0),
  finishedAt: timestamptz("finished_at"),
  nearNotifiedAt: timestamptz("near_notified_at"),
  calledNotifiedAt: timestamptz("called_notified_at"),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
  updatedAt: timestamptz("updated_at").notNull().defaultNow(),
});
export type QueueTicket = typeof queueTickets.$inferSelect;
