import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../http/app-env.ts";
import { authorizeStaff, authorizeStaffScope, clientIp, currentStaff } from "../http/middleware.ts";
import { jsonResponse as json } from "../http/openapi.ts";
import { problems } from "../http/problem.ts";
import { validationHook } from "../http/validation.ts";
import { staffRoles } from "./schema.ts";
import { clearSessionCookie } from "./session-cookie.ts";
import { changeStaffAccess } from "./staff/change-staff-access.ts";
import { endStaffSessions } from "./staff/end-staff-sessions.ts";
import { findStaff, type StaffListing } from "./staff/find-staff.ts";
import { grantStaffService } from "./staff/grant-staff-service.ts";
import { revokeStaffService } from "./staff/revoke-staff-service.ts";

const StaffMemberSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    displayName: z.string(),
    role: z.enum(staffRoles),
    departmentId: z.uuid().nullable(),
    disabled: z.boolean(),
    totpEnabled: z.boolean(),
    serviceIds: z.array(z.uuid()).openapi({ description: "Operators: the services granted to them" }),
    createdAt: z.string(),
  })
  .openapi("StaffMember");

function presentStaff(member: StaffListing) {
  return {
    id: member.id,
    email: member.email,
    displayName: member.displayName,
    role: member.role,
    departmentId: member.departmentId,
    disabled: member.disabledAt !== null,
    totpEnabled: member.totpEnabled,
    serviceIds: member.serviceIds,
    createdAt: member.createdAt.toISOString(),
  };
}

const StaffId = z.object({ id: z.uuid() });

const list = createRoute({
  method: "get",
  path: "/staff",
  tags: ["staff"],
  summary: "Staff accounts: all for administrators, a manager's department subtree otherwise",
  responses: { 200: json(z.object({ staff: z.array(StaffMemberSchema) }), "Staff") },
});

const change = createRoute({
  method: "patch",
  path: "/staff/{id}",
  tags: ["staff"],
  summary: "Change a member's role or department (audited with before and after)",
  request: {
    params: StaffId,
    body: {
      content: {
        "application/json": {
          schema: z
            .object({ role: z.enum(staffRoles).optional(), departmentId: z.uuid().nullable().optional() })
            .refine((b) => b.role !== undefined || b.departmentId !== undefined, {
              message: "Give role, departmentId or both",
            })
            .openapi("StaffAccessChange"),
        },
      },
      required: true,
    },
  },
  responses: {
    200: json(StaffMemberSchema, "Changed"),
    409: { description: "The last system administrator would be demoted" },
  },
});

const ServiceGrant = z.object({ id: z.uuid(), serviceId: z.uuid() });
const grantsBody = json(z.object({ serviceIds: z.array(z.uuid()) }), "The operator's services now");

const grant = createRoute({
  method: "put",
  path: "/staff/{id}/services/{serviceId}",
  tags: ["staff"],
  summary: "Grant an operator (委託事業者) one service",
  request: { params: ServiceGrant },
  responses: { 200: grantsBody, 409: { description: "The member is not an operator" } },
});

const revoke = createRoute({
  method: "delete",
  path: "/staff/{id}/services/{serviceId}",
  tags: ["staff"],
  summary: "Take a service away from an operator",
  request: { params: ServiceGrant },
  responses: { 200: grantsBody },
});

const endTheirs = createRoute({
  method: "delete",
  path: "/staff/{id}/sessions",
  tags: ["staff"],
  summary: "Sign a member out on every device",
  request: { params: StaffId },
  responses: { 200: json(z.object({ ended: z.number().int() }), "Sessions ended") },
});

const endMine = createRoute({
  method: "delete",
  path: "/sessions",
  tags: ["staff"],
  summary: "Sign out everywhere: end every session of the signed-in member, this one included",
  responses: { 204: { description: "Signed out everywhere" } },
});

/** Staff administration: who has which role, department and services, and their sessions. */
export const staffAdminRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(list, async (c) => {
    const { scope } = await authorizeStaffScope(c, "core.staff.read");
    const staff = await findStaff({ db: c.var.services.database.db, tenantId: c.var.tenant.id, scope });
    return c.json({ staff: staff.map(presentStaff) }, 200);
  })
  .openapi(change, async (c) => {
    const admin = await authorizeStaff(c, "core.staff.manage");
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const { db } = c.var.services.database;
    await db.transaction((tx) =>
      changeStaffAccess({
        tx,
        tenantId: c.var.tenant.id,
        actor: { type: "staff", id: admin.id },
        staffId: id,
        role: body.role,
        departmentId: body.departmentId,
        requestId: c.var.requestId,
        ip: clientIp(c),
      }),
    );
    const [member] = await findStaff({ db, tenantId: c.var.tenant.id, scope: { all: true }, staffId: id });
    if (!member) {
      throw problems.notFound();
    }
    return c.json(presentStaff(member), 200);
  })
  .openapi(grant, async (c) => {
    const admin = await authorizeStaff(c, "core.staff.manage");
    const { id, serviceId } = c.req.valid("param");
    const serviceIds = await c.var.services.database.db.transaction((tx) =>
      grantStaffService({
        tx,
        tenantId: c.var.tenant.id,
        actor: { type: "staff", id: admin.id },
        staffId: id,
        serviceId,
        requestId: c.var.requestId,
        ip: clientIp(c),
      }),
    );
    return c.json({ serviceIds }, 200);
  })
  .openapi(revoke, async (c) => {
    const admin = await authorizeStaff(c, "core.staff.manage");
    const { id, serviceId } = c.req.valid("param");
    const serviceIds = await c.var.services.database.db.transaction((tx) =>
      revokeStaffService({
        tx,
        tenantId: c.var.tenant.id,
        actor: { type: "staff", id: admin.id },
        staffId: id,
        serviceId,
        requestId: c.var.requestId,
        ip: clientIp(c),
      }),
    );
    return c.json({ serviceIds }, 200);
  })
  .openapi(endTheirs, async (c) => {
    const admin = await authorizeStaff(c, "core.staff.manage");
    const ended = await c.var.services.database.db.transaction((tx) =>
      endStaffSessions({
        tx,
        tenantId: c.var.tenant.id,
        actor: { type: "staff", id: admin.id },
        staffId: c.req.valid("param").id,
        requestId: c.var.requestId,
        ip: clientIp(c),
      }),
    );
    return c.json({ ended }, 200);
  })
  .openapi(endMine, async (c) => {
    const staff = await currentStaff(c);
    await c.var.services.database.db.transaction((tx) =>
      endStaffSessions({
        tx,
        tenantId: c.var.tenant.id,
        actor: { type: "staff", id: staff.id },
        staffId: staff.id,
        requestId: c.var.requestId,
        ip: clientIp(c),
      }),
    );
    clearSessionCookie(c);
    return c.body(null, 204);
  });
