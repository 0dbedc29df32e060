import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { insertForm } from "../staff/insert-form.ts";
import { type FormDetail, getForm } from "./get-form.ts";

export type DuplicateFormOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  /** The form copied: its current draft is the copy's draft. */
  formId: string;
  slug: string;
  requestId?: string | null;
};

/**
 * A new draft form from another one's draft, in the same department (e.g. next year's lottery from this
 * year's); versions and applications stay with the original.
 */
export async function duplicateForm({
  tx,
  tenantId,
  actor,
  formId,
  slug,
  requestId,
}: DuplicateFormOptions): Promise<FormDetail> {
  const { form: source } = await getForm({ db: tx, tenantId, formId });
  const copy = await insertForm(tx, {
    tenantId,
    actor,
    slug,
    departmentId: source.departmentId,
    draft: source.draft,
    copiedFromId: source.id,
    templateKey: source.templateKey,
  });
  await recordChange(tx, {
    tenantId,
    actor,
    action: "forms.form.duplicate",
    resource: { type: "forms_form", id: copy.id },
    after: { slug, copiedFromId: source.id, departmentId: source.departmentId },
    event: { name: "forms.form_created", payload: { formId: copy.id, slug, copiedFromId: source.id } },
    requestId: requestId ?? null,
  });
  return getForm({ db: tx, tenantId, formId: copy.id });
}
