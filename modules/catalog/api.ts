import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/http/app-env.ts";
import { validationHook } from "../../core/http/validation.ts";
import { findServices } from "./operations/find-services.ts";
import { presentService } from "./presenters.ts";
import { ServiceSchema } from "./schemas.ts";

const listPublished = createRoute({
  method: "get",
  path: "/services",
  tags: ["catalog"],
  summary: "Procedures this city offers",
  responses: {
    200: {
      description: "Published services",
      content: { "application/json": { schema: z.object({ services: z.array(ServiceSchema) }) } },
    },
  },
});

export const catalogApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(
  listPublished,
  async (c) => {
    const services = await findServices({
      db: c.var.services.database.db,
      tenantId: c.var.tenant.id,
      publishedOnly: true,
    });
    return c.json({ services: services.map(presentService) }, 200);
  },
);
