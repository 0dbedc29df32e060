import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Actor } from "../../core/audit/actor.ts";
import type { Db } from "../../core/db/database.ts";
import type { AppEnv } from "../../core/http/app-env.ts";
import { contentDisposition } from "../../core/http/content-disposition.ts";
import {
  authorizeStaff,
  authorizeStaffOn,
  authorizeStaffScope,
  clientIp,
  currentStaff,
  type StaffMember,
} from "../../core/http/middleware.ts";
import { jsonBody as body, jsonResponse as json } from "../../core/http/openapi.ts";
import { problems } from "../../core/http/problem.ts";
import { publicOrigin } from "../../core/http/public-origin.ts";
import { validationHook } from "../../core/http/validation.ts";
import { formsExportApi } from "./export-api.ts";
import { toFormFile } from "./form-file.ts";
import { compareFormVersions } from "./operations/compare-form-versions.ts";
import { createForm } from "./operations/create-form.ts";
import { duplicateForm } from "./operations/duplicate-form.ts";
import { enterApplication } from "./operations/enter-application.ts";
import { findApplications } from "./operations/find-applications.ts";
import { findForms } from "./operations/find-forms.ts";
import { getApplication } from "./operations/get-application.ts";
import { getForm } from "./operations/get-form.ts";
import { getFormVersion } from "./operations/get-form-version.ts";
import { importForm } from "./operations/import-form.ts";
import { publishForm } from "./operations/publish-form.ts";
import { readApplication } from "./operations/read-application.ts";
import { readApplicationFile } from "./operations/read-application-file.ts";
import { requestFeePayment } from "./operations/request-fee-payment.ts";
import { unpublishForm } from "./operations/unpublish-form.ts";
import { updateFormDraft } from "./operations/update-form-draft.ts";
import {
  presentApplication,
  presentApplicationListItem,
  presentFormDetail,
  presentFormSummary,
  presentTemplate,
  presentVersion,
} from "./presenters.ts";
import { formOwner } from "./staff/form-owner.ts";
import {
  ApplicationDetailSchema,
  ApplicationListSchema,
  FormCreateSchema,
  FormDetailSchema,
  FormDiffSchema,
  FormDraftSchema,
  FormDuplicateSchema,
  FormImportSchema,
  FormSummarySchema,
  FormTemplatesSchema,
  FormVersionSchema,
} from "./staff/schemas.ts";
import { formTemplates } from "./templates/index.ts";

const forbidden = { description: "Outside the member's departments, or the role lacks the verb (audited)" };
const notFound = { description: "Not this city's, or no such thing" };
const formParam = { params: z.object({ id: z.uuid() }) };
const applicationParam = { params: z.object({ id: z.uuid() }) };

const listForms = createRoute({
  method: "get",
  path: "/forms",
  tags: ["forms"],
  summary: "Forms of the member's departments (administrators: all), most recently edited first",
  responses: { 200: json(z.object({ forms: z.array(FormSummarySchema) }), "Forms"), 403: forbidden },
});

const create = createRoute({
  method: "post",
  path: "/forms",
  tags: ["forms"],
  summary: "Start a draft form, blank or from a template",
  request: body(FormCreateSchema),
  responses: {
    201: json(FormDetailSchema, "Created"),
    400: { description: "Invalid, or no such template or department" },
    403: forbidden,
    409: { description: "Slug already used" },
  },
});

const importOne = createRoute({
  method: "post",
  path: "/forms/import",
  tags: ["forms"],
  summary: "Import a shared form file as a new draft",
  request: body(FormImportSchema),
  responses: {
    201: json(FormDetailSchema, "Imported"),
    400: { description: "Not a valid form file (errors point under /file)" },
    403: forbidden,
    409: { description: "Slug already used" },
  },
});

const getOne = createRoute({
  method: "get",
  path: "/forms/{id}",
  tags: ["forms"],
  summary: "A form's draft and version history",
  request: formParam,
  responses: { 200: json(FormDetailSchema, "The form"), 403: forbidden, 404: notFound },
});

const saveDraft = createRoute({
  method: "put",
  path: "/forms/{id}/draft",
  tags: ["forms"],
  summary: "Replace the draft (published versions never change)",
  request: { ...formParam, ...body(FormDraftSchema) },
  responses: {
    200: json(FormDetailSchema, "Saved"),
    400: { description: "Invalid definition: every problem as a pointer under /definition; nothing stored" },
    403: forbidden,
    404: notFound,
  },
});

const publish = createRoute({
  method: "post",
  path: "/forms/{id}/publish",
  tags: ["forms"],
  summary: "Publish the draft as the next version (no new version when unchanged)",
  request: formParam,
  responses: { 200: json(FormDetailSchema, "Published"), 403: forbidden, 404: notFound },
});

const unpublish = createRoute({
  method: "post",
  path: "/forms/{id}/unpublish",
  tags: ["forms"],
  summary: "Stop new applications; residents' drafts can still be finished",
  request: formParam,
  responses: {
    200: json(FormDetailSchema, "Unpublished"),
    403: forbidden,
    404: notFound,
    409: { description: "Never published" },
  },
});

const duplicate = createRoute({
  method: "post",
  path: "/forms/{id}/duplicate",
  tags: ["forms"],
  summary: "Copy a form's draft into a new draft form",
  request: { ...formParam, ...body(FormDuplicateSchema) },
  responses: {
    201: json(FormDetailSchema, "Copied"),
    403: forbidden,
    404: notFound,
    409: { description: "Slug already used" },
  },
});

const version = createRoute({
  method: "get",
  path: "/forms/{id}/versions/{number}",
  tags: ["forms"],
  summary: "One published version, exactly as residents got it",
  request: { params: z.object({ id: z.uuid(), number: z.coerce.number().int().min(1) }) },
  responses: { 200: json(FormVersionSchema, "The version"), 403: forbidden, 404: notFound },
});

const diff = createRoute({
  method: "get",
  path: "/forms/{id}/diff",
  tags: ["forms"],
  summary: "Field-level changes between two versions, or from a version to the draft",
  request: {
    ...formParam,
    query: z.object({
      from: z.coerce.number().int().min(1),
      to: z.union([z.literal("draft"), z.coerce.number().int().min(1)]),
    }),
  },
  responses: { 200: json(FormDiffSchema, "Changes"), 403: forbidden, 404: notFound },
});

const exportOne = createRoute({
  method: "get",
  path: "/forms/{id}/export",
  tags: ["forms"],
  summary: "The draft as a shareable tenohira-form file (a download)",
  request: formParam,
  responses: { 200: { description: "The form file (application/json)" }, 403: forbidden, 404: notFound },
});

const templates = createRoute({
  method: "get",
  path: "/templates",
  tags: ["forms"],
  summary: "The shipped templates a form can start from",
  responses: { 200: json(FormTemplatesSchema, "Templates"), 403: forbidden },
});

const listApplications = createRoute({
  method: "get",
  path: "/forms/{id}/applications",
  tags: ["forms"],
  summary: "Submitted applications of a form, newest first (audited)",
  request: formParam,
  responses: { 200: json(ApplicationListSchema, "Applications"), 403: forbidden, 404: notFound },
});

const readOne = createRoute({
  method: "get",
  path: "/applications/{id}",
  tags: ["forms"],
  summary: "One submitted application with its answers (audited)",
  request: applicationParam,
  responses: { 200: json(ApplicationDetailSchema, "The application"), 403: forbidden, 404: notFound },
});

const attachment = createRoute({
  method: "get",
  path: "/applications/{id}/attachments/{attachmentId}",
  tags: ["forms"],
  summary:
    "A file the resident attached (a download, or shown inline with ?inline=1 for images and PDF; audited)",
  request: {
    params: z.object({ id: z.uuid(), attachmentId: z.uuid() }),
    query: z.object({ inline: z.enum(["1"]).optional() }),
  },
  responses: { 200: { description: "The file" }, 403: forbidden, 404: notFound },
});

const receipt = createRoute({
  method: "get",
  path: "/applications/{id}/receipt",
  tags: ["forms"],
  summary: "The receipt PDF sent to the resident (audited); 404 until generated",
  request: applicationParam,
  responses: { 200: { description: "The receipt (application/pdf)" }, 403: forbidden, 404: notFound },
});

const enterOne = createRoute({
  method: "post",
  path: "/forms/{id}/applications",
  tags: ["forms"],
  summary: "Enter an application received on paper, by phone or at the counter into the work queue",
  request: {
    ...formParam,
    ...body(
      z.object({
        channel: z.enum(["counter", "paper", "phone"]),
        /** Inputs named as on the resident's pages, e.g. {"copies": "2", "children.0.name": "山田"}. */
        inputs: z.record(
          z.string().max(200),
          z.union([z.string().max(10_000), z.array(z.string().max(10_000)).max(50)]),
        ),
        locale: z.enum(["ja", "en"]).default("ja"),
        feePaidAtCounter: z.boolean().default(false),
      }),
    ),
  },
  responses: {
    201: json(z.object({ id: z.uuid(), referenceNumber: z.string(), caseId: z.uuid() }), "Entered"),
    403: forbidden,
    404: notFound,
    409: { description: "The form is not published" },
    400: { description: "Answers that do not pass the form's checks, per input (Japanese and English)" },
  },
});

const paymentRequest = createRoute({
  method: "post",
  path: "/applications/{id}/payment-request",
  tags: ["forms"],
  summary: "事後決済: set the fee after review and send the resident a payment link",
  request: {
    ...applicationParam,
    ...body(
      z.object({
        amount: z.number().int().min(1).max(10_000_000),
      }),
    ),
  },
  responses: {
    200: json(
      z.object({ paymentId: z.uuid(), feeAmount: z.number(), paymentStatus: z.string() }),
      "Requested",
    ),
    403: forbidden,
    404: notFound,
    409: { description: "Already paid or requested, or the application is closed" },
  },
});

const actorOf = (staff: StaffMember) => ({ type: "staff" as const, id: staff.id });

/**
 * Authorises the role first (so a member without the verb learns nothing about the id), finds the form's
 * department (404 if not this city's), then authorises the verb on it (403, audited).
 */
async function authorizeOnForm(c: Context<AppEnv>, verb: string, formId: string): Promise<StaffMember> {
  await authorizeStaff(c, verb);
  const owner = await formOwner({ db: c.var.services.database.db, tenantId: c.var.tenant.id, formId });
  return authorizeStaffOn(c, verb, {
    type: "forms_form",
    id: owner.formId,
    departmentId: owner.departmentId,
  });
}

/** The same for an application, by the department of its form. */
async function authorizeOnApplication(
  c: Context<AppEnv>,
  applicationId: string,
  verb = "forms.application.read",
): Promise<StaffMember> {
  await authorizeStaff(c, verb);
  const owner = await getApplication({
    db: c.var.services.database.db,
    tenantId: c.var.tenant.id,
    applicationId,
  });
  return authorizeStaffOn(c, verb, {
    type: "forms_application",
    id: owner.applicationId,
    departmentId: owner.departmentId,
  });
}

/** Authorises creating a form in a department: omitted means the member's own, null is tenant-wide. */
async function authorizeNewForm(c: Context<AppEnv>, departmentId: string | null | undefined) {
  const member = await currentStaff(c);
  const owner = departmentId === undefined ? member.departmentId : departmentId;
  const staff = await authorizeStaffOn(c, "forms.form.manage", {
    type: "forms_form",
    id: null,
    departmentId: owner,
  });
  return { staff, owner };
}

/** What every change of a form's operation takes besides its own fields. */
type FormChange = { tx: Db; tenantId: string; actor: Actor; formId: string; requestId: string };

/** Authorises `verb` on the form, then runs one operation on it in a transaction with the common options. */
async function changeForm<T>(
  c: Context<AppEnv>,
  verb: string,
  formId: string,
  operation: (common: FormChange) => Promise<T>,
): Promise<T> {
  const staff = await authorizeOnForm(c, verb, formId);
  return c.var.services.database.db.transaction((tx) =>
    operation({ tx, tenantId: c.var.tenant.id, actor: actorOf(staff), formId, requestId: c.var.requestId }),
  );
}

// Each handler: validate (by the route), authorise (by the form's department), run one operation, present.
export const formsStaffApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(listForms, async (c) => {
    const { scope } = await authorizeStaffScope(c, "forms.form.read");
    const found = await findForms({ db: c.var.services.database.db, tenantId: c.var.tenant.id, scope });
    return c.json({ forms: found.map(presentFormSummary) }, 200);
  })
  .openapi(create, async (c) => {
    const { slug, templateKey, departmentId } = c.req.valid("json");
    const { staff, owner } = await authorizeNewForm(c, departmentId);
    const detail = await c.var.services.database.db.transaction((tx) =>
      createForm({
        tx,
        tenantId: c.var.tenant.id,
        actor: actorOf(staff),
        slug,
        departmentId: owner,
        templateKey,
        requestId: c.var.requestId,
      }),
    );
    return c.json(presentFormDetail(detail), 201);
  })
  .openapi(importOne, async (c) => {
    const { file, slug, departmentId } = c.req.valid("json");
    const { staff, owner } = await authorizeNewForm(c, departmentId);
    const detail = await c.var.services.database.db.transaction((tx) =>
      importForm({
        tx,
        tenantId: c.var.tenant.id,
        actor: actorOf(staff),
        file,
        slug,
        departmentId: owner,
        requestId: c.var.requestId,
      }),
    );
    return c.json(presentFormDetail(detail), 201);
  })
  .openapi(getOne, async (c) => {
    const { id } = c.req.valid("param");
    await authorizeOnForm(c, "forms.form.read", id);
    const detail = await getForm({ db: c.var.services.database.db, tenantId: c.var.tenant.id, formId: id });
    return c.json(presentFormDetail(detail), 200);
  })
  .openapi(saveDraft, async (c) => {
    const { definition } = c.req.valid("json");
    const detail = await changeForm(c, "forms.form.manage", c.req.valid("param").id, (common) =>
      updateFormDraft({ ...common, definition }),
    );
    return c.json(presentFormDetail(detail), 200);
  })
  .openapi(publish, async (c) => {
    const detail = await changeForm(c, "forms.form.publish", c.req.valid("param").id, publishForm);
    return c.json(presentFormDetail(detail), 200);
  })
  .openapi(unpublish, async (c) => {
    const detail = await changeForm(c, "forms.form.publish", c.req.valid("param").id, unpublishForm);
    return c.json(presentFormDetail(detail), 200);
  })
  .openapi(duplicate, async (c) => {
    const { slug } = c.req.valid("json");
    const detail = await changeForm(c, "forms.form.manage", c.req.valid("param").id, (common) =>
      duplicateForm({ ...common, slug }),
    );
    return c.json(presentFormDetail(detail), 201);
  })
  .openapi(version, async (c) => {
    const { id, number } = c.req.valid("param");
    await authorizeOnForm(c, "forms.form.read", id);
    const found = await getFormVersion({
      db: c.var.services.database.db,
      tenantId: c.var.tenant.id,
      formId: id,
      number,
    });
    return c.json(presentVersion(found), 200);
  })
  .openapi(diff, async (c) => {
    const { id } = c.req.valid("param");
    const { from, to } = c.req.valid("query");
    await authorizeOnForm(c, "forms.form.read", id);
    const changes = await compareFormVersions({
      db: c.var.services.database.db,
      tenantId: c.var.tenant.id,
      formId: id,
      from,
      to,
    });
    return c.json({ changes }, 200);
  })
  .openapi(exportOne, async (c) => {
    const { id } = c.req.valid("param");
    await authorizeOnForm(c, "forms.form.read", id);
    const { form } = await getForm({ db: c.var.services.database.db, tenantId: c.var.tenant.id, formId: id });
    const file = toFormFile({ slug: form.slug, definition: form.draft, source: c.var.tenant.nameJa });
    return c.body(JSON.stringify(file, null, 2), 200, {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": contentDisposition(`${form.slug}.tenohira-form.json`),
    });
  })
  .openapi(templates, async (c) => {
    await authorizeStaff(c, "forms.form.read");
    return c.json({ templates: formTemplates.map(presentTemplate) }, 200);
  })
  .openapi(listApplications, async (c) => {
    const { id } = c.req.valid("param");
    const staff = await authorizeOnForm(c, "forms.application.read", id);
    const found = await c.var.services.database.db.transaction((tx) =>
      findApplications({
        tx,
        tenantId: c.var.tenant.id,
        actor: actorOf(staff),
        formId: id,
        requestId: c.var.requestId,
        ip: clientIp(c),
      }),
    );
    return c.json({ applications: found.map(presentApplicationListItem) }, 200);
  })
  .openapi(readOne, async (c) => {
    const { id } = c.req.valid("param");
    const staff = await authorizeOnApplication(c, id);
    const record = await c.var.services.database.db.transaction((tx) =>
      readApplication({
        tx,
        tenantId: c.var.tenant.id,
        actor: actorOf(staff),
        applicationId: id,
        requestId: c.var.requestId,
        ip: clientIp(c),
      }),
    );
    return c.json(presentApplication(record, c.var.lang), 200);
  })
  .openapi(attachment, async (c) => {
    const { id, attachmentId } = c.req.valid("param");
    const staff = await authorizeOnApplication(c, id);
    const { file, bytes } = await c.var.services.database.db.transaction((tx) =>
      readApplicationFile({
        tx,
        storage: c.var.services.storage,
        tenantId: c.var.tenant.id,
        actor: actorOf(staff),
        applicationId: id,
        file: { attachmentId },
        requestId: c.var.requestId,
        ip: clientIp(c),
      }),
    );
    // Only types the browser shows safely are ever inline; the sniffed type was fixed at upload.
    const inline =
      c.req.valid("query").inline === "1" &&
      /^(image\/(jpeg|png|webp)|application\/pdf)$/.test(file.contentType);
    return c.body(new Uint8Array(bytes), 200, {
      "content-type": file.contentType,
      "content-disposition": inline
        ? contentDisposition(file.fileName, "inline")
        : contentDisposition(file.fileName),
      "x-content-type-options": "nosniff",
      "cache-control": "private, no-store",
    });
  })
  .openapi(enterOne, async (c) => {
    const { id } = c.req.valid("param");
    const request = c.req.valid("json");
    const staff = await authorizeOnForm(c, "forms.application.process", id);
    const input = new Map(
      Object.entries(request.inputs).map(([name, value]) => [name, Array.isArray(value) ? value : [value]]),
    );
    const result = await c.var.services.database.db.transaction((tx) =>
      enterApplication({
        tx,
        tenantId: c.var.tenant.id,
        actor: actorOf(staff),
        formId: id,
        channel: request.channel,
        input,
        locale: request.locale,
        feePaidAtCounter: request.feePaidAtCounter,
        requestId: c.var.requestId,
      }),
    );
    if ("notPublished" in result) {
      throw problems.conflict({ ja: "このフォームは公開されていません", en: "This form is not published" });
    }
    if (!result.ok) {
      throw problems.invalidRequest(
        result.problems.map((p) => ({
          pointer: `/inputs/${p.input}`,
          detail: p.message.en,
          detailJa: p.message.ja,
        })),
      );
    }
    return c.json(
      {
        id: result.application.id,
        referenceNumber: result.application.referenceNumber!,
        caseId: result.caseId,
      },
      201,
    );
  })
  .openapi(paymentRequest, async (c) => {
    const { id } = c.req.valid("param");
    const { amount } = c.req.valid("json");
    const staff = await authorizeOnApplication(c, id, "forms.application.process");
    const tenant = c.var.tenant;
    const result = await c.var.services.database.db.transaction((tx) =>
      requestFeePayment({
        tx,
        tenantId: tenant.id,
        actor: actorOf(staff),
        applicationId: id,
        amount,
        cityName: tenant.nameJa,
        origin: publicOrigin(c),
        requestId: c.var.requestId,
      }),
    );
    if (!result.ok) {
      throw problems.conflict(result.reason);
    }
    return c.json(
      {
        paymentId: result.paymentId,
        feeAmount: result.application.feeAmount!,
        paymentStatus: result.application.paymentStatus,
      },
      200,
    );
  })
  .openapi(receipt, async (c) => {
    const { id } = c.req.valid("param");
    const staff = await authorizeOnApplication(c, id);
    const { file, bytes } = await c.var.services.database.db.transaction((tx) =>
      readApplicationFile({
        tx,
        storage: c.var.services.storage,
        tenantId: c.var.tenant.id,
        actor: actorOf(staff),
        applicationId: id,
        file: "receipt",
        requestId: c.var.requestId,
        ip: clientIp(c),
      }),
    );
    return c.body(new Uint8Array(bytes), 200, {
      "content-type": file.contentType,
      "content-disposition": contentDisposition(file.fileName),
      "cache-control": "private, no-store",
    });
  })
  .route("/", formsExportApi);
