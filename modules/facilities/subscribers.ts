import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { defineSubscriber } from "../../core/events/define-subscriber.ts";
import { residents } from "../../core/identity/schema.ts";
import { ensureTemplate } from "../../core/notifications/save-template.ts";
import { sendNotification } from "../../core/notifications/send-notification.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import { BOOKING_SUBJECT, bookingPath } from "./booking-changes.ts";
import { confirmPaidBooking } from "./operations/confirm-paid-booking.ts";
import { formatSlot } from "./present.ts";
import { bookings, facilities, facilityUnits } from "./schema.ts";

const PaymentEvent = z.object({ paymentId: z.uuid(), subjectType: z.string(), subjectId: z.string() });

/** A booking's fee paid through the payments module confirms the 仮予約 (and issues its key). */
export const confirmPaidBookings = defineSubscriber({
  id: "facilities.confirm-paid-bookings",
  events: ["payments.payment_succeeded"],
  async handle(event, { services }) {
    const payload = PaymentEvent.parse(event.payload);
    if (payload.subjectType !== BOOKING_SUBJECT || !event.tenantId) {
      return;
    }
    await confirmPaidBooking({
      db: services.database.db,
      tenantId: event.tenantId,
      bookingId: payload.subjectId,
      paymentId: payload.paymentId,
    });
  },
});

const facilityChangeTemplates = {
  ja: {
    subject: "【((city))】施設予約取消のお知らせ（予約番号 ((reference))）",
    body: "施設の臨時休館または利用時間の変更のため、次の予約を取り消しました。申し訳ありません。\n((facility)) ((slot))\n((refund))\n詳しくはこちら: ((link))",
  },
  en: {
    subject: "[((city))] Your facility booking was cancelled (reference ((reference)))",
    body: "We are sorry: the facility closes or changes its hours at that time, so this booking was cancelled.\n((facility)) ((slot))\n((refund))\nDetails: ((link))",
  },
} as const;

const templates = {
  ja: {
    subject: "【((city))】施設予約取消のお知らせ（予約番号 ((reference))）",
    body: "市の行政使用のため、次の予約を取り消しました。申し訳ありません。\n((facility)) ((slot))\n((refund))\n詳しくはこちら: ((link))",
  },
  en: {
    subject: "[((city))] Your facility booking was cancelled (reference ((reference)))",
    body: "We are sorry: the city needs the facility for official use, so this booking was cancelled.\n((facility)) ((slot))\n((refund))\nDetails: ((link))",
  },
} as const;

const Cancelled = z.object({
  bookingId: z.uuid(),
  cancelReason: z.string().nullable(),
  residentId: z.uuid().nullable(),
});

/**
 * Residents whose booking the city overrode (行政使用, or a closure or schedule change) hear about it, with the
 * refund, in their language.
 */
export const notifyOfficialUseCancellations = defineSubscriber({
  id: "facilities.notify-official-use-cancellations",
  events: ["facilities.booking_cancelled"],
  async handle(event, { services }) {
    const payload = Cancelled.parse(event.payload);
    const notice =
      payload.cancelReason === "official_use"
        ? { key: "facilities.official_use_cancelled", texts: templates }
        : payload.cancelReason === "facility_change"
          ? { key: "facilities.facility_change_cancelled", texts: facilityChangeTemplates }
          : null;
    if (!notice || !payload.residentId || !event.tenantId) {
      return;
    }
    const tenantId = event.tenantId;
    const db = services.database.db;
    const [row] = await db
      .select({
        booking: bookings,
        unit: facilityUnits,
        facility: facilities,
        resident: residents,
        tenant: tenants,
      })
      .from(bookings)
      .innerJoin(facilityUnits, eq(facilityUnits.id, bookings.unitId))
      .innerJoin(facilities, eq(facilities.id, facilityUnits.facilityId))
      .innerJoin(residents, eq(residents.id, payload.residentId))
      .innerJoin(tenants, eq(tenants.id, bookings.tenantId))
      .where(and(eq(bookings.id, payload.bookingId), eq(bookings.tenantId, tenantId)));
    if (!row || row.resident.deletedAt) {
      return;
    }
    const language = row.resident.preferredLanguage;
    await db.transaction(async (tx) => {
      for (const lang of new Set(["ja", language] as const)) {
        await ensureTemplate(tx, {
          tenantId,
          key: notice.key,
          language: lang,
          ...notice.texts[lang],
        });
      }
      const refund = row.booking.refundAmount ?? 0;
      await sendNotification(tx, {
        tenantId,
        templateKey: notice.key,
        residentId: row.resident.id,
        language,
        channels: ["email", "inbox"],
        reference: row.booking.reference,
        personalisation: {
          city: language === "ja" ? row.tenant.nameJa : row.tenant.nameEn,
          reference: row.booking.reference,
          facility:
            language === "ja"
              ? `${row.facility.nameJa} ${row.unit.nameJa}`
              : `${row.facility.nameEn} ${row.unit.nameEn}`,
          slot: formatSlot(row.booking.startsAt, row.booking.endsAt, language),
          refund:
            refund > 0
              ? language === "ja"
                ? `お支払いの ${refund.toLocaleString("ja-JP")}円は全額返金します。`
                : `Your payment of ¥${refund.toLocaleString("en-US")} is refunded in full.`
              : "",
          link: bookingPath(row.booking.id),
        },
      });
    });
  },
});
