import { pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { tenants } from "../tenancy/schema.ts";

export const departmentLevels = ["bu", "ka", "kakari"] as const;
export const staffRoles = ["system_admin", "department_manager", "staff", "read_only", "operator"] as const;
export type StaffRole = (typeof staffRoles)[number];

export const departments = pgTable("departments", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: uuid("tenant_id")
    .notNull()
    .references(() => tenants.id),
  parentId: uuid("parent_id"),
  code: text("code").notNull(),
  nameJa: text("name_ja").notNull(),
  nameEn: text("name_en").notNull(),
  level: text("level", { enum: departmentLevels }).notNull(),
});

export const staffAccounts = pgTable("staff_accounts", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: uuid("tenant_id")
    .notNull()
    .references(() => tenants.id),
  departmentId: uuid("department_id").references(() => departments.id),
  email: text("email").notNull(),
  displayName: text("display_name").notNull(),
  role: text("role", { enum: staffRoles }).notNull(),
  passwordHash: text("password_hash"),
  disabledAt: timestamp("disabled_at", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const residents = pgTable("residents", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: uuid("tenant_id")
    .notNull()
    .references(() => tenants.id),
  email: text("email"),
  displayName: text("display_name"),
  preferredLanguage: text("preferred_language", { enum: ["ja", "en"] })
    .notNull()
    .default("ja"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const sessions = pgTable("sessions", {
  idHash: text("id_hash").primaryKey(),
  tenantId: uuid("tenant_id")
    .notNull()
    .references(() => tenants.id),
  subjectType: text("subject_type", { enum: ["staff", "resident"] }).notNull(),
  subjectId: uuid("subject_id").notNull(),
  csrfToken: text("csrf_token").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  ip: text("ip"),
  userAgent: text("user_agent"),
});
