import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/http/app-env.ts";
import { problems } from "../../core/http/problem.ts";
import { validationHook } from "../../core/http/validation.ts";
import { boardOf, categoryWaits, loadOffice } from "./line.ts";
import { officeDay } from "./office-hours.ts";

const Bilingual = z.object({ ja: z.string(), en: z.string() });

const OfficeStatusSchema = z
  .object({
    office: z.object({ slug: z.string(), name: Bilingual }),
    open: z.boolean().openapi({ description: "Whether tickets are issued now" }),
    serviceDate: z.string().openapi({ description: "Today in Tokyo, YYYY-MM-DD" }),
    categories: z.array(
      z.object({
        prefix: z.string(),
        name: Bilingual,
        waiting: z.number().int().openapi({ description: "People waiting in this category" }),
        estimatedMinutes: z
          .number()
          .int()
          .openapi({ description: "About how long a ticket taken now waits" }),
      }),
    ),
    counters: z.array(
      z.object({
        number: z.number().int(),
        calling: z.string().nullable().openapi({ description: "The ticket number called to it now" }),
      }),
    ),
  })
  .openapi("QueueOfficeStatus");

const officeStatus = createRoute({
  method: "get",
  path: "/offices/{slug}/status",
  tags: ["queue"],
  summary: "People waiting and the estimated wait per category at an office, and what each counter calls",
  request: { params: z.object({ slug: z.string().regex(/^[a-z0-9-]{1,40}$/) }) },
  responses: {
    200: {
      description: "The office's line now",
      content: { "application/json": { schema: OfficeStatusSchema } },
    },
  },
});

export const queueApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(
  officeStatus,
  async (c) => {
    const db = c.var.services.database.db;
    const setup = await loadOffice(db, { tenantId: c.var.tenant.id, slug: c.req.valid("param").slug });
    if (!setup) {
      throw problems.notFound();
    }
    const day = officeDay(setup.office, c.var.tenant.settings, new Date());
    const waits = await categoryWaits(db, setup, day.date);
    const board = await boardOf(db, setup, day.date);
    c.header("cache-control", "no-store");
    return c.json(
      {
        office: { slug: setup.office.slug, name: { ja: setup.office.nameJa, en: setup.office.nameEn } },
        open: day.open,
        serviceDate: day.date,
        categories: waits.map((w) => ({
          prefix: w.category.prefix,
          name: { ja: w.category.nameJa, en: w.category.nameEn },
          waiting: w.waiting,
          estimatedMinutes: w.estimatedMinutes,
        })),
        counters: board.rows.map((row) => ({
          number: row.counter.number,
          calling: row.ticket?.displayNumber ?? null,
        })),
      },
      200,
    );
  },
);
