import { defineModule } from "../../core/module.ts";
import { reconcilePaymentsJob, renderPaymentReceiptJob, submitRefundJob } from "./jobs.ts";
import { paymentsMessages } from "./messages.ts";
import { paymentsPages } from "./pages.ts";
import { deliverTestWebhookJob } from "./providers/test-provider-jobs.ts";
import { paymentRecords } from "./resident-records.ts";
import { seedPayments } from "./seeds.ts";
import { paymentsStaffApi } from "./staff-api.ts";

/** 決済: fees residents pay online, through the payment provider each city contracts with. */
export const paymentsModule = defineModule({
  id: "payments",
  name: { ja: "決済", en: "Payments" },
  migrations: new URL("./migrations/", import.meta.url),
  pages: paymentsPages,
  staffApi: paymentsStaffApi,
  jobs: [reconcilePaymentsJob, submitRefundJob, renderPaymentReceiptJob, deliverTestWebhookJob],
  residentRecords: paymentRecords,
  permissions: [
    {
      verb: "payments.payment.read",
      roles: ["department_manager", "staff", "read_only"],
      scope: "department",
      description: { ja: "決済と返金の記録を見る", en: "See payments and refunds" },
    },
    {
      verb: "payments.payment.refund",
      roles: ["department_manager"],
      scope: "department",
      description: { ja: "決済を返金する", en: "Refund payments" },
    },
  ],
  messages: paymentsMessages,
  seed: seedPayments,
});
