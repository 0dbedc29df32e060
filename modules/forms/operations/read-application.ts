import { and, asc, eq, isNotNull } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import { recordAudit } from "../../../core/audit/record-audit.ts";
import type { Db } from "../../../core/db/database.ts";
import { problems } from "../../../core/http/problem.ts";
import { storedFiles } from "../../../core/storage/schema.ts";
import { type Application, applications, attachments, type FormVersion, formVersions } from "../schema.ts";

export type ReadApplicationOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  applicationId: string;
  requestId?: string | null;
  ip?: string | null;
};

export type AttachmentSummary = {
  id: string;
  fieldKey: string;
  name: string;
  size: number;
  contentType: string;
};

export type ApplicationRecord = {
  application: Application;
  /** The version the resident applied on: its fields give the answers their labels and order. */
  version: Pick<FormVersion, "number" | "definition">;
  attachments: AttachmentSummary[];
};

/**
 * One submitted application with everything staff need to handle it. Every read is audited in the same
 * transaction, so a read the log does not show did not happen.
 */
export async function readApplication({
  tx,
  tenantId,
  actor,
  applicationId,
  requestId,
  ip,
}: ReadApplicationOptions): Promise<ApplicationRecord> {
  const [found] = await tx
    .select({
      application: applications,
      version: { number: formVersions.number, definition: formVersions.definition },
    })
    .from(applications)
    .innerJoin(formVersions, eq(formVersions.id, applications.formVersionId))
    .where(
      and(
        eq(applications.id, applicationId),
        eq(applications.tenantId, tenantId),
        isNotNull(applications.submittedAt),
      ),
    );
  if (!found) {
    throw problems.notFound();
  }
  const files = await tx
    .select({
      id: attachments.id,
      fieldKey: attachments.fieldKey,
      name: storedFiles.fileName,
      size: storedFiles.sizeBytes,
      contentType: storedFiles.contentType,
    })
    .from(attachments)
    .innerJoin(storedFiles, eq(storedFiles.id, attachments.fileId))
    .where(and(eq(attachments.applicationId, applicationId), eq(attachments.tenantId, tenantId)))
    .orderBy(asc(attachments.createdAt), asc(attachments.id));
  await recordAudit(tx, {
    tenantId,
    actor,
    action: "forms.application.read",
    resource: { type: "forms_application", id: applicationId },
    after: { formId: found.application.formId, referenceNumber: found.application.referenceNumber },
    requestId: requestId ?? null,
    ip: ip ?? null,
  });
  return { application: found.application, version: found.version, attachments: files };
}
