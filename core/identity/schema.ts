import {
  bigint,
  boolean,
  customType,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { tenantIdColumn, tenants } from "../tenancy/schema.ts";
import type { AssuranceLevel } from "./assurance.ts";

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
  deletedAt: timestamp("deleted_at", { withTimezone: true }),
});

export type Resident = typeof residents.$inferSelect;

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
  assuranceLevel: text("assurance_level").$type<AssuranceLevel>(),
  authenticatedAt: timestamp("authenticated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * jsonb holding any JSON value. Both drivers already parse jsonb, and Drizzle's own jsonb would parse a
 * string value a second time ("9990019" became a number), so values pass through as the driver gives them.
 */
const jsonValue = customType<{ data: unknown; driverData: unknown }>({
  dataType: () => "jsonb",
  toDriver: (value) => JSON.stringify(value),
  fromDriver: (value) => value,
});
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => "bytea" });
const residentId = () =>
  uuid("resident_id")
    .notNull()
    .references(() => residents.id, { onDelete: "cascade" });

export const identityProviderKinds = ["line", "card"] as const;
export type ResidentProvider = (typeof identityProviderKinds)[number];

export const residentIdentities = pgTable(
  "resident_identities",
  {
    tenantId: tenantIdColumn(),
    residentId: residentId(),
    provider: text("provider", { enum: identityProviderKinds }).notNull(),
    subject: text("subject").notNull(),
    linkedAt: timestamp("linked_at", { withTimezone: true }).notNull().defaultNow(),
    lastVerifiedAt: timestamp("last_verified_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.provider, t.subject] })],
);

export const attributeSources = ["typed", "card_verified"] as const;
export type AttributeSource = (typeof attributeSources)[number];

export const residentAttributes = pgTable(
  "resident_attributes",
  {
    tenantId: tenantIdColumn(),
    residentId: residentId(),
    name: text("name").notNull(),
    value: jsonValue("value").notNull(),
    source: text("source", { enum: attributeSources }).notNull(),
    verifiedAt: timestamp("verified_at", { withTimezone: true }),
    verificationMethod: text("verification_method"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.residentId, t.name] })],
);

export const consentPurposes = ["service_delivery", "targeting"] as const;
export type ConsentPurpose = (typeof consentPurposes)[number];

export const residentConsents = pgTable("resident_consents", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  residentId: residentId(),
  attribute: text("attribute").notNull(),
  purpose: text("purpose", { enum: consentPurposes }).notNull(),
  grantedAt: timestamp("granted_at", { withTimezone: true }).notNull().defaultNow(),
  withdrawnAt: timestamp("withdrawn_at", { withTimezone: true }),
});

export const signInCodes = pgTable("sign_in_codes", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  email: text("email").notNull(),
  flowHash: text("flow_hash").notNull(),
  codeHash: text("code_hash").notNull(),
  attempts: integer("attempts").notNull().default(0),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  consumedAt: timestamp("consumed_at", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const authFlows = pgTable("auth_flows", {
  idHash: text("id_hash").primaryKey(),
  tenantId: tenantIdColumn(),
  kind: text("kind").notNull(),
  data: jsonb("data").$type<Record<string, unknown>>().notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const passkeyCredentials = pgTable("passkey_credentials", {
  id: text("id").primaryKey(),
  tenantId: tenantIdColumn(),
  residentId: residentId(),
  publicKey: bytea("public_key").notNull(),
  counter: bigint("counter", { mode: "number" }).notNull().default(0),
  transports: text("transports").array().notNull().default([]),
  deviceType: text("device_type"),
  backedUp: boolean("backed_up").notNull().default(false),
  label: text("label").notNull().default(""),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
});

export const providerKinds = ["line", "card", "staff"] as const;
export type ProviderKind = (typeof providerKinds)[number];

export const identityProviders = pgTable(
  "identity_providers",
  {
    tenantId: tenantIdColumn(),
    kind: text("kind", { enum: providerKinds }).notNull(),
    issuer: text("issuer").notNull(),
    clientId: text("client_id").notNull(),
    clientSecret: text("client_secret").notNull(),
    scopes: text("scopes").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.kind] })],
);

export type IdentityProvider = typeof identityProviders.$inferSelect;

export const rateLimits = pgTable("rate_limits", {
  key: text("key").primaryKey(),
  windowStartedAt: timestamp("window_started_at", { withTimezone: true }).notNull(),
  count: integer("count").notNull(),
});
