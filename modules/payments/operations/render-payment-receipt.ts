import { createHash, randomUUID } from "node:crypto";
import { and, eq, isNull, TransactionRollbackError } from "drizzle-orm";
import { problems } from "../../../core/http/problem.ts";
import type { Services } from "../../../core/services.ts";
import { storedFiles } from "../../../core/storage/schema.ts";
import { tenants } from "../../../core/tenancy/schema.ts";
import { renderPaymentReceiptPdf } from "../receipt/payment-receipt-pdf.ts";
import { payments } from "../schema.ts";

export type RenderPaymentReceiptOptions = { services: Services; tenantId: string; paymentId: string };

/**
 * The 領収書 of a successful payment, rendered once and kept in the file store (a refund clears it, so the
 * next one shows the refund). 404 while the payment is not paid: a receipt never precedes the money.
 */
export async function renderPaymentReceipt({
  services,
  tenantId,
  paymentId,
}: RenderPaymentReceiptOptions): Promise<{ bytes: Uint8Array; fileName: string }> {
  const db = services.database.db;
  const [row] = await db
    .select({ payment: payments, tenant: tenants, file: storedFiles })
    .from(payments)
    .innerJoin(tenants, eq(tenants.id, payments.tenantId))
    .leftJoin(storedFiles, eq(storedFiles.id, payments.receiptFileId))
    .where(and(eq(payments.id, paymentId), eq(payments.tenantId, tenantId)));
  if (row?.payment.state !== "success" || !row.payment.succeededAt) {
    throw problems.notFound();
  }
  const { payment, tenant } = row;
  const fileName = `receipt-${payment.reference.replace(/[^A-Za-z0-9_-]/g, "_")}.pdf`;
  if (row.file) {
    const stored = await services.storage.get(row.file.storageKey);
    if (stored) {
      return { bytes: stored, fileName };
    }
  }
  const lang = payment.locale;
  const bytes = await renderPaymentReceiptPdf({
    cityName: lang === "ja" ? tenant.nameJa : tenant.nameEn,
    lang,
    amount: payment.amount,
    description: lang === "ja" ? payment.descriptionJa : payment.descriptionEn,
    reference: payment.reference,
    paymentId: payment.id,
    receivedAt: payment.succeededAt!,
    refundedAmount: payment.refundedAmount,
  });
  const key = `payments/${tenantId}/receipts/${payment.id}-${randomUUID()}.pdf`;
  await services.storage.put(key, bytes, "application/pdf");
  const kept = await db
    .transaction(async (tx) => {
      const [file] = await tx
        .insert(storedFiles)
        .values({
          tenantId,
          storageKey: key,
          fileName,
          contentType: "application/pdf",
          sizeBytes: bytes.byteLength,
          sha256: createHash("sha256").update(bytes).digest("hex"),
        })
        .returning();
      // Only if nobody stored one meanwhile and the payment did not change (a refund) since it was read.
      const updated = await tx
        .update(payments)
        .set({ receiptFileId: file!.id })
        .where(
          and(
            eq(payments.id, payment.id),
            isNull(payments.receiptFileId),
            eq(payments.refundedAmount, payment.refundedAmount),
          ),
        )
        .returning({ id: payments.id });
      if (updated.length === 0) {
        tx.rollback();
      }
      return true;
    })
    .catch((error: unknown) => {
      if (error instanceof TransactionRollbackError) {
        return false;
      }
      throw error;
    });
  if (!kept) {
    await services.storage.delete(key);
  }
  return { bytes, fileName };
}
