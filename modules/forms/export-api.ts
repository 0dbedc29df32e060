import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { unrepresentableProblem } from "../../core/exports/unrepresentable-problem.ts";
import type { AppEnv } from "../../core/http/app-env.ts";
import { contentDisposition } from "../../core/http/content-disposition.ts";
import { authorizeStaff, authorizeStaffOn, clientIp, type StaffMember } from "../../core/http/middleware.ts";
import { jsonResponse as json } from "../../core/http/openapi.ts";
import { validationHook } from "../../core/http/validation.ts";
import type { PermissionDefinition } from "../../core/module.ts";
import { exportApplications, exportFormats } from "./export/operations/export-applications.ts";
import { decodeCursor, findSubmittedApplications } from "./export/operations/find-submitted-applications.ts";
import { listApplicationExports } from "./export/operations/list-application-exports.ts";
import { formOwner } from "./staff/form-owner.ts";

const EXPORT_VERB = "forms.application.export";

/** Declared in the forms manifest: exporting applications copies residents' personal data out. */
export const applicationExportPermission: PermissionDefinition = {
  verb: EXPORT_VERB,
  roles: ["department_manager"],
  scope: "department",
  description: {
    ja: "申請データを書き出す（CSV・Excel・JSON、記録されます）",
    en: "Export applications (CSV, Excel, JSON; recorded)",
  },
};

const Bilingual = z.object({ ja: z.string(), en: z.string().nullable() });
const ColumnSchema = z.object({ key: z.string(), header: z.string() });
const ExportFileSchema = z
  .object({
    fileKey: z.string(),
    versions: z.array(z.number().int()),
    title: Bilingual,
    columns: z.array(ColumnSchema),
    applicationCount: z.number().int(),
    firstSubmittedAt: z.string().nullable(),
    lastSubmittedAt: z.string().nullable(),
  })
  .openapi("FormsExportFile");
const AnswerEntrySchema = z
  .object({
    key: z.string(),
    type: z.string(),
    label: Bilingual,
    value: z.unknown(),
    text: z.string().nullable(),
    provenance: z.unknown(),
    items: z.array(z.record(z.string(), z.unknown())).optional(),
  })
  .openapi("FormsAnswerEntry");
const SubmittedApplicationSchema = z
  .object({
    applicationId: z.uuid(),
    referenceNumber: z.string(),
    form: z.object({ id: z.uuid(), slug: z.string(), title: Bilingual, version: z.number().int() }),
    submittedAt: z.string(),
    channel: z.string(),
    locale: z.enum(["ja", "en"]),
    fee: z.number().int().nullable(),
    paymentStatus: z.string(),
    answers: z.record(z.string(), AnswerEntrySchema),
  })
  .openapi("FormsSubmittedApplication");

const forbidden = {
  description:
    "The role lacks forms.application.export, or the form is outside the member's departments (audited)",
};
const notFound = { description: "Not this city's form, or no such file" };

const listExports = createRoute({
  method: "get",
  path: "/forms/{id}/exports",
  tags: ["forms"],
  summary: "A form's export files: a new file wherever the columns change between versions",
  request: { params: z.object({ id: z.uuid() }) },
  responses: {
    200: json(z.object({ formId: z.uuid(), slug: z.string(), files: z.array(ExportFileSchema) }), "Files"),
    403: forbidden,
    404: notFound,
  },
});

const download = createRoute({
  method: "get",
  path: "/forms/{id}/exports/{fileKey}",
  tags: ["forms"],
  summary: "Download one export file of submitted applications (audited)",
  request: {
    params: z.object({ id: z.uuid(), fileKey: z.string().regex(/^v\d{1,6}$/) }),
    query: z.object({
      format: z.enum(exportFormats).default("csv"),
      encoding: z.enum(["utf-8", "cp932"]).default("utf-8"),
      onUnrepresentable: z.enum(["refuse", "replace"]).default("refuse"),
    }),
  },
  responses: {
    200: { description: "The file (text/csv, XLSX or JSON), named after the form" },
    403: forbidden,
    404: notFound,
    422: { description: "CP932 cannot hold some characters: each listed by row, column and code point" },
  },
});

const feed = createRoute({
  method: "get",
  path: "/forms/{id}/applications.json",
  tags: ["forms"],
  summary: "Submitted applications for a core system, oldest first; follow nextCursor (audited when any)",
  request: {
    params: z.object({ id: z.uuid() }),
    query: z.object({
      since: z.iso.datetime({ offset: true }).optional(),
      cursor: z
        .string()
        .max(200)
        .optional()
        .superRefine((value, ctx) => {
          if (value !== undefined && decodeCursor(value) === null) {
            ctx.addIssue({
              code: "custom",
              message: "Not a cursor this API gave out",
              params: { ja: "このAPIが返したカーソルではありません" },
            });
          }
        }),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
  },
  responses: {
    200: json(
      z.object({
        applications: z.array(SubmittedApplicationSchema),
        nextCursor: z.string().nullable(),
        hasMore: z.boolean(),
      }),
      "Applications",
    ),
    400: { description: "Bad since, cursor or limit" },
    403: forbidden,
    404: notFound,
  },
});

/** The role first (a member without the verb learns nothing about the id), then the form's department. */
async function authorizeExport(c: Context<AppEnv>, formId: string): Promise<StaffMember> {
  await authorizeStaff(c, EXPORT_VERB);
  const owner = await formOwner({ db: c.var.services.database.db, tenantId: c.var.tenant.id, formId });
  return authorizeStaffOn(c, EXPORT_VERB, {
    type: "forms_form",
    id: owner.formId,
    departmentId: owner.departmentId,
  });
}

/**
 * Exports of applications, mounted inside the forms staff API (/staff/api/forms): files per set of
 * columns as CSV (UTF-8 with BOM, or CP932), XLSX or JSON, and a JSON feed for core systems (基幹系).
 */
export const formsExportApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(listExports, async (c) => {
    const { id } = c.req.valid("param");
    await authorizeExport(c, id);
    const found = await listApplicationExports({
      db: c.var.services.database.db,
      tenantId: c.var.tenant.id,
      formId: id,
    });
    return c.json(
      {
        formId: found.formId,
        slug: found.slug,
        files: found.files.map((file) => ({
          ...file,
          firstSubmittedAt: file.firstSubmittedAt?.toISOString() ?? null,
          lastSubmittedAt: file.lastSubmittedAt?.toISOString() ?? null,
        })),
      },
      200,
    );
  })
  .openapi(download, async (c) => {
    const { id, fileKey } = c.req.valid("param");
    const { format, encoding, onUnrepresentable } = c.req.valid("query");
    const staff = await authorizeExport(c, id);
    const result = await exportApplications({
      db: c.var.services.database.db,
      tenantId: c.var.tenant.id,
      actor: { type: "staff", id: staff.id },
      formId: id,
      fileKey,
      format,
      encoding,
      onUnrepresentable,
      requestId: c.var.requestId,
      ip: clientIp(c),
    });
    if (result.outcome === "unrepresentable") {
      throw unrepresentableProblem(result.characters);
    }
    return c.body(new Uint8Array(result.bytes), 200, {
      "content-type": result.contentType,
      "content-disposition": contentDisposition(result.fileName),
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
      "x-export-count": String(result.count),
      ...(result.replaced.length > 0
        ? { "x-export-replaced-characters": String(result.replaced.length) }
        : {}),
    });
  })
  .openapi(feed, async (c) => {
    const { id } = c.req.valid("param");
    const { since, cursor, limit } = c.req.valid("query");
    const staff = await authorizeExport(c, id);
    const found = await findSubmittedApplications({
      db: c.var.services.database.db,
      tenantId: c.var.tenant.id,
      actor: { type: "staff", id: staff.id },
      formId: id,
      ...(since ? { since: new Date(since) } : {}),
      ...(cursor ? { cursor: decodeCursor(cursor)! } : {}),
      limit,
      requestId: c.var.requestId,
      ip: clientIp(c),
    });
    return c.json(found, 200);
  });
