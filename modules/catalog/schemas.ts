import { z } from "@hono/zod-openapi";
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
    departmentId: z.uuid().nullable().default(null),
    channels: z.array(z.enum(serviceChannels)).max(serviceChannels.length).default([]),
  })
  .openapi("CatalogServiceCreate");
