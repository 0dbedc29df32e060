import {
  bigserial,
  boolean,
  doublePrecision,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  uuid,
} from "drizzle-orm/pg-core";
import { actorTypes } from "../../core/audit/schema.ts";
import type { AreaGeometry } from "../../core/geo/geo.ts";
import { departments, residents, staffAccounts } from "../../core/identity/schema.ts";
import { storedFiles } from "../../core/storage/schema.ts";
import { tenantIdColumn, timestamptz } from "../../core/tenancy/schema.ts";

export const statusCategories = ["open", "closed", "fixed"] as const;
export type StatusCategory = (typeof statusCategories)[number];
/** The pin colour: received red, in_progress yellow, done green. */
export const reportStages = ["received", "in_progress", "done"] as const;
export type ReportStage = (typeof reportStages)[number];
export const reportChannels = ["web", "line", "phone", "patrol", "counter", "open311"] as const;
export type ReportChannel = (typeof reportChannels)[number];
export const publicLocations = ["exact", "coarse", "hidden"] as const;
export type PublicLocation = (typeof publicLocations)[number];
export const areaKinds = ["boundary", "machiaza", "polygon"] as const;
export type AreaKind = (typeof areaKinds)[number];
export const reportEntryKinds = [
  "received",
  "routed",
  "assigned",
  "status_changed",
  "reply",
  "note",
  "merged",
  "merged_from",
  "reopened",
  "hidden",
  "photo_published",
  "personal_data_deleted",
] as const;
export type ReportEntryKind = (typeof reportEntryKinds)[number];

export const reportStatuses = pgTable(
  "report_statuses",
  {
    tenantId: tenantIdColumn(),
    key: text("key").notNull(),
    labelJa: text("label_ja").notNull(),
    labelEn: text("label_en").notNull(),
    category: text("category", { enum: statusCategories }).notNull(),
    stage: text("stage", { enum: reportStages }).notNull(),
    isInitial: boolean("is_initial").notNull().default(false),
    sortOrder: integer("sort_order").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] })],
);
export type ReportStatus = typeof reportStatuses.$inferSelect;

export const reportAreas = pgTable("report_areas", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  kind: text("kind", { enum: areaKinds }).notNull(),
  code: text("code").notNull(),
  nameJa: text("name_ja").notNull(),
  nameEn: text("name_en").notNull(),
  geometry: jsonb("geometry").$type<AreaGeometry>().notNull(),
  minLat: doublePrecision("min_lat").notNull(),
  minLng: doublePrecision("min_lng").notNull(),
  maxLat: doublePrecision("max_lat").notNull(),
  maxLng: doublePrecision("max_lng").notNull(),
  areaM2: doublePrecision("area_m2").notNull(),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});
export type ReportArea = typeof reportAreas.$inferSelect;

export const reportCategories = pgTable("report_categories", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  code: text("code").notNull(),
  nameJa: text("name_ja").notNull(),
  nameEn: text("name_en").notNull(),
  descriptionJa: text("description_ja").notNull().default(""),
  descriptionEn: text("description_en").notNull().default(""),
  groupJa: text("group_ja").notNull().default(""),
  groupEn: text("group_en").notNull().default(""),
  formSlug: text("form_slug"),
  allowAnonymous: boolean("allow_anonymous").notNull().default(true),
  publicLocation: text("public_location", { enum: publicLocations }).notNull().default("exact"),
  coarsenMeters: integer("coarsen_meters").notNull().default(200),
  slaBusinessDays: integer("sla_business_days"),
  duplicateRadiusMeters: integer("duplicate_radius_meters").notNull().default(50),
  reopenDays: integer("reopen_days").notNull().default(14),
  /** Months after closing that the reporter's contact, e-mail followers and unpublished photos are kept. */
  retentionMonths: integer("retention_months").notNull().default(36),
  defaultDepartmentId: uuid("default_department_id").references(() => departments.id),
  active: boolean("active").notNull().default(true),
  sortOrder: integer("sort_order").notNull().default(0),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});
export type ReportCategory = typeof reportCategories.$inferSelect;

export const reportRoutingRules = pgTable("report_routing_rules", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  categoryId: uuid("category_id"),
  areaId: uuid("area_id"),
  departmentId: uuid("department_id")
    .notNull()
    .references(() => departments.id),
  note: text("note").notNull().default(""),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});
export type ReportRoutingRule = typeof reportRoutingRules.$inferSelect;

export const reportReplyTemplates = pgTable("report_reply_templates", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  title: text("title").notNull(),
  bodyJa: text("body_ja").notNull(),
  bodyEn: text("body_en").notNull(),
  statusKey: text("status_key"),
  sortOrder: integer("sort_order").notNull().default(0),
});
export type ReportReplyTemplate = typeof reportReplyTemplates.$inferSelect;

export const reports = pgTable("reports", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  reference: text("reference").notNull(),
  categoryId: uuid("category_id").notNull(),
  statusKey: text("status_key").notNull(),
  stage: text("stage", { enum: reportStages }).notNull(),
  statusCategory: text("status_category", { enum: statusCategories }).notNull(),
  lat: doublePrecision("lat").notNull(),
  lng: doublePrecision("lng").notNull(),
  publicLat: doublePrecision("public_lat"),
  publicLng: doublePrecision("public_lng"),
  publicTileX: integer("public_tile_x"),
  publicTileY: integer("public_tile_y"),
  address: text("address").notNull().default(""),
  areaId: uuid("area_id"),
  description: text("description").notNull(),
  answers: jsonb("answers").$type<Record<string, unknown>>().notNull().default({}),
  channel: text("channel", { enum: reportChannels }).notNull(),
  residentId: uuid("resident_id").references(() => residents.id, { onDelete: "set null" }),
  contactName: text("contact_name"),
  contactEmail: text("contact_email"),
  contactPhone: text("contact_phone"),
  anonymous: boolean("anonymous").notNull().default(false),
  departmentId: uuid("department_id").references(() => departments.id),
  assigneeStaffId: uuid("assignee_staff_id").references(() => staffAccounts.id),
  open311KeyId: uuid("open311_key_id"),
  enteredByStaffId: uuid("entered_by_staff_id").references(() => staffAccounts.id),
  mergedIntoId: uuid("merged_into_id"),
  hiddenByStaff: boolean("hidden_by_staff").notNull().default(false),
  receivedAt: timestamptz("received_at").notNull().defaultNow(),
  dueAt: timestamptz("due_at"),
  closedAt: timestamptz("closed_at"),
  /** When the retention job deleted the reporter's personal data (operations/delete-expired-personal-data.ts). */
  personalDataDeletedAt: timestamptz("personal_data_deleted_at"),
  updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  version: integer("version").notNull().default(1),
});
export type Report = typeof reports.$inferSelect;

export const reportPhotos = pgTable("report_photos", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  reportId: uuid("report_id").notNull(),
  fileId: uuid("file_id")
    .notNull()
    .references(() => storedFiles.id),
  position: integer("position").notNull(),
  public: boolean("public").notNull().default(false),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});
export type ReportPhoto = typeof reportPhotos.$inferSelect;

export const reportEntries = pgTable("report_entries", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  tenantId: tenantIdColumn(),
  reportId: uuid("report_id").notNull(),
  kind: text("kind", { enum: reportEntryKinds }).notNull(),
  actorType: text("actor_type", { enum: actorTypes }).notNull(),
  actorId: text("actor_id"),
  staffId: uuid("staff_id").references(() => staffAccounts.id),
  fromStatus: text("from_status"),
  toStatus: text("to_status"),
  body: text("body"),
  public: boolean("public").notNull(),
  data: jsonb("data").$type<Record<string, unknown>>(),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});
export type ReportEntry = typeof reportEntries.$inferSelect;

export const reportFollowers = pgTable("report_followers", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  reportId: uuid("report_id").notNull(),
  residentId: uuid("resident_id").references(() => residents.id, { onDelete: "cascade" }),
  email: text("email"),
  source: text("source", { enum: ["reporter", "follow", "merge"] }).notNull(),
  locale: text("locale", { enum: ["ja", "en"] })
    .notNull()
    .default("ja"),
  unsubscribeTokenHash: text("unsubscribe_token_hash"),
  /** When an e-mail follower confirmed the address by the mailed link; until then it gets no updates. */
  confirmedAt: timestamptz("confirmed_at"),
  /** SHA-256 (hex) of the pending confirmation link's secret. Residents need no confirmation: both stay null. */
  confirmTokenHash: text("confirm_token_hash"),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});
export type ReportFollower = typeof reportFollowers.$inferSelect;

export const reportApiKeys = pgTable("report_api_keys", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  name: text("name").notNull(),
  keyHash: text("key_hash").notNull(),
  keyPrefix: text("key_prefix").notNull(),
  createdByStaffId: uuid("created_by_staff_id").references(() => staffAccounts.id),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
  lastUsedAt: timestamptz("last_used_at"),
  revokedAt: timestamptz("revoked_at"),
});
export type ReportApiKey = typeof reportApiKeys.$inferSelect;

export const reportMapCells = pgTable(
  "report_map_cells",
  {
    tenantId: tenantIdColumn(),
    level: smallint("level").notNull(),
    cx: integer("cx").notNull(),
    cy: integer("cy").notNull(),
    categoryId: uuid("category_id").notNull(),
    stage: text("stage", { enum: reportStages }).notNull(),
    count: integer("count").notNull(),
    sumLat: doublePrecision("sum_lat").notNull(),
    sumLng: doublePrecision("sum_lng").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.level, t.cx, t.cy, t.categoryId, t.stage] })],
);

/** Zoom levels of the summary cells; must match the trigger in migrations/0003_map_cells_by_category.sql. */
export const MAP_CELL_LEVELS = [10, 13, 16] as const;
/** Tile zoom of public_tile_x / public_tile_y. */
export const TILE_ZOOM = 20;
