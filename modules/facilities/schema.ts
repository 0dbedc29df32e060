import {
  boolean,
  date,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  uuid,
} from "drizzle-orm/pg-core";
import { residents, staffAccounts } from "../../core/identity/schema.ts";
import { tenantIdColumn, tenants, timestamptz } from "../../core/tenancy/schema.ts";
import type { FacilityRules, UnitSchedule } from "./rules.ts";

export const facilityRules = pgTable("facilities_rules", {
  tenantId: uuid("tenant_id")
    .primaryKey()
    .references(() => tenants.id),
  rules: jsonb("rules").$type<FacilityRules>().notNull(),
  /** Set on every change: the parsed rules are cached by it (data.ts). */
  updatedAt: timestamptz("updated_at").notNull().defaultNow(),
});

/** 休館日が祝日に当たるとき: the next non-holiday day closes instead, the facility opens, or it stays closed. */
export const closedDayOnHolidayRules = ["next_day", "open", "closed"] as const;
export type ClosedDayOnHoliday = (typeof closedDayOnHolidayRules)[number];

export const facilities = pgTable("facilities_facilities", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  slug: text("slug").notNull(),
  nameJa: text("name_ja").notNull(),
  nameEn: text("name_en").notNull(),
  addressJa: text("address_ja").notNull().default(""),
  addressEn: text("address_en").notNull().default(""),
  ordinanceRef: text("ordinance_ref").notNull().default(""),
  weeklyClosedDay: smallint("weekly_closed_day"),
  /** What the weekly closed day does when it falls on a holiday (see calendar.ts closedReason). */
  closedDayOnHoliday: text("closed_day_on_holiday", { enum: closedDayOnHolidayRules })
    .notNull()
    .default("next_day"),
  yearEndClosure: jsonb("year_end_closure").$type<{ from: string; to: string } | null>(),
  sortOrder: integer("sort_order").notNull().default(0),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});
export type Facility = typeof facilities.$inferSelect;

export const facilityClosures = pgTable("facilities_closures", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  facilityId: uuid("facility_id").notNull(),
  fromDate: date("from_date", { mode: "string" }).notNull(),
  toDate: date("to_date", { mode: "string" }).notNull(),
  reasonJa: text("reason_ja").notNull().default(""),
  reasonEn: text("reason_en").notNull().default(""),
});
export type FacilityClosure = typeof facilityClosures.$inferSelect;

export const facilityUnits = pgTable("facilities_units", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  facilityId: uuid("facility_id").notNull(),
  nameJa: text("name_ja").notNull(),
  nameEn: text("name_en").notNull(),
  capacity: integer("capacity").notNull(),
  schedule: jsonb("schedule").$type<UnitSchedule>().notNull(),
  lockProvider: text("lock_provider").notNull().default("test"),
  sortOrder: integer("sort_order").notNull().default(0),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});
export type FacilityUnit = typeof facilityUnits.$inferSelect;

export const groupStatuses = ["pending", "approved", "rejected"] as const;

export const facilityGroups = pgTable("facilities_groups", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  name: text("name").notNull(),
  normalizedName: text("normalized_name").notNull(),
  representativeResidentId: uuid("representative_resident_id")
    .notNull()
    .references(() => residents.id),
  userCategory: text("user_category").notNull(),
  status: text("status", { enum: groupStatuses }).notNull().default("pending"),
  decidedBy: uuid("decided_by").references(() => staffAccounts.id),
  decidedAt: timestamptz("decided_at"),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});
export type FacilityGroup = typeof facilityGroups.$inferSelect;

export const bookingStatuses = ["held", "provisional", "confirmed", "cancelled", "expired"] as const;
export type BookingStatus = (typeof bookingStatuses)[number];
/** Statuses that occupy the slot (the exclusion constraint's WHERE). */
export const liveBookingStatuses: readonly BookingStatus[] = ["held", "provisional", "confirmed"];
export const bookingSources = ["resident", "lottery", "official_use"] as const;
/** `facility_change`: a closure or schedule change staff made fell on the booking (full refund, notice). */
export const cancelReasons = [
  "resident",
  "official_use",
  "lottery_released",
  "staff",
  "facility_change",
] as const;

export const bookings = pgTable("facilities_bookings", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  unitId: uuid("unit_id").notNull(),
  reference: text("reference").notNull(),
  residentId: uuid("resident_id").references(() => residents.id),
  groupId: uuid("group_id"),
  startsAt: timestamptz("starts_at").notNull(),
  endsAt: timestamptz("ends_at").notNull(),
  status: text("status", { enum: bookingStatuses }).notNull(),
  source: text("source", { enum: bookingSources }).notNull(),
  lotteryRoundId: uuid("lottery_round_id"),
  /** The round's first-come time: from then on the slot must not go back to the lottery. */
  lotteryReleaseAt: timestamptz("lottery_release_at"),
  userCategory: text("user_category"),
  admissionCharged: boolean("admission_charged").notNull().default(false),
  fee: integer("fee").notNull().default(0),
  purpose: text("purpose").notNull().default(""),
  idempotencyKey: text("idempotency_key"),
  confirmBy: timestamptz("confirm_by"),
  confirmedAt: timestamptz("confirmed_at"),
  cancelledAt: timestamptz("cancelled_at"),
  cancelReason: text("cancel_reason", { enum: cancelReasons }),
  refundAmount: integer("refund_amount"),
  noShowAt: timestamptz("no_show_at"),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
  updatedAt: timestamptz("updated_at").notNull().defaultNow(),
});
export type Booking = typeof bookings.$inferSelect;

export const penalties = pgTable("facilities_penalties", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  residentId: uuid("resident_id").references(() => residents.id),
  groupId: uuid("group_id"),
  bookingId: uuid("booking_id").notNull(),
  kind: text("kind", { enum: ["no_show", "late_cancel"] }).notNull(),
  points: numeric("points", { precision: 6, scale: 2, mode: "number" }).notNull(),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});

export const digitalKeys = pgTable("facilities_digital_keys", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  bookingId: uuid("booking_id").notNull(),
  unitId: uuid("unit_id").notNull(),
  pin: text("pin").notNull(),
  validFrom: timestamptz("valid_from").notNull(),
  validUntil: timestamptz("valid_until").notNull(),
  lockReference: text("lock_reference"),
  status: text("status", { enum: ["issued", "revoked"] })
    .notNull()
    .default("issued"),
  issuedAt: timestamptz("issued_at").notNull().defaultNow(),
  revokedAt: timestamptz("revoked_at"),
});
export type DigitalKey = typeof digitalKeys.$inferSelect;

export const testLockCodes = pgTable("facilities_test_lock_codes", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  unitId: uuid("unit_id").notNull(),
  pin: text("pin").notNull(),
  validFrom: timestamptz("valid_from").notNull(),
  validUntil: timestamptz("valid_until").notNull(),
  revokedAt: timestamptz("revoked_at"),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});

export const calendarFeeds = pgTable(
  "facilities_calendar_feeds",
  {
    tenantId: tenantIdColumn(),
    residentId: uuid("resident_id")
      .notNull()
      .references(() => residents.id),
    tokenHash: text("token_hash").notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.residentId] })],
);

export const residentCategories = pgTable(
  "facilities_resident_categories",
  {
    tenantId: tenantIdColumn(),
    residentId: uuid("resident_id")
      .notNull()
      .references(() => residents.id),
    userCategory: text("user_category").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.residentId] })],
);
