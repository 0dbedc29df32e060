import { integer, jsonb, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { residents } from "../../core/identity/schema.ts";
import { tenantIdColumn, timestamptz } from "../../core/tenancy/schema.ts";
import type { PassedOver } from "./promotion-order.ts";
import type { PublishedDraw } from "./published-draw.ts";

export const roundStatuses = ["accepting", "drawn", "released"] as const;
export type RoundStatus = (typeof roundStatuses)[number];

export const rounds = pgTable("lottery_rounds", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  titleJa: text("title_ja").notNull(),
  titleEn: text("title_en").notNull(),
  applicationsOpenAt: timestamptz("applications_open_at").notNull(),
  applicationsCloseAt: timestamptz("applications_close_at").notNull(),
  drawAt: timestamptz("draw_at").notNull(),
  confirmBy: timestamptz("confirm_by").notNull(),
  firstComeAt: timestamptz("first_come_at").notNull(),
  maxEntriesPerApplicant: integer("max_entries_per_applicant").notNull(),
  maxWinsPerApplicant: integer("max_wins_per_applicant").notNull(),
  choicesPerEntry: integer("choices_per_entry").notNull(),
  priorityTiers: jsonb("priority_tiers").$type<string[][]>().notNull(),
  promotionConfirmDays: integer("promotion_confirm_days").notNull().default(3),
  seed: text("seed").notNull(),
  seedHash: text("seed_hash").notNull(),
  status: text("status", { enum: roundStatuses }).notNull().default("accepting"),
  publishedDraw: jsonb("published_draw").$type<PublishedDraw>(),
  drawnAt: timestamptz("drawn_at"),
  releasedAt: timestamptz("released_at"),
  createdBy: uuid("created_by"),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});
export type Round = typeof rounds.$inferSelect;

export const slots = pgTable("lottery_slots", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  roundId: uuid("round_id").notNull(),
  unitId: uuid("unit_id").notNull(),
  startsAt: timestamptz("starts_at").notNull(),
  endsAt: timestamptz("ends_at").notNull(),
  labelJa: text("label_ja").notNull(),
  labelEn: text("label_en").notNull(),
  bookingId: uuid("booking_id").notNull(),
});
export type LotterySlot = typeof slots.$inferSelect;

export const entries = pgTable("lottery_entries", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  roundId: uuid("round_id").notNull(),
  residentId: uuid("resident_id")
    .notNull()
    .references(() => residents.id),
  groupId: uuid("group_id"),
  applicantKey: text("applicant_key").notNull(),
  userCategory: text("user_category").notNull(),
  tier: integer("tier").notNull(),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});
export type Entry = typeof entries.$inferSelect;

export const choices = pgTable(
  "lottery_choices",
  {
    entryId: uuid("entry_id").notNull(),
    rank: integer("rank").notNull(),
    slotId: uuid("slot_id").notNull(),
  },
  (table) => [primaryKey({ columns: [table.entryId, table.rank] })],
);

export const winStatuses = ["awarded", "confirmed", "forfeited"] as const;
export type WinStatus = (typeof winStatuses)[number];

export const wins = pgTable("lottery_wins", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  roundId: uuid("round_id").notNull(),
  entryId: uuid("entry_id").notNull(),
  slotId: uuid("slot_id").notNull(),
  rank: integer("rank").notNull(),
  bookingId: uuid("booking_id").notNull(),
  bookingPath: text("booking_path").notNull(),
  status: text("status", { enum: winStatuses }).notNull().default("awarded"),
  updatedAt: timestamptz("updated_at").notNull().defaultNow(),
});
export type Win = typeof wins.$inferSelect;

/** 繰り上げ当選, append-only (a trigger refuses UPDATE and DELETE): what became of each win lost before the
 *  first-come time. */
export const promotions = pgTable("lottery_promotions", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  roundId: uuid("round_id").notNull(),
  seq: integer("seq").notNull(),
  slotId: uuid("slot_id").notNull(),
  vacatedWinId: uuid("vacated_win_id").notNull(),
  vacatedEntryId: uuid("vacated_entry_id").notNull(),
  reason: text("reason", { enum: ["expired", "cancelled"] }).notNull(),
  passedOver: jsonb("passed_over").$type<PassedOver[]>().notNull().default([]),
  promotedWinId: uuid("promoted_win_id"),
  promotedEntryId: uuid("promoted_entry_id"),
  drawStep: integer("draw_step"),
  confirmBy: timestamptz("confirm_by"),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});
export type Promotion = typeof promotions.$inferSelect;
