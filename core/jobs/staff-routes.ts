import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { and, desc, eq, isNull, or, sql } from "drizzle-orm";
import { recordAudit } from "../audit/record-audit.ts";
import type { AppEnv } from "../http/app-env.ts";
import { authorizeStaff, clientIp } from "../http/middleware.ts";
import { problems } from "../http/problem.ts";
import { validationHook } from "../http/validation.ts";
import { jobStatuses, jobs } from "./schema.ts";

const Job = z
  .object({
    id: z.number().int(),
    name: z.string(),
    status: z.enum(jobStatuses),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    lastError: z.string().nullable(),
    runAt: z.string(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi("Job");

const listJobs = createRoute({
  method: "get",
  path: "/",
  tags: ["staff"],
  summary: "Background jobs of this city (and system jobs), newest first",
  request: {
    query: z.object({
      status: z.enum(jobStatuses).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: {
    200: {
      description: "Jobs",
      content: { "application/json": { schema: z.object({ jobs: z.array(Job) }) } },
    },
  },
});

const retryJob = createRoute({
  method: "post",
  path: "/{id}/retry",
  tags: ["staff"],
  summary: "Put a dead-lettered job back in the queue",
  request: { params: z.object({ id: z.coerce.number().int().positive() }) },
  responses: { 200: { description: "Queued again", content: { "application/json": { schema: Job } } } },
});

const present = (row: typeof jobs.$inferSelect) => ({
  id: row.id,
  name: row.name,
  status: row.status,
  attempts: row.attempts,
  maxAttempts: row.maxAttempts,
  lastError: row.lastError,
  runAt: row.runAt.toISOString(),
  createdAt: row.createdAt.toISOString(),
  finishedAt: row.finishedAt?.toISOString() ?? null,
});

/** The dead-letter queue, visible to staff and retryable. Payloads are not shown: they may hold personal data. */
export const jobStaffRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(listJobs, async (c) => {
    await authorizeStaff(c, "core.jobs.read");
    const { status, limit } = c.req.valid("query");
    const tenantId = c.var.tenant.id;
    const rows = await c.var.services.database.db
      .select()
      .from(jobs)
      .where(
        and(
          or(eq(jobs.tenantId, tenantId), isNull(jobs.tenantId)),
          status ? eq(jobs.status, status) : undefined,
        ),
      )
      .orderBy(desc(jobs.id))
      .limit(limit);
    return c.json({ jobs: rows.map(present) }, 200);
  })
  .openapi(retryJob, async (c) => {
    const staff = await authorizeStaff(c, "core.jobs.retry");
    const { id } = c.req.valid("param");
    const row = await c.var.services.database.db.transaction(async (tx) => {
      const [updated] = await tx
        .update(jobs)
        .set({ status: "queued", attempts: 0, runAt: sql`now()`, finishedAt: null })
        .where(and(eq(jobs.id, id), eq(jobs.status, "dead"), eq(jobs.tenantId, c.var.tenant.id)))
        .returning();
      if (updated) {
        await recordAudit(tx, {
          tenantId: c.var.tenant.id,
          actor: { type: "staff", id: staff.id },
          action: "core.job.retry",
          resource: { type: "job", id: String(id) },
          requestId: c.var.requestId,
          ip: clientIp(c),
        });
      }
      return updated;
    });
    if (!row) {
      throw problems.notFound();
    }
    return c.json(present(row), 200);
  });
