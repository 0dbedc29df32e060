import type { ResidentRecord, ResidentRecordsQuery } from "../../core/module.ts";
import { readResidentBookings } from "./operations/read-resident-bookings.ts";
import { bookingStatusLabels, formatSlot } from "./present.ts";

/** The resident's facility bookings for My page, each linking to its page. */
export async function bookingRecords({
  db,
  tenantId,
  residentId,
}: ResidentRecordsQuery): Promise<ResidentRecord[]> {
  const items = await readResidentBookings({ db, tenantId, residentId, limit: 100 });
  return items.map(({ booking, unit, facility }) => ({
    kind: "booking",
    id: booking.id,
    title: {
      ja: `${facility.nameJa} ${unit.nameJa} ${formatSlot(booking.startsAt, booking.endsAt, "ja")}`,
      en: `${facility.nameEn} ${unit.nameEn} ${formatSlot(booking.startsAt, booking.endsAt, "en")}`,
    },
    status: bookingStatusLabels[booking.status],
    href: `/my/bookings/${booking.id}`,
    updatedAt: booking.updatedAt,
  }));
}
