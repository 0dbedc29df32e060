import { Hono } from "hono";
import type { AppEnv } from "../../core/http/app-env.ts";
import { defineModule } from "../../core/module.ts";
import { UNSUBSCRIBE_PATH_PATTERN } from "./follower-links.ts";
import { reportJobs } from "./jobs.ts";
import { reportMapData } from "./map-data.ts";
import { reportMessages } from "./messages.ts";
import { open311ErrorFormat } from "./open311/format.ts";
import { open311Routes } from "./open311/routes.ts";
import { reportPublicPages } from "./public-pages.ts";
import { reportResidentPages } from "./resident-pages.ts";
import { reportResidentRecords } from "./resident-records.ts";
import { seedReports } from "./seeds.ts";
import { reportSetupPages } from "./setup-pages.ts";
import { reportStaffPages } from "./staff-pages.ts";
import { reportSubscribers } from "./subscribers.ts";

/** 通報: residents report road damage, broken lights, dumping, dead animals; staff route and fix them. */
export const reportsModule = defineModule({
  id: "reports",
  name: { ja: "通報", en: "Reports" },
  migrations: new URL("./migrations/", import.meta.url),
  pages: new Hono<AppEnv>()
    .route("/", reportMapData)
    .route("/", reportResidentPages)
    .route("/", reportPublicPages)
    .route("/", reportStaffPages)
    .route("/", reportSetupPages)
    .route("/", open311Routes),
  residentEntries: async () => [
    { href: "/reports/new", label: { ja: "道路や公園の不具合を通報する", en: "Report a problem" } },
  ],
  residentRecords: reportResidentRecords,
  secretPaths: [UNSUBSCRIBE_PATH_PATTERN],
  errorFormats: [open311ErrorFormat],
  jobs: reportJobs,
  subscribers: reportSubscribers,
  staffPages: [
    { href: "/staff/reports", label: { ja: "通報", en: "Reports" }, verb: "reports.report.read" },
    {
      href: "/staff/reports/setup",
      label: { ja: "通報の設定", en: "Report settings" },
      verb: "reports.setup.manage",
    },
    {
      href: "/staff/reports/api-keys",
      label: { ja: "Open311 APIキー", en: "Open311 API keys" },
      verb: "reports.setup.manage",
    },
  ],
  permissions: [
    {
      verb: "reports.report.read",
      roles: ["department_manager", "staff", "read_only"],
      scope: "department",
      description: { ja: "通報を見る（連絡先・写真を含む）", en: "See reports, with contacts and photos" },
    },
    {
      verb: "reports.report.handle",
      roles: ["department_manager", "staff"],
      scope: "department",
      description: {
        ja: "通報を担当・回答・状態変更・統合し、電話やパトロールで受けた通報を入力する",
        en: "Assign, reply to, change, merge reports, and enter reports taken by phone or on patrol",
      },
    },
    {
      verb: "reports.report.export",
      roles: ["department_manager"],
      scope: "department",
      description: {
        ja: "通報をCSVで書き出す（個人情報を含む）",
        en: "Export reports as CSV (with personal data)",
      },
    },
    {
      verb: "reports.setup.manage",
      roles: [],
      description: {
        ja: "通報の種類・状態・区域・振り分けルール・定型文・Open311のAPIキーを設定する",
        en: "Set up report categories, statuses, areas, routing rules, reply templates and Open311 API keys",
      },
    },
  ],
  messages: reportMessages,
  seed: seedReports,
  webhookEvents: [
    {
      name: "reports.report_submitted",
      description: { ja: "通報を受け付けた", en: "A report was received" },
    },
    {
      name: "reports.report_status_changed",
      description: { ja: "通報の状態が変わった", en: "A report's status changed" },
    },
  ],
});
