import { Hono } from "hono";
import type { AppEnv } from "../../core/http/app-env.ts";
import { defineModule } from "../../core/module.ts";
import { appointmentsAdminPages } from "./admin-pages.ts";
import { sendRemindersJob } from "./jobs.ts";
import { appointmentsMessages } from "./messages.ts";
import { appointmentsPages } from "./pages.ts";
import { appointmentRecords } from "./resident-records.ts";
import { seedAppointments } from "./seeds.ts";
import { appointmentsStaffPages } from "./staff-pages.ts";
import { confirmAppointmentChanges } from "./subscribers.ts";

/** 窓口予約: residents book a time at a counter, answer its pre-questions, and are reminded the day before. */
export const appointmentsModule = defineModule({
  id: "appointments",
  name: { ja: "窓口予約", en: "Counter appointments" },
  migrations: new URL("./migrations/", import.meta.url),
  pages: new Hono<AppEnv>()
    .route("/", appointmentsPages)
    .route("/", appointmentsStaffPages)
    .route("/", appointmentsAdminPages),
  jobs: [sendRemindersJob],
  subscribers: [confirmAppointmentChanges],
  residentRecords: appointmentRecords,
  residentEntries: async () => [
    { href: "/appointments", label: { ja: "窓口の予約", en: "Book a counter appointment" } },
  ],
  staffPages: [
    {
      href: "/staff/appointments",
      label: { ja: "窓口予約", en: "Appointments" },
      verb: "appointments.appointment.read",
    },
  ],
  permissions: [
    {
      verb: "appointments.appointment.read",
      roles: ["department_manager", "staff", "read_only"],
      scope: "department",
      description: {
        ja: "窓口予約の一覧と事前質問の回答を見る",
        en: "See counter appointments and their answers",
      },
    },
    {
      verb: "appointments.appointment.manage",
      roles: ["department_manager", "staff"],
      scope: "department",
      description: {
        ja: "電話予約を登録し、来庁・不来庁を記録する",
        en: "Book for callers and record attendance",
      },
    },
    {
      verb: "appointments.type.manage",
      roles: ["department_manager"],
      scope: "department",
      description: {
        ja: "窓口予約の種類・受付時間・臨時休業日を設定する",
        en: "Set up kinds of counter appointment, their hours and closure dates",
      },
    },
  ],
  messages: appointmentsMessages,
  seed: seedAppointments,
});
