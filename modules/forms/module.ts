import { defineModule } from "../../core/module.ts";
import { applicationExportPermission } from "./export-api.ts";
import { discardDraftsOfDeletedResident, discardExpiredDraftsJob, renderReceiptJob } from "./jobs.ts";
import { formsMessages } from "./messages.ts";
import { formsPages } from "./pages.ts";
import { importPostalCodesCommand } from "./postal-codes/command.ts";
import { applicationRecords } from "./resident-records.ts";
import { seedForms } from "./seeds.ts";
import { formsStaffApi } from "./staff-api.ts";
import {
  offerCorrection,
  recordApplicationPayments,
  withdrawPaymentsOfClosedApplications,
} from "./subscribers.ts";
import { formsWebhookEvents } from "./webhook-payloads.ts";

/** 電子申請: forms staff build without code, and residents' applications through them. */
export const formsModule = defineModule({
  id: "forms",
  name: { ja: "電子申請", en: "Online applications" },
  migrations: new URL("./migrations/", import.meta.url),
  pages: formsPages,
  staffApi: formsStaffApi,
  jobs: [renderReceiptJob, discardExpiredDraftsJob],
  subscribers: [
    discardDraftsOfDeletedResident,
    recordApplicationPayments,
    offerCorrection,
    withdrawPaymentsOfClosedApplications,
  ],
  residentRecords: applicationRecords,
  // A guest's resume link: the key after the application id lets its holder continue the application.
  secretPaths: [/^\/forms\/resume\/[0-9a-f-]{36}\.([A-Za-z0-9_-]+)/],
  commands: [importPostalCodesCommand],
  webhookEvents: formsWebhookEvents,
  permissions: [
    applicationExportPermission,
    {
      verb: "forms.form.read",
      roles: ["department_manager", "staff", "read_only", "operator"],
      scope: "department",
      description: { ja: "申請フォームを見る", en: "See forms" },
    },
    {
      verb: "forms.form.manage",
      roles: ["department_manager", "staff"],
      scope: "department",
      description: { ja: "申請フォームを作成・編集する", en: "Create and edit forms" },
    },
    {
      verb: "forms.form.publish",
      roles: ["department_manager"],
      scope: "department",
      description: { ja: "申請フォームを公開・公開停止する", en: "Publish and unpublish forms" },
    },
    {
      verb: "forms.application.process",
      roles: ["department_manager", "staff"],
      scope: "department",
      description: { ja: "申請を処理する（手数料の確定など）", en: "Process applications (e.g. set fees)" },
    },
    {
      verb: "forms.application.read",
      roles: ["department_manager", "staff", "read_only", "operator"],
      scope: "department",
      description: { ja: "申請の内容を見る", en: "See applications" },
    },
  ],
  messages: formsMessages,
  seed: seedForms,
});
