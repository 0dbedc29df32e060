import { z } from "zod";
import { FORM_SCHEMA_VERSION, FormDefinition } from "./definition/form-definition.ts";

/**
 * One form as one file, for sharing between municipalities (LoGoフォーム-style template exchange): the
 * definition plus where it came from. Answers and residents never travel in it.
 */
export const FormFile = z.strictObject({
  format: z.literal("tenohira-form"),
  schema_version: z.literal(FORM_SCHEMA_VERSION),
  exportedAt: z.iso.datetime({ offset: true }),
  /** Free text such as 「鹿屋市 市民課」, so the receiving city knows whom to ask. */
  source: z.string().max(200).optional(),
  slug: z.string().regex(/^[a-z0-9-]{2,60}$/),
  definition: FormDefinition,
});
export type FormFile = z.infer<typeof FormFile>;

export function toFormFile(options: { slug: string; definition: FormDefinition; source?: string }): FormFile {
  return {
    format: "tenohira-form",
    schema_version: FORM_SCHEMA_VERSION,
    exportedAt: new Date().toISOString(),
    ...(options.source ? { source: options.source } : {}),
    slug: options.slug,
    definition: options.definition,
  };
}
