import {
  bigserial,
  boolean,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { actorTypes } from "../audit/schema.ts";
import { departments, residents, staffAccounts } from "../identity/schema.ts";
import { tenantIdColumn } from "../tenancy/schema.ts";
import { caseStatuses } from "./status.ts";

/** How the application reached the city: online (web, LINE) or entered by staff (counter, paper, phone). */
export const caseChannels = ["web", "line", "counter", "paper", "phone"] as const;
export type CaseChannel = (typeof caseChannels)[number];

export const caseEntryKinds = [
  "opened",
  "status_changed",
  "assigned",
  "memo",
  "message_to_resident",
  "message_from_resident",
  "rated",
  "note",
] as const;
export type CaseEntryKind = (typeof caseEntryKinds)[number];

/** What the resident should do next, shown as a button on their case page. */
export type CaseNextAction = {
  kind: "correct" | "pay" | "collect";
  /** A path on this site, e.g. "/forms/juminhyo/a/<id>/correct". */
  href: string;
  label?: { ja: string; en: string };
};

/** Per service: its name for the queue's filters and its SLA; a row appears with the service's first case. */
export const caseServiceSettings = pgTable(
  "case_service_settings",
  {
    tenantId: tenantIdColumn(),
    serviceKey: text("service_key").notNull(),
    titleJa: text("title_ja").notNull(),
    titleEn: text("title_en").notNull(),
    slaBusinessDays: integer("sla_business_days"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.serviceKey] })],
);

export const cases = pgTable("cases", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  /** The module whose thing this case is about, e.g. "forms". */
  module: text("module").notNull(),
  subjectType: text("subject_type").notNull(),
  subjectId: text("subject_id").notNull(),
  reference: text("reference").notNull(),
  titleJa: text("title_ja").notNull(),
  titleEn: text("title_en").notNull(),
  serviceKey: text("service_key").notNull(),
  departmentId: uuid("department_id").references(() => departments.id),
  residentId: uuid("resident_id").references(() => residents.id, { onDelete: "set null" }),
  /** A guest's address for status messages when there is no resident account. */
  notifyEmail: text("notify_email"),
  locale: text("locale", { enum: ["ja", "en"] }).notNull(),
  channel: text("channel", { enum: caseChannels }).notNull(),
  status: text("status", { enum: caseStatuses }).notNull().default("received"),
  statusReason: text("status_reason"),
  assigneeStaffId: uuid("assignee_staff_id").references(() => staffAccounts.id),
  assigneeTeamId: uuid("assignee_team_id").references(() => departments.id),
  nextAction: jsonb("next_action").$type<CaseNextAction>(),
  receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  dueAt: timestamp("due_at", { withTimezone: true }),
  completedAt: timestamp("completed_at", { withTimezone: true }),
  searchText: text("search_text").notNull().default(""),
  searchBigrams: text("search_bigrams").array().notNull().default([]),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  version: integer("version").notNull().default(1),
});

export type Case = typeof cases.$inferSelect;

/** The case's history: append-only (a trigger refuses UPDATE and DELETE), ordered by id. */
export const caseEntries = pgTable("case_entries", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  tenantId: tenantIdColumn(),
  caseId: uuid("case_id")
    .notNull()
    .references(() => cases.id),
  kind: text("kind", { enum: caseEntryKinds }).notNull(),
  actorType: text("actor_type", { enum: actorTypes }).notNull(),
  actorId: text("actor_id"),
  staffId: uuid("staff_id").references(() => staffAccounts.id),
  fromStatus: text("from_status", { enum: caseStatuses }),
  toStatus: text("to_status", { enum: caseStatuses }),
  body: text("body"),
  visibleToResident: boolean("visible_to_resident").notNull(),
  data: jsonb("data").$type<Record<string, unknown>>(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export type CaseEntryRow = typeof caseEntries.$inferSelect;

/** The resident's satisfaction with a completed case (1–5), once per case. */
export const caseRatings = pgTable("case_ratings", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  caseId: uuid("case_id")
    .notNull()
    .unique()
    .references(() => cases.id),
  residentId: uuid("resident_id").references(() => residents.id, { onDelete: "set null" }),
  score: smallint("score").notNull(),
  comment: text("comment"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
