import { and, eq, inArray, isNull, lt, type SQL } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import { recordAudit } from "../../../core/audit/record-audit.ts";
import type { Services } from "../../../core/services.ts";
import { storedFiles } from "../../../core/storage/schema.ts";
import { applications, attachments } from "../schema.ts";

export type DiscardDraftsOptions = {
  services: Services;
  tenantId: string;
  actor: Actor;
  /** Which unsubmitted drafts: one resident's (their account was deleted), or guests' whose key expired. */
  of: { residentId: string } | { expiredBefore: Date };
};

/**
 * Deletes unfinished applications nobody can reach any more, with their uploaded files: answers are
 * personal data kept only as long as the service needs them. Submitted applications are official records
 * and are never touched here.
 */
export async function discardDrafts({
  services,
  tenantId,
  actor,
  of,
}: DiscardDraftsOptions): Promise<number> {
  const db = services.database.db;
  const which: SQL =
    "residentId" in of
      ? eq(applications.residentId, of.residentId)
      : and(isNull(applications.residentId), lt(applications.resumeExpiresAt, of.expiredBefore))!;
  const keys = await db.transaction(async (tx) => {
    const drafts = await tx
      .select({ id: applications.id })
      .from(applications)
      .where(and(eq(applications.tenantId, tenantId), isNull(applications.submittedAt), which))
      .for("update");
    if (drafts.length === 0) {
      return null;
    }
    const ids = drafts.map((d) => d.id);
    const files = await tx
      .select({ id: storedFiles.id, key: storedFiles.storageKey })
      .from(attachments)
      .innerJoin(storedFiles, eq(storedFiles.id, attachments.fileId))
      .where(inArray(attachments.applicationId, ids));
    await tx.delete(applications).where(inArray(applications.id, ids)); // attachments cascade
    if (files.length > 0) {
      await tx.delete(storedFiles).where(
        inArray(
          storedFiles.id,
          files.map((f) => f.id),
        ),
      );
    }
    await recordAudit(tx, {
      tenantId,
      actor,
      action: "forms.application.discard_drafts",
      resource: { type: "forms_application", id: null },
      after: { count: ids.length, reason: "residentId" in of ? "resident_deleted" : "guest_draft_expired" },
    });
    return { count: ids.length, files: files.map((f) => f.key) };
  });
  if (!keys) {
    return 0;
  }
  // The rows are gone first, so a failure here leaves unreachable bytes, never a row without its file.
  for (const key of keys.files) {
    await services.storage.delete(key);
  }
  return keys.count;
}
