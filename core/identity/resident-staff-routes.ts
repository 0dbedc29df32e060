import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../http/app-env.ts";
import { authorizeStaff, clientIp } from "../http/middleware.ts";
import { jsonResponse as json } from "../http/openapi.ts";
import { validationHook } from "../http/validation.ts";
import type { Resident } from "./schema.ts";
import { type ResidentAttribute, readResident } from "./staff/read-resident.ts";
import { searchResidents } from "./staff/search-residents.ts";

const ResidentSummary = z
  .object({
    id: z.uuid(),
    email: z.string().nullable(),
    displayName: z.string().nullable(),
    preferredLanguage: z.enum(["ja", "en"]),
    createdAt: z.string(),
  })
  .openapi("StaffResidentSummary");

const ResidentDetail = ResidentSummary.extend({
  attributes: z.array(
    z.object({
      name: z.string(),
      value: z.unknown(),
      source: z.enum(["typed", "card_verified"]),
      verifiedAt: z.string().nullable(),
      verificationMethod: z.string().nullable(),
      updatedAt: z.string(),
    }),
  ),
}).openapi("StaffResidentDetail");

function presentResident(resident: Resident) {
  return {
    id: resident.id,
    email: resident.email,
    displayName: resident.displayName,
    preferredLanguage: resident.preferredLanguage,
    createdAt: resident.createdAt.toISOString(),
  };
}

function presentAttribute(attribute: ResidentAttribute) {
  return {
    name: attribute.name,
    value: attribute.value,
    source: attribute.source,
    verifiedAt: attribute.verifiedAt?.toISOString() ?? null,
    verificationMethod: attribute.verificationMethod,
    updatedAt: attribute.updatedAt.toISOString(),
  };
}

const search = createRoute({
  method: "get",
  path: "/",
  tags: ["staff"],
  summary: "Find residents by email (the search is audited)",
  request: { query: z.object({ email: z.string().trim().min(3).max(254) }) },
  responses: { 200: json(z.object({ residents: z.array(ResidentSummary) }), "Residents") },
});

const read = createRoute({
  method: "get",
  path: "/{id}",
  tags: ["staff"],
  summary: "A resident and their profile attributes (every read is audited)",
  request: { params: z.object({ id: z.uuid() }) },
  responses: { 200: json(ResidentDetail, "The resident"), 404: { description: "No such resident" } },
});

/** Staff reads of residents' personal data; operators (委託事業者) are not granted the verb. */
export const residentStaffRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(search, async (c) => {
    const staff = await authorizeStaff(c, "core.residents.read");
    const found = await c.var.services.database.db.transaction((tx) =>
      searchResidents({
        tx,
        tenantId: c.var.tenant.id,
        actor: { type: "staff", id: staff.id },
        email: c.req.valid("query").email,
        requestId: c.var.requestId,
        ip: clientIp(c),
      }),
    );
    return c.json({ residents: found.map(presentResident) }, 200);
  })
  .openapi(read, async (c) => {
    const staff = await authorizeStaff(c, "core.residents.read");
    const { resident, attributes } = await c.var.services.database.db.transaction((tx) =>
      readResident({
        tx,
        tenantId: c.var.tenant.id,
        actor: { type: "staff", id: staff.id },
        residentId: c.req.valid("param").id,
        requestId: c.var.requestId,
        ip: clientIp(c),
      }),
    );
    return c.json({ ...presentResident(resident), attributes: attributes.map(presentAttribute) }, 200);
  });
