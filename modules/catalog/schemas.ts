import { z } from "@hono/zod-openapi";
import { assuranceLevels } from "../../core/identity/assurance.ts";
import { serviceChannels } from "./schema.ts";

const Bilingual = z.object({ ja: z.string(), en: z.string() });

export const ServiceSchema = z
  .object({
    id: z.uuid(),
    slug: z.string(),
    name: Bilingual,
    summary: Bilingual,
    departmentId: z.uuid().nullable(),
    channels: z.array(z.enum(serviceChannels)),
    status: z.enum(["draft", "published"]),
    assuranceLevel: z.enum(assuranceLevels).openapi({
      description: "What a resident must prove to use it online: none < email < line < card",
    }),
    onlinePath: z
      .string()
      .nullable()
      .openapi({ description: "Where the procedure is done online on this site" }),
    publishedAt: z.string().nullable(),
  })
  .openapi("CatalogService");

export const CatalogServiceCreateSchema = z
  .object({
    slug: z.string().regex(/^[a-z0-9-]{2,60}$/, "lowercase letters, digits and hyphens, 2–60 characters"),
    nameJa: z.string().trim().min(1).max(120),
    nameEn: z.string().trim().min(1).max(120),
    summaryJa: z.string().max(2000).default(""),
    summaryEn: z.string().max(2000).default(""),
    departmentId: z.uuid().nullable().optional().openapi({
      description: "The owning department; omitted means the creator's own department",
    }),
    channels: z.array(z.enum(serviceChannels)).max(serviceChannels.length).default([]),
    assuranceLevel: z.enum(assuranceLevels).default("none"),
    onlinePath: z
      .string()
      .regex(/^\/[a-z0-9/_-]{1,200}$/, "a path on this site, like /forms/juminhyo")
      .nullable()
      .optional(),
  })
  .openapi("CatalogServiceCreate");
