import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { FormFile } from "../form-file.ts";
import { insertForm } from "../staff/insert-form.ts";
import { parseOrRefuse } from "../staff/parse-or-refuse.ts";
import { type FormDetail, getForm } from "./get-form.ts";

export type ImportFormOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  /** The shared file as received; checked here (a file from elsewhere is untrusted input). */
  file: unknown;
  /** Overrides the file's slug, e.g. when this city already uses it. */
  slug?: string | undefined;
  departmentId: string | null;
  requestId?: string | null;
};

/** A form shared by another city (or exported here earlier) becomes a new draft; nothing is published. */
export async function importForm({
  tx,
  tenantId,
  actor,
  file,
  slug,
  departmentId,
  requestId,
}: ImportFormOptions): Promise<FormDetail> {
  const formFile = parseOrRefuse(FormFile, file, "/file");
  const form = await insertForm(tx, {
    tenantId,
    actor,
    slug: slug ?? formFile.slug,
    departmentId,
    draft: formFile.definition,
  });
  await recordChange(tx, {
    tenantId,
    actor,
    action: "forms.form.import",
    resource: { type: "forms_form", id: form.id },
    after: {
      slug: form.slug,
      departmentId,
      source: formFile.source ?? null,
      exportedAt: formFile.exportedAt,
      draft: formFile.definition,
    },
    event: { name: "forms.form_created", payload: { formId: form.id, slug: form.slug } },
    requestId: requestId ?? null,
  });
  return getForm({ db: tx, tenantId, formId: form.id });
}
