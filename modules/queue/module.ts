import { Hono } from "hono";
import type { AppEnv } from "../../core/http/app-env.ts";
import { defineModule } from "../../core/module.ts";
import { queueAdminPages } from "./admin-pages.ts";
import { queueApi } from "./api.ts";
import { queueMessages } from "./messages.ts";
import { queuePages } from "./pages.ts";
import { queueTicketRecords } from "./resident-records.ts";
import { seedQueue } from "./seeds.ts";
import { queueStaffPages } from "./staff-pages.ts";
import { notifyTicketHoldersSubscriber } from "./subscribers.ts";

/** 窓口の順番待ち: numbered tickets per office and day, called to counters (待たない窓口). */
export const queueModule = defineModule({
  id: "queue",
  name: { ja: "窓口の順番待ち", en: "Queue tickets" },
  migrations: new URL("./migrations/", import.meta.url),
  pages: new Hono<AppEnv>().route("/", queuePages).route("/", queueAdminPages).route("/", queueStaffPages),
  api: queueApi,
  subscribers: [notifyTicketHoldersSubscriber],
  residentRecords: queueTicketRecords,
  staffPages: [{ href: "/staff/queue", label: { ja: "順番待ち", en: "Queue" }, verb: "queue.ticket.read" }],
  secretPaths: [/^\/queue\/t\/([^/]+)/],
  permissions: [
    {
      verb: "queue.ticket.read",
      roles: ["department_manager", "staff", "read_only"],
      scope: "department",
      description: { ja: "窓口の順番待ちを見る", en: "See an office's queue" },
    },
    {
      verb: "queue.office.manage",
      roles: ["department_manager"],
      scope: "department",
      description: {
        ja: "窓口の受付時間・カウンター・手続きの種類を設定する",
        en: "Set up offices: hours, counters and kinds of procedure",
      },
    },
    {
      verb: "queue.ticket.call",
      roles: ["department_manager", "staff"],
      scope: "department",
      description: {
        ja: "整理券を呼び出し、受付完了・不在・列に戻すを記録する",
        en: "Call tickets to counters and mark them done, absent or back in line",
      },
    },
  ],
  messages: queueMessages,
  seed: seedQueue,
  webhookEvents: [
    {
      name: "queue.ticket_issued",
      description: { ja: "整理券が発行された", en: "A queue ticket was issued" },
    },
    {
      name: "queue.ticket_called",
      description: { ja: "整理券が窓口に呼び出された", en: "A ticket was called to a counter" },
    },
    {
      name: "queue.ticket_completed",
      description: { ja: "整理券の受付が完了した", en: "A ticket was served" },
    },
  ],
});
