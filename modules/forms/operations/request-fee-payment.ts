import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import { findCaseBySubject } from "../../../core/cases/operations/find-case-by-subject.ts";
import { setCaseNextAction } from "../../../core/cases/operations/set-case-next-action.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { ensureTemplate } from "../../../core/notifications/save-template.ts";
import { sendNotification } from "../../../core/notifications/send-notification.ts";
import { APPLICATION_SUBJECT, requestApplicationFee } from "../application-case.ts";
import { localized } from "../definition/display-answer.ts";
import { type Application, applications, forms, formVersions } from "../schema.ts";

export type RequestFeePaymentOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  applicationId: string;
  /** Yen, confirmed by staff after review (事後決済). */
  amount: number;
  cityName: string;
  /** Where links in the message point, e.g. https://city.example.jp */
  origin: string;
  requestId?: string | null;
};

export type RequestFeePaymentResult =
  | { ok: true; application: Application; paymentId: string }
  | { ok: false; reason: { ja: string; en: string } };

export const PAYMENT_REQUESTED_TEMPLATE = "forms.payment_requested";

const templates = {
  ja: {
    subject: "【((city))】手数料のお支払いのお願い（受付番号 ((reference))）",
    body: "「((form))」の申請の手数料が確定しました。\n\n金額: ((amount))\n\n次のリンクからお支払いください。\n((url))",
  },
  en: {
    subject: "[((city))] Please pay the fee (reference ((reference)))",
    body: 'The fee for your application "((form))" has been set.\n\nAmount: ((amount))\n\nPay it here:\n((url))',
  },
} as const;

/**
 * 事後決済: after reviewing a submitted application, staff set the fee and the resident is sent a payment
 * link. Refused while a fee is already paid or has been asked for, so nobody is charged twice.
 */
export async function requestFeePayment(options: RequestFeePaymentOptions): Promise<RequestFeePaymentResult> {
  const { tx, tenantId, amount } = options;
  const [row] = await tx
    .select({ application: applications, slug: forms.slug, definition: formVersions.definition })
    .from(applications)
    .innerJoin(forms, eq(forms.id, applications.formId))
    .innerJoin(formVersions, eq(formVersions.id, applications.formVersionId))
    .where(and(eq(applications.id, options.applicationId), eq(applications.tenantId, tenantId)))
    .for("update", { of: applications });
  if (!row?.application.submittedAt) {
    return {
      ok: false,
      reason: { ja: "提出された申請ではありません", en: "The application is not submitted" },
    };
  }
  const { application, definition } = row;
  const found = await findCaseBySubject({
    db: tx,
    tenantId,
    subjectType: APPLICATION_SUBJECT,
    subjectId: application.id,
  });
  if (!found || ["completed", "rejected", "withdrawn"].includes(found.status)) {
    return { ok: false, reason: { ja: "この申請は処理を終えています", en: "This application is closed" } };
  }
  if (!application.residentId && !application.guestEmail) {
    return {
      ok: false,
      reason: {
        ja: "この申請者には連絡先（アカウント・メール）がないため、支払いのリンクを送れません。窓口でお支払いください",
        en: "This applicant has no account or e-mail to send a payment link to; take the fee at the counter",
      },
    };
  }
  if (!["awaiting_amount", "not_required"].includes(application.paymentStatus)) {
    return {
      ok: false,
      reason: {
        ja: "この申請の手数料は、すでにお支払いの依頼または支払いが済んでいます",
        en: "This application's fee has already been requested or paid",
      },
    };
  }
  const [updated] = await tx
    .update(applications)
    .set({ feeAmount: amount, paymentStatus: "unpaid", receiptFileId: null, updatedAt: new Date() })
    .where(eq(applications.id, application.id))
    .returning();
  await recordChange(tx, {
    tenantId,
    actor: options.actor,
    action: "forms.application.request_payment",
    resource: { type: "forms_application", id: application.id },
    before: { paymentStatus: application.paymentStatus, feeAmount: application.feeAmount },
    after: { paymentStatus: "unpaid", feeAmount: amount },
    requestId: options.requestId ?? null,
  });
  const { payment, payPath } = await requestApplicationFee({
    tx,
    tenantId,
    actor: options.actor,
    form: { slug: row.slug },
    definition,
    application: updated!,
    caseId: found.id,
    amount,
    requestId: options.requestId ?? null,
  });
  await setCaseNextAction({
    tx,
    tenantId,
    caseId: found.id,
    nextAction: { kind: "pay", href: `/payments/${payment.id}` },
  });
  const language = application.locale;
  const email = application.residentId ? undefined : (application.guestEmail ?? undefined);
  if (application.residentId || email) {
    await ensureTemplate(tx, { tenantId, key: PAYMENT_REQUESTED_TEMPLATE, language, ...templates[language] });
    await sendNotification(tx, {
      tenantId,
      templateKey: PAYMENT_REQUESTED_TEMPLATE,
      ...(application.residentId ? { residentId: application.residentId } : { email }),
      language,
      channels: application.residentId ? ["email", "inbox"] : ["email"],
      reference: application.referenceNumber!,
      personalisation: {
        city: options.cityName,
        form: localized(definition.title, language),
        reference: application.referenceNumber!,
        amount:
          language === "ja" ? `${amount.toLocaleString("ja-JP")}円` : `¥${amount.toLocaleString("ja-JP")}`,
        url: new URL(payPath, options.origin).toString(),
      },
    });
  }
  return { ok: true, application: updated!, paymentId: payment.id };
}
