import { and, desc, eq, type SQL } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import { type Payment, paymentsOfSubject } from "../../payments/index.ts";
import { BOOKING_SUBJECT } from "../booking-changes.ts";
import { bookingProblems } from "../problems.ts";
import {
  type Booking,
  bookings,
  type DigitalKey,
  digitalKeys,
  type Facility,
  type FacilityUnit,
  facilities,
  facilityUnits,
} from "../schema.ts";

export type ResidentBooking = { booking: Booking; unit: FacilityUnit; facility: Facility };

export type ReadResidentBookingsOptions = { db: Db; tenantId: string; residentId: string; limit?: number };

function ownBookings(db: Db, tenantId: string, residentId: string, extra?: SQL) {
  return db
    .select({ booking: bookings, unit: facilityUnits, facility: facilities })
    .from(bookings)
    .innerJoin(facilityUnits, eq(facilityUnits.id, bookings.unitId))
    .innerJoin(facilities, eq(facilities.id, facilityUnits.facilityId))
    .where(and(eq(bookings.tenantId, tenantId), eq(bookings.residentId, residentId), extra));
}

/** The resident's own bookings, latest use first. */
export async function readResidentBookings(o: ReadResidentBookingsOptions): Promise<ResidentBooking[]> {
  return ownBookings(o.db, o.tenantId, o.residentId)
    .orderBy(desc(bookings.startsAt))
    .limit(o.limit ?? 200);
}

export type ResidentBookingDetail = ResidentBooking & { key: DigitalKey | null; payments: Payment[] };

/** One booking of the resident with its door code and payments; someone else's booking is not found. */
export async function readResidentBooking(o: {
  db: Db;
  tenantId: string;
  residentId: string;
  bookingId: string;
}): Promise<ResidentBookingDetail> {
  const [found] = await ownBookings(o.db, o.tenantId, o.residentId, eq(bookings.id, o.bookingId));
  if (!found) {
    throw bookingProblems.notFound();
  }
  const [key] = await o.db
    .select()
    .from(digitalKeys)
    .where(and(eq(digitalKeys.bookingId, o.bookingId), eq(digitalKeys.tenantId, o.tenantId)));
  const requested = await paymentsOfSubject({
    db: o.db,
    tenantId: o.tenantId,
    subject: { module: "facilities", type: BOOKING_SUBJECT, id: o.bookingId },
  });
  return { ...found, key: key ?? null, payments: requested };
}
