import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import { type Payment, payments } from "../schema.ts";

export type PaymentsOfSubjectOptions = {
  db: Db;
  tenantId: string;
  subject: { module: string; type: string; id: string };
};

/** Every payment asked for one subject, oldest first, whatever its state (see totalsOf for money). */
export async function paymentsOfSubject({
  db,
  tenantId,
  subject,
}: PaymentsOfSubjectOptions): Promise<Payment[]> {
  return db
    .select()
    .from(payments)
    .where(
      and(
        eq(payments.tenantId, tenantId),
        eq(payments.subjectModule, subject.module),
        eq(payments.subjectType, subject.type),
        eq(payments.subjectId, subject.id),
      ),
    )
    .orderBy(asc(payments.createdAt), asc(payments.id));
}
