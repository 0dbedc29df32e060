import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { systemActor } from "../../core/audit/actor.ts";
import { findCaseBySubject } from "../../core/cases/operations/find-case-by-subject.ts";
import { setCaseNextAction } from "../../core/cases/operations/set-case-next-action.ts";
import { defineSubscriber } from "../../core/events/define-subscriber.ts";
import { cancelPayment, paymentsOfSubject } from "../payments/index.ts";
import { APPLICATION_SUBJECT, applicationPath } from "./application-case.ts";
import { recordFeePayment } from "./operations/record-fee-payment.ts";
import { applications, forms } from "./schema.ts";

const PaymentEvent = z.object({
  subjectModule: z.string(),
  subjectType: z.string(),
  subjectId: z.uuid(),
  caseId: z.uuid().nullable(),
  amount: z.number().int(),
  /** A duplicate payment the payments module refunded by itself: the first payment still pays the fee. */
  automatic: z.boolean().optional(),
});

/** A fee paid or refunded through the payments module updates the application it was for. */
export const recordApplicationPayments = defineSubscriber({
  id: "forms.record-application-payments",
  events: ["payments.payment_succeeded", "payments.payment_refunded"],
  async handle(event, { services }) {
    const payload = PaymentEvent.parse(event.payload);
    if (payload.subjectType !== APPLICATION_SUBJECT || !event.tenantId || payload.automatic) {
      return;
    }
    const tenantId = event.tenantId;
    await services.database.db.transaction((tx) =>
      recordFeePayment({
        tx,
        tenantId,
        actor: systemActor,
        applicationId: payload.subjectId,
        caseId: payload.caseId,
        change: {
          kind: event.name === "payments.payment_succeeded" ? "paid" : "refunded",
          amount: payload.amount,
        },
      }),
    );
  },
});

const CaseStatusChanged = z.object({
  caseId: z.uuid(),
  subjectType: z.string(),
  subjectId: z.uuid(),
  to: z.string(),
});

/**
 * Tells the resident what to do next on My page when staff return an application (差し戻し): correct it on
 * the check-answers page of its pinned version.
 */
export const offerCorrection = defineSubscriber({
  id: "forms.offer-correction",
  events: ["cases.case_status_changed"],
  async handle(event, { services }) {
    const payload = CaseStatusChanged.parse(event.payload);
    if (payload.subjectType !== APPLICATION_SUBJECT || payload.to !== "returned" || !event.tenantId) {
      return;
    }
    const tenantId = event.tenantId;
    const db = services.database.db;
    const [row] = await db
      .select({ slug: forms.slug, residentId: applications.residentId })
      .from(applications)
      .innerJoin(forms, eq(forms.id, applications.formId))
      .where(and(eq(applications.id, payload.subjectId), eq(applications.tenantId, tenantId)));
    const current = await findCaseBySubject({
      db,
      tenantId,
      subjectType: APPLICATION_SUBJECT,
      subjectId: payload.subjectId,
    });
    // Already corrected and resubmitted by the time this ran, or a guest or paper application without an
    // account to correct it in (staff reach those applicants by phone or post): nothing to offer.
    if (!row?.residentId || current?.status !== "returned") {
      return;
    }
    await db.transaction((tx) =>
      setCaseNextAction({
        tx,
        tenantId,
        caseId: payload.caseId,
        nextAction: {
          kind: "correct",
          href: `${applicationPath(row.slug, payload.subjectId)}/check`,
        },
      }),
    );
  },
});

/**
 * A withdrawn or rejected application owes nothing: payment requests not paid yet are withdrawn, so the
 * resident cannot pay for a closed case. One being paid right now is retried later (the job backs off); a
 * payment that already went through is for staff to refund.
 */
export const withdrawPaymentsOfClosedApplications = defineSubscriber({
  id: "forms.withdraw-payments-of-closed-applications",
  events: ["cases.case_status_changed"],
  async handle(event, { services }) {
    const payload = CaseStatusChanged.parse(event.payload);
    if (
      payload.subjectType !== APPLICATION_SUBJECT ||
      !["rejected", "withdrawn"].includes(payload.to) ||
      !event.tenantId
    ) {
      return;
    }
    const tenantId = event.tenantId;
    await services.database.db.transaction(async (tx) => {
      const subject = { module: "forms", type: APPLICATION_SUBJECT, id: payload.subjectId };
      for (const payment of await paymentsOfSubject({ db: tx, tenantId, subject })) {
        if (!payment.finished) {
          await cancelPayment({ tx, tenantId, actor: systemActor, paymentId: payment.id });
        }
      }
    });
  },
});
