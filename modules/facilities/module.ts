import { Hono } from "hono";
import type { AppEnv } from "../../core/http/app-env.ts";
import { defineModule } from "../../core/module.ts";
import { facilitiesApi } from "./api.ts";
import { expireProvisionalBookingsJob, issueDigitalKeyJob, revokeDigitalKeyJob } from "./jobs.ts";
import { facilitiesPages } from "./pages.ts";
import { bookingRecords } from "./resident-records.ts";
import { seedFacilities } from "./seeds.ts";
import { facilitySetupPages } from "./setup-pages.ts";
import { facilitiesStaffPages } from "./staff-pages.ts";
import { confirmPaidBookings, notifyOfficialUseCancellations } from "./subscribers.ts";

/** 施設予約: residents book rooms and courts of public facilities, pay, and get a door code. */
export const facilitiesModule = defineModule({
  id: "facilities",
  name: { ja: "施設予約", en: "Facility reservations" },
  migrations: new URL("./migrations/", import.meta.url),
  pages: new Hono<AppEnv>()
    .route("/", facilitiesPages)
    .route("/", facilitiesStaffPages)
    .route("/", facilitySetupPages),
  api: facilitiesApi,
  residentRecords: bookingRecords,
  residentEntries: async () => [
    { href: "/facilities", label: { ja: "施設を予約する", en: "Book a facility" } },
  ],
  jobs: [issueDigitalKeyJob, revokeDigitalKeyJob, expireProvisionalBookingsJob],
  subscribers: [confirmPaidBookings, notifyOfficialUseCancellations],
  secretPaths: [/^\/calendar\/([^/]+)\.ics$/],
  staffPages: [
    {
      href: "/staff/facilities",
      label: { ja: "施設予約", en: "Facility bookings" },
      verb: "facilities.booking.read",
    },
    {
      href: "/staff/facilities/setup",
      label: { ja: "施設の設定", en: "Facility setup" },
      verb: "facilities.facility.manage",
    },
  ],
  permissions: [
    {
      verb: "facilities.booking.read",
      roles: ["department_manager", "staff", "read_only"],
      description: { ja: "施設の予約を見る", en: "See facility bookings" },
    },
    {
      verb: "facilities.booking.manage",
      roles: ["department_manager", "staff"],
      description: { ja: "無断欠席を記録する", en: "Mark no-shows" },
    },
    {
      verb: "facilities.official_use.create",
      roles: ["department_manager"],
      description: {
        ja: "行政使用で施設を押さえる（既存の予約を取り消す）",
        en: "Book official use (cancels bookings)",
      },
    },
    {
      // Facilities carry no department: the city's facility managers set them all up.
      verb: "facilities.facility.manage",
      roles: ["department_manager"],
      scope: "tenant",
      description: {
        ja: "施設・部屋・休館日・使用料と予約の規則を設定する",
        en: "Set up facilities, rooms, closures, fees and booking rules",
      },
    },
    {
      verb: "facilities.group.approve",
      roles: ["department_manager", "staff"],
      description: { ja: "団体登録を承認する", en: "Approve group registrations" },
    },
  ],
  // Bookings as the city's systems (施設管理・会計) may receive them; payloads carry ids and times, no names.
  webhookEvents: [
    {
      name: "facilities.booking_confirmed",
      description: { ja: "施設予約が確定した", en: "A facility booking was confirmed" },
    },
    {
      name: "facilities.booking_cancelled",
      description: { ja: "施設予約が取り消された", en: "A facility booking was cancelled" },
    },
    {
      name: "facilities.booking_expired",
      description: { ja: "仮予約が期限切れになった", en: "A provisional booking expired" },
    },
  ],
  seed: seedFacilities,
});
