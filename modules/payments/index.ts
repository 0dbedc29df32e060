// The payments module's public API: what other modules (forms) may use. Nothing else is imported across.
export { paymentsModule } from "./module.ts";
export { type CancelPaymentOptions, cancelPayment } from "./operations/cancel-payment.ts";
export { type PaymentsOfSubjectOptions, paymentsOfSubject } from "./operations/payments-of-subject.ts";
export { type RefundPaymentOptions, refundPayment } from "./operations/refund-payment.ts";
export { type RequestPaymentOptions, requestPayment } from "./operations/request-payment.ts";
export { isFinished, type PaymentState, paymentStateLabels, paymentStates } from "./payment-state.ts";
export { totalsOf } from "./refund-amounts.ts";
export type { Payment } from "./schema.ts";
