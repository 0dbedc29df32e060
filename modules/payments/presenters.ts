import { z } from "@hono/zod-openapi";
import type { PaymentRecord } from "./operations/read-payments.ts";
import { paymentStates, transitionSources } from "./payment-state.ts";
import { refundableAmount } from "./refund-amounts.ts";
import { providerNames, refundStates } from "./schema.ts";

export const PaymentSchema = z
  .object({
    id: z.uuid(),
    state: z.enum(paymentStates),
    finished: z.boolean(),
    amount: z.number().int(),
    refundedAmount: z.number().int(),
    refundableAmount: z.number().int(),
    currency: z.literal("JPY"),
    provider: z.enum(providerNames),
    reference: z.string(),
    description: z.object({ ja: z.string(), en: z.string() }),
    subject: z.object({ module: z.string(), type: z.string(), id: z.string() }),
    caseId: z.uuid().nullable(),
    failure: z.object({ code: z.string(), message: z.string() }).nullable(),
    createdAt: z.string(),
    succeededAt: z.string().nullable(),
    refunds: z.array(
      z.object({
        id: z.uuid(),
        amount: z.number().int(),
        state: z.enum(refundStates),
        reason: z.string(),
        /** Made by the system: a duplicate charge given back. */
        automatic: z.boolean(),
        createdAt: z.string(),
      }),
    ),
    transitions: z.array(
      z.object({
        from: z.enum(paymentStates),
        to: z.enum(paymentStates),
        source: z.enum(transitionSources),
        at: z.string(),
      }),
    ),
  })
  .openapi("Payment");
export type PaymentJson = z.infer<typeof PaymentSchema>;

export function presentPayment({ payment, refunds, transitions }: PaymentRecord): PaymentJson {
  return {
    id: payment.id,
    state: payment.state,
    finished: payment.finished,
    amount: payment.amount,
    refundedAmount: payment.refundedAmount,
    refundableAmount: refundableAmount(payment, refunds),
    currency: payment.currency,
    provider: payment.provider,
    reference: payment.reference,
    description: { ja: payment.descriptionJa, en: payment.descriptionEn },
    subject: { module: payment.subjectModule, type: payment.subjectType, id: payment.subjectId },
    caseId: payment.caseId,
    failure: payment.failureCode
      ? { code: payment.failureCode, message: payment.failureMessage ?? "" }
      : null,
    createdAt: payment.createdAt.toISOString(),
    succeededAt: payment.succeededAt?.toISOString() ?? null,
    refunds: refunds.map((r) => ({
      id: r.id,
      amount: r.amount,
      state: r.state,
      reason: r.reason,
      automatic: r.duplicate,
      createdAt: r.createdAt.toISOString(),
    })),
    transitions: transitions.map((t) => ({
      from: t.fromState,
      to: t.toState,
      source: t.source,
      at: t.at.toISOString(),
    })),
  };
}
