import { char, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

export type TenantSettings = {
  /** Default language for pages and messages. */
  defaultLanguage?: "ja" | "en";
  /** Shown in the header and in e-mails. */
  contactPhone?: string;
  contactEmail?: string;
  /** 年末年始: days city hall is closed every year, as MM-DD. */
  yearEndClosure?: { from: string; to: string };
  /** A virtual waiting room for an announced rush moment (docs/waiting-room.md). */
  waitingRoom?: WaitingRoomSettings;
};

export type WaitingRoomSettings = {
  /** Path prefixes it guards, e.g. "/facilities" or "/api/facilities/bookings". */
  paths: string[];
  /** Visitors let in per second, in ticket order. */
  admitPerSecond: number;
  /** How many may go in at once while nobody waits; default admitPerSecond (at least 1). */
  burst?: number;
  /** How long an admission pass lasts. */
  passMinutes: number;
  /** The rush moment, ISO 8601; without them the room is always on. */
  from?: string;
  until?: string;
};

export const tenants = pgTable("tenants", {
  id: uuid("id").primaryKey().defaultRandom(),
  municipalityCode: char("municipality_code", { length: 6 }).notNull().unique(),
  slug: text("slug").notNull().unique(),
  nameJa: text("name_ja").notNull(),
  nameEn: text("name_en").notNull(),
  hosts: text("hosts").array().notNull().default([]),
  settings: jsonb("settings").$type<TenantSettings>().notNull().default({}),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export type Tenant = typeof tenants.$inferSelect;

/** The tenant_id column every tenant-owned table starts with. */
export const tenantIdColumn = () =>
  uuid("tenant_id")
    .notNull()
    .references(() => tenants.id);

/** A point in time, always with its time zone (stored as UTC, shown in Asia/Tokyo). */
export const timestamptz = (name: string) => timestamp(name, { withTimezone: true });
