import { z } from "@hono/zod-openapi";
import { formStatuses } from "../schema.ts";

const slug = z.string().regex(/^[a-z0-9-]{2,60}$/, "lowercase letters, digits and hyphens, 2–60 characters");
const Title = z.object({ ja: z.string(), en: z.string().optional() });
const departmentId = z.uuid().nullable().optional().openapi({
  description:
    "The owning department; omitted means the creator's own department, null is for administrators",
});
/** Definitions travel as JSON checked by the operations (with pointers under /definition or /file). */
const Definition = z.unknown().openapi({
  description: "A form definition; see the JSON Schema at /forms/schema/v1.json",
});

export const FormSummarySchema = z
  .object({
    id: z.uuid(),
    slug: z.string(),
    title: Title,
    status: z.enum(formStatuses),
    departmentId: z.uuid().nullable(),
    currentVersion: z.number().int().nullable(),
    draftUpdatedAt: z.string(),
    hasUnpublishedChanges: z.boolean(),
    applicationCount: z.number().int(),
  })
  .openapi("FormSummary");

export const FormDetailSchema = FormSummarySchema.extend({
  draft: Definition,
  versions: z.array(
    z.object({
      number: z.number().int(),
      publishedAt: z.string(),
      publishedBy: z.uuid().nullable(),
      contentHash: z.string(),
    }),
  ),
}).openapi("FormDetail");

export const FormVersionSchema = z
  .object({
    number: z.number().int(),
    definition: Definition,
    publishedAt: z.string(),
    contentHash: z.string(),
  })
  .openapi("FormVersion");

export const FormDiffSchema = z
  .object({
    changes: z.array(
      z.object({
        path: z.string(),
        kind: z.enum(["added", "removed", "changed"]),
        label: z.string(),
        before: z.unknown().optional(),
        after: z.unknown().optional(),
      }),
    ),
  })
  .openapi("FormDiff");

export const FormTemplatesSchema = z
  .object({ templates: z.array(z.object({ key: z.string(), title: Title, category: z.string() })) })
  .openapi("FormTemplates");

const channel = z.enum(["web", "line", "counter"]);
const paymentStatus = z.enum(["not_required", "unpaid", "paid"]);

export const ApplicationListSchema = z
  .object({
    applications: z.array(
      z.object({
        id: z.uuid(),
        referenceNumber: z.string(),
        submittedAt: z.string(),
        versionNumber: z.number().int(),
        residentId: z.uuid().nullable(),
        channel,
        locale: z.enum(["ja", "en"]),
        feeAmount: z.number().int().nullable(),
        paymentStatus,
      }),
    ),
  })
  .openapi("FormApplicationList");

export const ApplicationDetailSchema = z
  .object({
    id: z.uuid(),
    referenceNumber: z.string(),
    formId: z.uuid(),
    formTitle: Title,
    versionNumber: z.number().int(),
    submittedAt: z.string(),
    locale: z.enum(["ja", "en"]),
    channel,
    feeAmount: z.number().int().nullable(),
    paymentStatus,
    residentId: z.uuid().nullable(),
    rows: z.array(
      z.object({
        key: z.string(),
        label: z.string(),
        value: z.string(),
        provenance: z
          .object({
            source: z.enum(["typed", "prefilled", "computed"]),
            prefilledFrom: z.enum(["profile", "card"]).optional(),
            changed: z.boolean().optional(),
          })
          .nullable(),
      }),
    ),
    attachments: z.array(
      z.object({
        id: z.uuid(),
        fieldKey: z.string(),
        name: z.string(),
        size: z.number().int(),
        contentType: z.string(),
      }),
    ),
  })
  .openapi("FormApplication");

export const FormCreateSchema = z
  .object({ slug, templateKey: z.string().max(100).optional(), departmentId })
  .openapi("FormCreate");
export const FormDraftSchema = z.object({ definition: Definition }).openapi("FormDraft");
export const FormDuplicateSchema = z.object({ slug }).openapi("FormDuplicate");
export const FormImportSchema = z
  .object({
    file: z.unknown().openapi({ description: "A tenohira-form file as exported by GET /forms/{id}/export" }),
    slug: slug.optional(),
    departmentId,
  })
  .openapi("FormImport");
