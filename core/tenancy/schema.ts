import { char, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

export type TenantSettings = {
  /** Default language for pages and messages. */
  defaultLanguage?: "ja" | "en";
  /** Shown in the header and in e-mails. */
  contactPhone?: string;
  contactEmail?: string;
  /** 年末年始: days city hall is closed every year, as MM-DD. */
  yearEndClosure?: { from: string; to: string };
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
