import { eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { problems } from "../../../core/http/problem.ts";
import { forms } from "../schema.ts";
import { lockForm } from "../staff/lock-form.ts";
import { type FormDetail, getForm } from "./get-form.ts";

export type UnpublishFormOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  formId: string;
  requestId?: string | null;
};

/**
 * Stops new applications on a published form. Residents half-way through keep their drafts and can still
 * submit them on the version they started; publishing again reopens it. Unpublishing twice is harmless.
 */
export async function unpublishForm({
  tx,
  tenantId,
  actor,
  formId,
  requestId,
}: UnpublishFormOptions): Promise<FormDetail> {
  const form = await lockForm(tx, tenantId, formId);
  if (form.status === "draft") {
    throw problems.conflict({
      ja: "まだ公開していないフォームは公開停止できません",
      en: "This form has never been published",
    });
  }
  if (form.status === "published") {
    await tx.update(forms).set({ status: "unpublished" }).where(eq(forms.id, formId));
    await recordChange(tx, {
      tenantId,
      actor,
      action: "forms.form.unpublish",
      resource: { type: "forms_form", id: formId },
      before: { status: form.status },
      after: { status: "unpublished" },
      event: { name: "forms.form_unpublished", payload: { formId, slug: form.slug } },
      requestId: requestId ?? null,
    });
  }
  return getForm({ db: tx, tenantId, formId });
}
