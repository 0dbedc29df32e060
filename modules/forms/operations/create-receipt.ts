import { createHash, randomUUID } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Services } from "../../../core/services.ts";
import { storedFiles } from "../../../core/storage/schema.ts";
import { tenants } from "../../../core/tenancy/schema.ts";
import { answerRows } from "../answer-rows.ts";
import { officialAnswers } from "../application-case.ts";
import { localized } from "../definition/display-answer.ts";
import { renderReceiptPdf } from "../receipt/receipt-pdf.ts";
import { applications, formVersions } from "../schema.ts";

export type CreateReceiptOptions = { services: Services; tenantId: string; applicationId: string };

/**
 * The receipt PDF (申請受付控え) of a submitted application, rendered once and kept in the file store.
 * Returns the stored file's key and bytes; a second call returns the stored one.
 */
export async function createReceipt({
  services,
  tenantId,
  applicationId,
}: CreateReceiptOptions): Promise<{ key: string; bytes: Uint8Array }> {
  const db = services.database.db;
  const [row] = await db
    .select({ application: applications, version: formVersions, tenant: tenants, file: storedFiles })
    .from(applications)
    .innerJoin(formVersions, eq(formVersions.id, applications.formVersionId))
    .innerJoin(tenants, eq(tenants.id, applications.tenantId))
    .leftJoin(storedFiles, eq(storedFiles.id, applications.receiptFileId))
    .where(and(eq(applications.id, applicationId), eq(applications.tenantId, tenantId)));
  if (!row?.application.submittedAt || !row.application.referenceNumber) {
    throw new Error(`Application ${applicationId} is not submitted`);
  }
  if (row.file) {
    const stored = await services.storage.get(row.file.storageKey);
    if (stored) {
      return { key: row.file.storageKey, bytes: stored };
    }
  }
  const { application, version, tenant } = row;
  const lang = application.locale;
  const definition = version.definition;
  const bytes = await renderReceiptPdf({
    cityName: lang === "ja" ? tenant.nameJa : tenant.nameEn,
    formTitle: localized(definition.title, lang),
    referenceNumber: application.referenceNumber!,
    submittedAt: application.submittedAt!,
    lang,
    rows: answerRows({
      definition,
      answers: officialAnswers(application),
      provenance: application.provenance,
      lang,
    }),
    fee:
      application.feeAmount && application.feeAmount > 0
        ? { amount: application.feeAmount, status: application.paymentStatus === "paid" ? "paid" : "unpaid" }
        : null,
    ...(definition.confirmationText ? { note: localized(definition.confirmationText, lang) } : {}),
  });
  const key = `forms/${tenantId}/receipts/${application.id}-${randomUUID()}.pdf`;
  await services.storage.put(key, bytes, "application/pdf");
  const saved = await db
    .transaction(async (tx) => {
      const [file] = await tx
        .insert(storedFiles)
        .values({
          tenantId,
          storageKey: key,
          fileName: `receipt-${application.referenceNumber}.pdf`,
          contentType: "application/pdf",
          sizeBytes: bytes.byteLength,
          sha256: createHash("sha256").update(bytes).digest("hex"),
        })
        .returning();
      const updated = await tx
        .update(applications)
        .set({ receiptFileId: file!.id })
        .where(and(eq(applications.id, application.id), isNull(applications.receiptFileId)))
        .returning({ id: applications.id });
      if (updated.length === 0) {
        throw new ReceiptRaceLost();
      }
      return true;
    })
    .catch((error: unknown) => {
      if (error instanceof ReceiptRaceLost) {
        return false;
      }
      throw error;
    });
  if (!saved) {
    // Someone else stored a receipt first (the job and a download racing); theirs is the one kept.
    await services.storage.delete(key);
    return createReceipt({ services, tenantId, applicationId });
  }
  return { key, bytes };
}

/** Rolls back the file row of a receipt another request stored first. */
class ReceiptRaceLost extends Error {}
