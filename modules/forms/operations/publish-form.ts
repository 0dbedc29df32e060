import { and, eq, max } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import packageJson from "../../../package.json" with { type: "json" };
import { contentHash } from "../definition/content-hash.ts";
import { forms, formVersions } from "../schema.ts";
import { lockForm } from "../staff/lock-form.ts";
import { type FormDetail, getForm } from "./get-form.ts";

export type PublishFormOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  formId: string;
  requestId?: string | null;
};

/**
 * Publishes the draft as the next numbered version, which residents start from now on; versions already
 * published stay exactly as they were, so applications pinned to them keep working. An unchanged draft
 * makes no new version (it only reopens an unpublished form).
 */
export async function publishForm({
  tx,
  tenantId,
  actor,
  formId,
  requestId,
}: PublishFormOptions): Promise<FormDetail> {
  // The row lock makes two simultaneous publishes take turns, so they cannot both claim number n+1.
  const form = await lockForm(tx, tenantId, formId);
  const hash = contentHash(form.draft);
  const [current] = form.currentVersionId
    ? await tx
        .select({ number: formVersions.number, contentHash: formVersions.contentHash })
        .from(formVersions)
        .where(and(eq(formVersions.id, form.currentVersionId), eq(formVersions.tenantId, tenantId)))
    : [];
  if (current?.contentHash === hash) {
    if (form.status !== "published") {
      await tx.update(forms).set({ status: "published" }).where(eq(forms.id, formId));
      await recordChange(tx, {
        tenantId,
        actor,
        action: "forms.form.publish",
        resource: { type: "forms_form", id: formId },
        before: { status: form.status, version: current.number },
        after: { status: "published", version: current.number },
        event: {
          name: "forms.form_published",
          payload: { formId, slug: form.slug, version: current.number },
        },
        requestId: requestId ?? null,
      });
    }
    return getForm({ db: tx, tenantId, formId });
  }
  const [latest] = await tx
    .select({ number: max(formVersions.number) })
    .from(formVersions)
    .where(and(eq(formVersions.formId, formId), eq(formVersions.tenantId, tenantId)));
  const number = (latest?.number ?? 0) + 1;
  const [version] = await tx
    .insert(formVersions)
    .values({
      tenantId,
      formId,
      number,
      schemaVersion: form.draft.schema_version,
      definition: form.draft,
      contentHash: hash,
      publishedBy: actor.type === "staff" ? actor.id : null,
      appRelease: packageJson.version,
    })
    .returning({ id: formVersions.id });
  await tx
    .update(forms)
    .set({ status: "published", currentVersionId: version!.id })
    .where(eq(forms.id, formId));
  await recordChange(tx, {
    tenantId,
    actor,
    action: "forms.form.publish",
    resource: { type: "forms_form", id: formId },
    before: { status: form.status, version: current?.number ?? null },
    after: { status: "published", version: number, contentHash: hash },
    event: { name: "forms.form_published", payload: { formId, slug: form.slug, version: number } },
    requestId: requestId ?? null,
  });
  return getForm({ db: tx, tenantId, formId });
}
