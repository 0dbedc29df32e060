import { and, desc, eq, isNotNull } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import { recordAudit } from "../../../core/audit/record-audit.ts";
import type { Db } from "../../../core/db/database.ts";
import { type Application, applications, formVersions } from "../schema.ts";

export type FindApplicationsOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  formId: string;
  requestId?: string | null;
  ip?: string | null;
};

export type ApplicationListItem = Pick<
  Application,
  | "id"
  | "referenceNumber"
  | "submittedAt"
  | "residentId"
  | "channel"
  | "locale"
  | "feeAmount"
  | "paymentStatus"
> & { versionNumber: number };

/**
 * The submitted applications of one form, newest first (residents' unfinished drafts are theirs alone).
 * Listing who applied is a read of personal data, so it is audited in the same transaction.
 */
export async function findApplications({
  tx,
  tenantId,
  actor,
  formId,
  requestId,
  ip,
}: FindApplicationsOptions): Promise<ApplicationListItem[]> {
  const rows = await tx
    .select({
      id: applications.id,
      referenceNumber: applications.referenceNumber,
      submittedAt: applications.submittedAt,
      residentId: applications.residentId,
      channel: applications.channel,
      locale: applications.locale,
      feeAmount: applications.feeAmount,
      paymentStatus: applications.paymentStatus,
      versionNumber: formVersions.number,
    })
    .from(applications)
    .innerJoin(formVersions, eq(formVersions.id, applications.formVersionId))
    .where(
      and(
        eq(applications.tenantId, tenantId),
        eq(applications.formId, formId),
        isNotNull(applications.submittedAt),
      ),
    )
    .orderBy(desc(applications.submittedAt), desc(applications.referenceNumber));
  // How many were listed, not who: a busy form's list would make every log entry a copy of it.
  await recordAudit(tx, {
    tenantId,
    actor,
    action: "forms.application.list",
    resource: { type: "forms_form", id: formId },
    after: { count: rows.length },
    requestId: requestId ?? null,
    ip: ip ?? null,
  });
  return rows;
}
