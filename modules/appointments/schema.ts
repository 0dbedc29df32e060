import { boolean, date, integer, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { departments, residents, staffAccounts } from "../../core/identity/schema.ts";
import { tenantIdColumn, timestamptz } from "../../core/tenancy/schema.ts";

export const appointmentTypes = pgTable("appointments_types", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  slug: text("slug").notNull(),
  nameJa: text("name_ja").notNull(),
  nameEn: text("name_en").notNull(),
  descriptionJa: text("description_ja").notNull().default(""),
  descriptionEn: text("description_en").notNull().default(""),
  placeJa: text("place_ja").notNull().default(""),
  placeEn: text("place_en").notNull().default(""),
  departmentId: uuid("department_id")
    .notNull()
    .references(() => departments.id),
  durationMinutes: integer("duration_minutes").notNull(),
  capacityPerSlot: integer("capacity_per_slot").notNull(),
  leadBusinessDays: integer("lead_business_days").notNull().default(1),
  horizonDays: integer("horizon_days").notNull().default(60),
  maxActivePerPerson: integer("max_active_per_person").notNull().default(1),
  changeDeadlineBusinessDays: integer("change_deadline_business_days").notNull().default(1),
  preQuestionFormSlug: text("pre_question_form_slug"),
  active: boolean("active").notNull().default(true),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});
export type AppointmentType = typeof appointmentTypes.$inferSelect;

export const openingHours = pgTable("appointments_opening_hours", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  typeId: uuid("type_id").notNull(),
  weekday: integer("weekday").notNull(),
  opens: text("opens").notNull(),
  closes: text("closes").notNull(),
});
export type OpeningHours = typeof openingHours.$inferSelect;

export const closures = pgTable("appointments_closures", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  typeId: uuid("type_id"),
  date: date("date", { mode: "string" }).notNull(),
  reasonJa: text("reason_ja").notNull().default(""),
  reasonEn: text("reason_en").notNull().default(""),
});

export const slotCounters = pgTable("appointments_slot_counters", {
  tenantId: tenantIdColumn(),
  typeId: uuid("type_id").notNull(),
  startsAt: timestamptz("starts_at").notNull(),
  capacity: integer("capacity").notNull(),
  taken: integer("taken").notNull(),
});

export const appointmentStatuses = ["booked", "cancelled", "arrived", "no_show"] as const;
export type AppointmentStatus = (typeof appointmentStatuses)[number];
export const bookingChannels = ["web", "phone"] as const;
export type BookingChannel = (typeof bookingChannels)[number];

/** One pre-question answer as people read it, kept with the appointment. */
export type DisplayedAnswer = { label: { ja: string; en: string }; value: { ja: string; en: string } };

export const appointments = pgTable("appointments_appointments", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  typeId: uuid("type_id").notNull(),
  reference: text("reference").notNull(),
  startsAt: timestamptz("starts_at").notNull(),
  endsAt: timestamptz("ends_at").notNull(),
  status: text("status", { enum: appointmentStatuses }).notNull().default("booked"),
  channel: text("channel", { enum: bookingChannels }).notNull(),
  residentId: uuid("resident_id").references(() => residents.id, { onDelete: "set null" }),
  callerName: text("caller_name"),
  callerPhone: text("caller_phone"),
  bookedBy: uuid("booked_by").references(() => staffAccounts.id),
  locale: text("locale", { enum: ["ja", "en"] }).notNull(),
  formVersionId: uuid("form_version_id"),
  answers: jsonb("answers").$type<Record<string, unknown>>().notNull().default({}),
  answersDisplay: jsonb("answers_display").$type<DisplayedAnswer[]>().notNull().default([]),
  idempotencyKey: text("idempotency_key").notNull(),
  remindedAt: timestamptz("reminded_at"),
  cancelledAt: timestamptz("cancelled_at"),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
  updatedAt: timestamptz("updated_at").notNull().defaultNow(),
});
export type Appointment = typeof appointments.$inferSelect;
