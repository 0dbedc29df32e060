import { and, asc, eq, inArray, isNotNull, isNull, lt, ne, type SQL, sql } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { enqueueJob } from "../../../core/jobs/enqueue-job.ts";
import { forgetNotificationRecipients } from "../../../core/notifications/forget-recipients.ts";
import type { Services } from "../../../core/services.ts";
import { storedFiles } from "../../../core/storage/schema.ts";
import { deleteStoredFileJob } from "../jobs.ts";
import { reportCategories, reportEntries, reportFollowers, reportPhotos, reports } from "../schema.ts";

/** Reports handled per transaction, so a large city never holds one long transaction over its history. */
export const RETENTION_BATCH_SIZE = 200;

export type DeleteExpiredPersonalDataOptions = {
  services: Pick<Services, "database">;
  tenantId: string;
  actor: Actor;
  now?: Date;
  batchSize?: number;
};

/** What one batch deleted: counts only, never the values. `reports` is 0 when nothing was left. */
export type PersonalDataDeletion = {
  reports: number;
  contactFields: number;
  emailFollowers: number;
  photos: number;
  /** Messages to e-mail followers and guest reporters whose address and text were blanked. */
  notifications: number;
};

/**
 * Deletes the reporter's personal data from one batch of closed reports whose category's retention period
 * (months after closing) has passed: the contact, the e-mail followers and the photos staff did not publish.
 * The messages mailed to those addresses lose the address and their text (forgetNotificationRecipients), and
 * each deleted photo's bytes are removed from storage by a retrying job queued in the same transaction.
 * The description, the place, the public photos and the timeline stay: they are the city's public record of
 * what was reported and done. Residents following with their account stay too, with their own messages;
 * deleting the account is theirs to do. Each report gets an internal timeline entry, an audit record and a
 * `reports.personal_data_deleted` event, with counts only. A report already done comes back only when a
 * merge has since carried e-mail followers into it. Call again until `reports` is 0.
 */
export async function deleteExpiredPersonalData(
  options: DeleteExpiredPersonalDataOptions,
): Promise<PersonalDataDeletion> {
  const { services, tenantId, actor } = options;
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? RETENTION_BATCH_SIZE;
  return services.database.db.transaction(async (tx) => {
    const expired = (which: SQL, limit: number) =>
      tx
        .select({
          id: reports.id,
          reference: reports.reference,
          contactName: reports.contactName,
          contactEmail: reports.contactEmail,
          contactPhone: reports.contactPhone,
          retentionMonths: reportCategories.retentionMonths,
        })
        .from(reports)
        .innerJoin(reportCategories, eq(reportCategories.id, reports.categoryId))
        .where(
          and(
            eq(reports.tenantId, tenantId),
            ne(reports.statusCategory, "open"),
            lt(
              reports.closedAt,
              sql`${now.toISOString()}::timestamptz - make_interval(months => ${reportCategories.retentionMonths})`,
            ),
            which,
          ),
        )
        .orderBy(asc(reports.closedAt))
        .limit(limit)
        // A report a member is changing right now is left for the next run instead of waited for.
        .for("update", { of: reports, skipLocked: true });
    const due = await expired(isNull(reports.personalDataDeletedAt), batchSize);
    if (due.length < batchSize) {
      // Merging a duplicate into a report whose data is already gone carries its e-mail followers over;
      // they go too. Looked up from the (few) e-mail followers, not from every report deleted before.
      due.push(
        ...(await expired(
          and(
            isNotNull(reports.personalDataDeletedAt),
            inArray(
              reports.id,
              tx
                .select({ id: reportFollowers.reportId })
                .from(reportFollowers)
                .where(and(eq(reportFollowers.tenantId, tenantId), isNotNull(reportFollowers.email))),
            ),
          )!,
          batchSize - due.length,
        )),
      );
    }
    const totals: PersonalDataDeletion = {
      reports: due.length,
      contactFields: 0,
      emailFollowers: 0,
      photos: 0,
      notifications: 0,
    };
    if (due.length === 0) {
      return totals;
    }
    const ids = due.map((r) => r.id);
    const references = due.map((r) => r.reference);
    const followers = await tx
      .delete(reportFollowers)
      .where(
        and(
          eq(reportFollowers.tenantId, tenantId),
          inArray(reportFollowers.reportId, ids),
          isNotNull(reportFollowers.email),
        ),
      )
      .returning({ reportId: reportFollowers.reportId });
    const photos = await tx
      .delete(reportPhotos)
      .where(
        and(
          eq(reportPhotos.tenantId, tenantId),
          inArray(reportPhotos.reportId, ids),
          eq(reportPhotos.public, false),
        ),
      )
      .returning({ reportId: reportPhotos.reportId, fileId: reportPhotos.fileId });
    const files =
      photos.length > 0
        ? await tx
            .delete(storedFiles)
            .where(
              inArray(
                storedFiles.id,
                photos.map((p) => p.fileId),
              ),
            )
            .returning({ key: storedFiles.storageKey })
        : [];
    for (const file of files) {
      await enqueueJob(tx, { job: deleteStoredFileJob, payload: { key: file.key }, tenantId });
    }
    // Confirmation mails and updates went to the reporter's and e-mail followers' addresses under the
    // report's reference; a resident's own messages (resident_id set) are left to their account.
    totals.notifications = await forgetNotificationRecipients(tx, { tenantId, references });
    await tx
      .update(reports)
      .set({
        contactName: null,
        contactEmail: null,
        contactPhone: null,
        personalDataDeletedAt: now,
        updatedAt: now,
        version: sql`${reports.version} + 1`,
      })
      .where(and(eq(reports.tenantId, tenantId), inArray(reports.id, ids)));
    for (const report of due) {
      const deleted = {
        contactFields: [report.contactName, report.contactEmail, report.contactPhone].filter(
          (v) => v !== null,
        ).length,
        emailFollowers: followers.filter((f) => f.reportId === report.id).length,
        photos: photos.filter((p) => p.reportId === report.id).length,
        retentionMonths: report.retentionMonths,
      };
      totals.contactFields += deleted.contactFields;
      totals.emailFollowers += deleted.emailFollowers;
      totals.photos += deleted.photos;
      await tx.insert(reportEntries).values({
        tenantId,
        reportId: report.id,
        kind: "personal_data_deleted",
        actorType: actor.type,
        actorId: actor.id,
        public: false,
        data: deleted,
        createdAt: now,
      });
      await recordChange(tx, {
        tenantId,
        actor,
        action: "reports.report.delete_personal_data",
        resource: { type: "report", id: report.id },
        after: deleted,
        event: { name: "reports.personal_data_deleted", payload: { reportId: report.id, ...deleted } },
      });
    }
    return totals;
  });
}
