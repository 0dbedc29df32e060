import { and, desc, eq } from "drizzle-orm";
import type { ResidentRecord, ResidentRecordsQuery } from "../../core/module.ts";
import { paymentStateLabels } from "./payment-state.ts";
import { payments } from "./schema.ts";

/** The resident's payments for My page, newest change first, each linking to its pay page. */
export async function paymentRecords({
  db,
  tenantId,
  residentId,
}: ResidentRecordsQuery): Promise<ResidentRecord[]> {
  const rows = await db
    .select()
    .from(payments)
    .where(and(eq(payments.tenantId, tenantId), eq(payments.residentId, residentId)))
    .orderBy(desc(payments.updatedAt))
    .limit(100);
  return rows.map((payment) => ({
    kind: "payment",
    id: payment.id,
    title: {
      ja: `${payment.descriptionJa}（${payment.amount.toLocaleString("ja-JP")}円）`,
      en: `${payment.descriptionEn} (¥${payment.amount.toLocaleString("ja-JP")})`,
    },
    status: paymentStateLabels[payment.state],
    href: `/payments/${payment.id}`,
    updatedAt: payment.updatedAt,
  }));
}
