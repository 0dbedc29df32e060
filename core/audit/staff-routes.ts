import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { and, desc, eq, gte, lt, lte } from "drizzle-orm";
import type { AppEnv } from "../http/app-env.ts";
import { authorizeStaff, clientIp } from "../http/middleware.ts";
import { validationHook } from "../http/validation.ts";
import { recordAudit } from "./record-audit.ts";
import { auditLog } from "./schema.ts";

const AuditEntry = z
  .object({
    id: z.number().int(),
    occurredAt: z.string(),
    actorType: z.string(),
    actorId: z.string().nullable(),
    action: z.string(),
    resourceType: z.string(),
    resourceId: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    requestId: z.string().nullable(),
  })
  .openapi("AuditEntry");

const searchAudit = createRoute({
  method: "get",
  path: "/",
  tags: ["staff"],
  summary: "Search this city's audit log, newest first (keyset pagination with `before`)",
  request: {
    query: z.object({
      action: z.string().max(100).optional(),
      resourceType: z.string().max(100).optional(),
      resourceId: z.string().max(100).optional(),
      actorId: z.string().max(100).optional(),
      from: z.iso.datetime({ offset: true }).optional(),
      to: z.iso.datetime({ offset: true }).optional(),
      before: z.coerce.number().int().positive().optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
  },
  responses: {
    200: {
      description: "Entries",
      content: { "application/json": { schema: z.object({ entries: z.array(AuditEntry) }) } },
    },
  },
});

export const auditStaffRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(
  searchAudit,
  async (c) => {
    const staff = await authorizeStaff(c, "core.audit.read");
    const q = c.req.valid("query");
    const { db } = c.var.services.database;
    const rows = await db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.tenantId, c.var.tenant.id),
          q.action ? eq(auditLog.action, q.action) : undefined,
          q.resourceType ? eq(auditLog.resourceType, q.resourceType) : undefined,
          q.resourceId ? eq(auditLog.resourceId, q.resourceId) : undefined,
          q.actorId ? eq(auditLog.actorId, q.actorId) : undefined,
          q.from ? gte(auditLog.occurredAt, new Date(q.from)) : undefined,
          q.to ? lte(auditLog.occurredAt, new Date(q.to)) : undefined,
          q.before ? lt(auditLog.id, q.before) : undefined,
        ),
      )
      .orderBy(desc(auditLog.id))
      .limit(q.limit);
    // Reading the audit log reveals who looked at whom: that read is itself audited.
    await recordAudit(db, {
      tenantId: c.var.tenant.id,
      actor: { type: "staff", id: staff.id },
      action: "core.audit.search",
      resource: { type: "audit_log" },
      after: q,
      requestId: c.var.requestId,
      ip: clientIp(c),
    });
    return c.json(
      {
        entries: rows.map((row) => ({
          ...row,
          occurredAt: row.occurredAt.toISOString(),
          before: row.before,
          after: row.after,
        })),
      },
      200,
    );
  },
);
