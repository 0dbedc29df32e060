import { eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { contentHash } from "../definition/content-hash.ts";
import { FormDefinition } from "../definition/form-definition.ts";
import { forms } from "../schema.ts";
import { lockForm } from "../staff/lock-form.ts";
import { parseOrRefuse } from "../staff/parse-or-refuse.ts";
import { type FormDetail, getForm } from "./get-form.ts";

export type UpdateFormDraftOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  formId: string;
  /** The whole new draft as the builder sent it; checked here, whoever calls. */
  definition: unknown;
  requestId?: string | null;
};

/**
 * Replaces the draft staff are editing. An invalid definition is refused with every problem named by its
 * JSON pointer (under /definition) and nothing stored; published versions are never touched.
 */
export async function updateFormDraft({
  tx,
  tenantId,
  actor,
  formId,
  definition,
  requestId,
}: UpdateFormDraftOptions): Promise<FormDetail> {
  const draft = parseOrRefuse(FormDefinition, definition, "/definition");
  const before = await lockForm(tx, tenantId, formId);
  // Saving the same content again (an autosave, a double click) changes nothing and logs nothing.
  if (contentHash(before.draft) !== contentHash(draft)) {
    await tx
      .update(forms)
      .set({
        draft,
        draftUpdatedAt: new Date(),
        draftUpdatedBy: actor.type === "staff" ? actor.id : null,
      })
      .where(eq(forms.id, formId));
    await recordChange(tx, {
      tenantId,
      actor,
      action: "forms.form.update_draft",
      resource: { type: "forms_form", id: formId },
      before: { draft: before.draft },
      after: { draft },
      event: { name: "forms.form_draft_updated", payload: { formId } },
      requestId: requestId ?? null,
    });
  }
  return getForm({ db: tx, tenantId, formId });
}
