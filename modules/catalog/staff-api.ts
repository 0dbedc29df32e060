import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../core/http/app-env.ts";
import {
  authorizeStaff,
  authorizeStaffOn,
  authorizeStaffScope,
  currentStaff,
} from "../../core/http/middleware.ts";
import { jsonResponse as json } from "../../core/http/openapi.ts";
import { validationHook } from "../../core/http/validation.ts";
import { createService } from "./operations/create-service.ts";
import { findServices } from "./operations/find-services.ts";
import { getService } from "./operations/get-service.ts";
import { publishService } from "./operations/publish-service.ts";
import { presentService } from "./presenters.ts";
import type { CatalogService } from "./schema.ts";
import { CatalogServiceCreateSchema, ServiceSchema } from "./schemas.ts";

const forbidden = { description: "Outside the member's departments or granted services (audited)" };

const listAll = createRoute({
  method: "get",
  path: "/services",
  tags: ["catalog"],
  summary: "Services the member may see, drafts included (administrators: all)",
  responses: { 200: json(z.object({ services: z.array(ServiceSchema) }), "Services") },
});

const getOne = createRoute({
  method: "get",
  path: "/services/{id}",
  tags: ["catalog"],
  summary: "One service, drafts included",
  request: { params: z.object({ id: z.uuid() }) },
  responses: { 200: json(ServiceSchema, "The service"), 403: forbidden, 404: { description: "Not found" } },
});

const create = createRoute({
  method: "post",
  path: "/services",
  tags: ["catalog"],
  summary: "Add a service as a draft, in a department the member may manage",
  request: {
    body: { content: { "application/json": { schema: CatalogServiceCreateSchema } }, required: true },
  },
  responses: {
    201: json(ServiceSchema, "Created"),
    403: forbidden,
    409: { description: "Slug already used" },
  },
});

const publish = createRoute({
  method: "post",
  path: "/services/{id}/publish",
  tags: ["catalog"],
  summary: "Publish a service to residents",
  request: { params: z.object({ id: z.uuid() }) },
  responses: { 200: json(ServiceSchema, "Published"), 403: forbidden, 404: { description: "Not found" } },
});

/** What the policy decides a service by: its department, and itself for operators named for it. */
const serviceResource = (service: CatalogService) => ({
  type: "catalog_service",
  id: service.id,
  departmentId: service.departmentId,
  serviceId: service.id,
});

/**
 * Authorises the role (so a member without the verb learns nothing about the id), loads the service (404 if
 * not this city's), then authorises the verb on it (403, audited).
 */
async function authorizedService(c: Context<AppEnv>, verb: string, serviceId: string) {
  await authorizeStaff(c, verb);
  const service = await getService({ db: c.var.services.database.db, tenantId: c.var.tenant.id, serviceId });
  const staff = await authorizeStaffOn(c, verb, serviceResource(service));
  return { staff, service };
}

// Each handler: validate (by the route), authorise (with the resource's department), run one operation, present.
export const catalogStaffApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(listAll, async (c) => {
    const { scope } = await authorizeStaffScope(c, "catalog.service.read");
    const services = await findServices({
      db: c.var.services.database.db,
      tenantId: c.var.tenant.id,
      publishedOnly: false,
      scope,
    });
    return c.json({ services: services.map(presentService) }, 200);
  })
  .openapi(getOne, async (c) => {
    const { service } = await authorizedService(c, "catalog.service.read", c.req.valid("param").id);
    return c.json(presentService(service), 200);
  })
  .openapi(create, async (c) => {
    const { departmentId, ...body } = c.req.valid("json");
    const member = await currentStaff(c);
    // Omitted means "my department"; an explicit null (no department) is for administrators.
    const owner = departmentId === undefined ? member.departmentId : departmentId;
    const staff = await authorizeStaffOn(c, "catalog.service.manage", {
      type: "catalog_service",
      id: null,
      departmentId: owner,
    });
    const service = await c.var.services.database.db.transaction((tx) =>
      createService({
        tx,
        tenantId: c.var.tenant.id,
        actor: { type: "staff", id: staff.id },
        requestId: c.var.requestId,
        departmentId: owner,
        ...body,
      }),
    );
    return c.json(presentService(service), 201);
  })
  .openapi(publish, async (c) => {
    const { staff } = await authorizedService(c, "catalog.service.publish", c.req.valid("param").id);
    const service = await c.var.services.database.db.transaction((tx) =>
      publishService({
        tx,
        tenantId: c.var.tenant.id,
        actor: { type: "staff", id: staff.id },
        serviceId: c.req.valid("param").id,
        requestId: c.var.requestId,
      }),
    );
    return c.json(presentService(service), 200);
  });
