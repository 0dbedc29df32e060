import { pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import type { AssuranceLevel } from "../../core/identity/assurance.ts";
import { departments } from "../../core/identity/schema.ts";
import { tenants } from "../../core/tenancy/schema.ts";

export const serviceChannels = ["online", "counter", "post", "convenience_store"] as const;
export type ServiceChannel = (typeof serviceChannels)[number];

export const catalogServices = pgTable("catalog_services", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: uuid("tenant_id")
    .notNull()
    .references(() => tenants.id),
  slug: text("slug").notNull(),
  nameJa: text("name_ja").notNull(),
  nameEn: text("name_en").notNull(),
  summaryJa: text("summary_ja").notNull().default(""),
  summaryEn: text("summary_en").notNull().default(""),
  departmentId: uuid("department_id").references(() => departments.id),
  channels: text("channels", { enum: serviceChannels }).array().notNull().default([]),
  status: text("status", { enum: ["draft", "published"] })
    .notNull()
    .default("draft"),
  /** What a resident needs to use the service online; a resident below it is walked through a step-up. */
  assuranceLevel: text("assurance_level").$type<AssuranceLevel>().notNull().default("none"),
  /** The page on this site where the procedure is done online, such as an application form. */
  onlinePath: text("online_path"),
  publishedAt: timestamp("published_at", { withTimezone: true }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type CatalogService = typeof catalogServices.$inferSelect;
