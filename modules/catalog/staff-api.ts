import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/http/app-env.ts";
import { authorizeStaff } from "../../core/http/middleware.ts";
import { validationHook } from "../../core/http/validation.ts";
import { createService } from "./operations/create-service.ts";
import { findServices } from "./operations/find-services.ts";
import { publishService } from "./operations/publish-service.ts";
import { presentService } from "./presenters.ts";
import { CatalogServiceCreateSchema, ServiceSchema } from "./schemas.ts";

const json = (schema: z.ZodType, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

const listAll = createRoute({
  method: "get",
  path: "/services",
  tags: ["catalog"],
  summary: "All services, drafts included",
  responses: { 200: json(z.object({ services: z.array(ServiceSchema) }), "Services") },
});

const create = createRoute({
  method: "post",
  path: "/services",
  tags: ["catalog"],
  summary: "Add a service as a draft",
  request: {
    body: { content: { "application/json": { schema: CatalogServiceCreateSchema } }, required: true },
  },
  responses: { 201: json(ServiceSchema, "Created"), 409: { description: "Slug already used" } },
});

const publish = createRoute({
  method: "post",
  path: "/services/{id}/publish",
  tags: ["catalog"],
  summary: "Publish a service to residents",
  request: { params: z.object({ id: z.uuid() }) },
  responses: { 200: json(ServiceSchema, "Published") },
});

// Each handler: validate (by the route), authorise, run one operation, present.
export const catalogStaffApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(listAll, async (c) => {
    await authorizeStaff(c, "catalog.service.read");
    const services = await findServices({
      db: c.var.services.database.db,
      tenantId: c.var.tenant.id,
      publishedOnly: false,
    });
    return c.json({ services: services.map(presentService) }, 200);
  })
  .openapi(create, async (c) => {
    const staff = await authorizeStaff(c, "catalog.service.manage");
    const body = c.req.valid("json");
    const service = await c.var.services.database.db.transaction((tx) =>
      createService({
        tx,
        tenantId: c.var.tenant.id,
        actor: { type: "staff", id: staff.id },
        requestId: c.var.requestId,
        ...body,
      }),
    );
    return c.json(presentService(service), 201);
  })
  .openapi(publish, async (c) => {
    const staff = await authorizeStaff(c, "catalog.service.publish");
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
