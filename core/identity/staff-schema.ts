import { bigint, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { tenants } from "../tenancy/schema.ts";
import { staffAccounts } from "./schema.ts";

/**
 * The staff_accounts columns added by migration 0003. They are a separate view of the same table so the
 * account loaded with every session (schema.ts) never carries the TOTP secret. Being the same table, its
 * columns can be selected in a query `from(staffAccounts)` without a join.
 */
export const staffCredentials = pgTable("staff_accounts", {
  id: uuid("id").primaryKey(),
  tenantId: uuid("tenant_id").notNull(),
  totpSecret: text("totp_secret"),
  totpEnabledAt: timestamp("totp_enabled_at", { withTimezone: true }),
  totpLastStep: bigint("totp_last_step", { mode: "number" }),
  /** The subject of the staff identity provider, for single sign-on (unique per tenant). */
  ssoSubject: text("sso_subject"),
});

/** The only kind of grant so far: an operator named for one procedure of the catalog. */
export const grantResourceTypes = ["service"] as const;
export type GrantResourceType = (typeof grantResourceTypes)[number];

export const staffServiceGrants = pgTable(
  "staff_service_grants",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id),
    staffId: uuid("staff_id")
      .notNull()
      .references(() => staffAccounts.id, { onDelete: "cascade" }),
    resourceType: text("resource_type", { enum: grantResourceTypes }).notNull(),
    resourceId: uuid("resource_id").notNull(),
    grantedBy: uuid("granted_by").references(() => staffAccounts.id),
    grantedAt: timestamp("granted_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.staffId, t.resourceType, t.resourceId] })],
);

export type StaffServiceGrant = typeof staffServiceGrants.$inferSelect;
