import { and, eq, isNotNull } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import { recordAudit } from "../../../core/audit/record-audit.ts";
import type { Db } from "../../../core/db/database.ts";
import { problems } from "../../../core/http/problem.ts";
import type { FileStore } from "../../../core/storage/file-store.ts";
import { storedFiles } from "../../../core/storage/schema.ts";
import { applications, attachments } from "../schema.ts";

type StoredFile = typeof storedFiles.$inferSelect;

export type ReadApplicationFileOptions = {
  tx: Db;
  storage: FileStore;
  tenantId: string;
  actor: Actor;
  applicationId: string;
  /** An attachment of the application, or its receipt PDF. */
  file: { attachmentId: string } | "receipt";
  requestId?: string | null;
  ip?: string | null;
};

/**
 * The bytes of a file of a submitted application (an attachment, or the receipt once generated), audited
 * like every other staff read of an application; 404 when there is no such file (yet).
 */
export async function readApplicationFile({
  tx,
  storage,
  tenantId,
  actor,
  applicationId,
  file,
  requestId,
  ip,
}: ReadApplicationFileOptions): Promise<{ file: StoredFile; bytes: Uint8Array }> {
  const submitted = and(
    eq(applications.id, applicationId),
    eq(applications.tenantId, tenantId),
    isNotNull(applications.submittedAt),
  );
  const [stored] =
    file === "receipt"
      ? await tx
          .select({ file: storedFiles })
          .from(applications)
          .innerJoin(storedFiles, eq(storedFiles.id, applications.receiptFileId))
          .where(submitted)
      : await tx
          .select({ file: storedFiles })
          .from(attachments)
          .innerJoin(applications, eq(applications.id, attachments.applicationId))
          .innerJoin(storedFiles, eq(storedFiles.id, attachments.fileId))
          .where(and(submitted, eq(attachments.id, file.attachmentId), eq(attachments.tenantId, tenantId)));
  if (!stored || stored.file.tenantId !== tenantId) {
    throw problems.notFound();
  }
  const bytes = await storage.get(stored.file.storageKey);
  if (!bytes) {
    throw problems.notFound();
  }
  await recordAudit(tx, {
    tenantId,
    actor,
    action: file === "receipt" ? "forms.application.receipt_read" : "forms.application.attachment_read",
    resource: { type: "forms_application", id: applicationId },
    after: { fileId: stored.file.id, ...(file === "receipt" ? {} : { attachmentId: file.attachmentId }) },
    requestId: requestId ?? null,
    ip: ip ?? null,
  });
  return { file: stored.file, bytes };
}
