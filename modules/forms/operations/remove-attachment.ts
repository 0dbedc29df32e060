import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import type { AttachmentRef } from "../definition/answers.ts";
import { applications, attachments } from "../schema.ts";

export type RemoveAttachmentOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  applicationId: string;
  fieldKey: string;
  attachmentId: string;
  /** Staff returned the submitted application for correction (差し戻し). */
  correcting?: boolean;
  requestId?: string | null;
};

/** Takes a file off a draft. The stored bytes stay until the draft is cleaned up, so a retry never loses data. */
export async function removeAttachment(options: RemoveAttachmentOptions): Promise<boolean> {
  const { tx, tenantId, applicationId, fieldKey, attachmentId } = options;
  const [current] = await tx
    .select({ answers: applications.answers, submittedAt: applications.submittedAt })
    .from(applications)
    .where(and(eq(applications.id, applicationId), eq(applications.tenantId, tenantId)))
    .for("update");
  if (!current || (current.submittedAt && !options.correcting)) {
    return false;
  }
  const deleted = await tx
    .delete(attachments)
    .where(
      and(
        eq(attachments.id, attachmentId),
        eq(attachments.applicationId, applicationId),
        eq(attachments.fieldKey, fieldKey),
      ),
    )
    .returning({ id: attachments.id });
  if (deleted.length === 0) {
    return false;
  }
  const value = current.answers[fieldKey];
  const remaining = Array.isArray(value)
    ? (value as AttachmentRef[]).filter((file) => file.id !== attachmentId)
    : null;
  await tx
    .update(applications)
    .set({
      answers: { ...current.answers, [fieldKey]: remaining && remaining.length > 0 ? remaining : null },
      updatedAt: new Date(),
    })
    .where(eq(applications.id, applicationId));
  await recordChange(tx, {
    tenantId,
    actor: options.actor,
    action: "forms.application.remove_file",
    resource: { type: "forms_application", id: applicationId },
    after: { field: fieldKey, attachmentId },
    requestId: options.requestId ?? null,
  });
  return true;
}
