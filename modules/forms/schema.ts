import { integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { departments, residents, staffAccounts } from "../../core/identity/schema.ts";
import { storedFiles } from "../../core/storage/schema.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import type { Answers, ProvenanceMap } from "./definition/answers.ts";
import type { FormDefinition } from "./definition/form-definition.ts";

export const formStatuses = ["draft", "published", "unpublished"] as const;
export type FormStatus = (typeof formStatuses)[number];

export const forms = pgTable("forms_forms", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: uuid("tenant_id")
    .notNull()
    .references(() => tenants.id),
  departmentId: uuid("department_id").references(() => departments.id),
  slug: text("slug").notNull(),
  draft: jsonb("draft").$type<FormDefinition>().notNull(),
  draftUpdatedAt: timestamp("draft_updated_at", { withTimezone: true }).notNull().defaultNow(),
  draftUpdatedBy: uuid("draft_updated_by").references(() => staffAccounts.id),
  status: text("status", { enum: formStatuses }).notNull().default("draft"),
  currentVersionId: uuid("current_version_id"),
  copiedFromId: uuid("copied_from_id"),
  templateKey: text("template_key"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
export type Form = typeof forms.$inferSelect;

export const formVersions = pgTable("forms_versions", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: uuid("tenant_id")
    .notNull()
    .references(() => tenants.id),
  formId: uuid("form_id").notNull(),
  number: integer("number").notNull(),
  schemaVersion: integer("schema_version").notNull(),
  definition: jsonb("definition").$type<FormDefinition>().notNull(),
  contentHash: text("content_hash").notNull(),
  publishedBy: uuid("published_by").references(() => staffAccounts.id),
  publishedAt: timestamp("published_at", { withTimezone: true }).notNull().defaultNow(),
  appRelease: text("app_release").notNull(),
});
export type FormVersion = typeof formVersions.$inferSelect;

export const applicationChannels = ["web", "line", "counter", "paper", "phone"] as const;
export type ApplicationChannel = (typeof applicationChannels)[number];
/** awaiting_amount: 事後決済, staff have not set the amount yet. */
export const paymentStatuses = ["not_required", "awaiting_amount", "unpaid", "paid", "refunded"] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

export const applications = pgTable("forms_applications", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: uuid("tenant_id")
    .notNull()
    .references(() => tenants.id),
  formId: uuid("form_id").notNull(),
  formVersionId: uuid("form_version_id").notNull(),
  residentId: uuid("resident_id").references(() => residents.id, { onDelete: "set null" }),
  guestKeyHash: text("guest_key_hash"),
  guestEmail: text("guest_email"),
  resumeExpiresAt: timestamp("resume_expires_at", { withTimezone: true }),
  answers: jsonb("answers").$type<Answers>().notNull().default({}),
  provenance: jsonb("provenance").$type<ProvenanceMap>().notNull().default({}),
  currentPage: text("current_page"),
  completedPages: text("completed_pages").array().notNull().default([]),
  locale: text("locale", { enum: ["ja", "en"] }).notNull(),
  channel: text("channel", { enum: applicationChannels }).notNull().default("web"),
  referenceNumber: text("reference_number"),
  submitKey: text("submit_key"),
  feeAmount: integer("fee_amount"),
  paymentStatus: text("payment_status", { enum: paymentStatuses }).notNull().default("not_required"),
  receiptFileId: uuid("receipt_file_id").references(() => storedFiles.id),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  submittedAt: timestamp("submitted_at", { withTimezone: true }),
  /** The answers as last submitted: a correction in progress changes `answers` only. */
  submittedAnswers: jsonb("submitted_answers").$type<Answers>(),
  /** Last time a returned (差し戻し) application was corrected and submitted again. */
  resubmittedAt: timestamp("resubmitted_at", { withTimezone: true }),
  /** The staff member who entered an application taken on paper, by phone or at the counter. */
  enteredBy: uuid("entered_by").references(() => staffAccounts.id),
});
export type Application = typeof applications.$inferSelect;

export const attachments = pgTable("forms_attachments", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: uuid("tenant_id")
    .notNull()
    .references(() => tenants.id),
  applicationId: uuid("application_id")
    .notNull()
    .references(() => applications.id, { onDelete: "cascade" }),
  fieldKey: text("field_key").notNull(),
  fileId: uuid("file_id")
    .notNull()
    .references(() => storedFiles.id),
  scanResult: text("scan_result", { enum: ["clean", "not_scanned"] }).notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
export type Attachment = typeof attachments.$inferSelect;

export const postalCodes = pgTable("forms_postal_codes", {
  postalCode: text("postal_code").notNull(),
  prefecture: text("prefecture").notNull(),
  city: text("city").notNull(),
  town: text("town").notNull().default(""),
});
