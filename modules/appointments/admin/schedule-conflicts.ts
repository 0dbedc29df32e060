import { and, asc, eq, gt } from "drizzle-orm";
import { tokyoDate } from "../../../core/calendar/business-days.ts";
import type { Db } from "../../../core/db/database.ts";
import { ProblemError } from "../../../core/http/problem.ts";
import { slotsOfDay } from "../calendar.ts";
import { type Appointment, appointments, slotCounters } from "../schema.ts";
import type { Period } from "./weekly-hours.ts";

/** An upcoming appointment a schedule change would leave without its slot. */
export type StrandedAppointment = Pick<Appointment, "id" | "reference" | "startsAt" | "endsAt">;

/**
 * A change refused because upcoming appointments hold what it takes away; staff move or cancel those first.
 * `stranded` lists them for the page.
 */
export class ScheduleConflict extends ProblemError {
  readonly stranded: StrandedAppointment[];
  constructor(title: { ja: string; en: string }, stranded: StrandedAppointment[]) {
    super(409, "appointments-schedule-conflict", title, {
      detail: `Appointments affected: ${stranded.map((a) => a.reference).join(", ")}`,
    });
    this.stranded = stranded;
  }
}

/** The booked appointments of a type still to come, locked so no move races the check. */
async function upcoming(tx: Db, o: { tenantId: string; typeId: string; now: Date }) {
  return tx
    .select({
      id: appointments.id,
      reference: appointments.reference,
      startsAt: appointments.startsAt,
      endsAt: appointments.endsAt,
    })
    .from(appointments)
    .where(
      and(
        eq(appointments.tenantId, o.tenantId),
        eq(appointments.typeId, o.typeId),
        eq(appointments.status, "booked"),
        gt(appointments.startsAt, o.now),
      ),
    )
    .orderBy(asc(appointments.startsAt))
    .for("update");
}

/** Upcoming appointments whose time would no longer be a slot under these hours and this length. */
export async function strandedByHours(
  tx: Db,
  o: { tenantId: string; typeId: string; now: Date; periods: readonly Period[]; durationMinutes: number },
): Promise<StrandedAppointment[]> {
  const booked = await upcoming(tx, o);
  return booked.filter((appointment) => {
    const slots = slotsOfDay(
      { durationMinutes: o.durationMinutes },
      o.periods,
      tokyoDate(appointment.startsAt),
    );
    return !slots.some(
      (slot) =>
        slot.startsAt.getTime() === appointment.startsAt.getTime() &&
        slot.endsAt.getTime() === appointment.endsAt.getTime(),
    );
  });
}

/** Upcoming appointments on a day about to be closed. */
export async function strandedByClosure(
  tx: Db,
  o: { tenantId: string; typeId: string; now: Date; date: string },
): Promise<StrandedAppointment[]> {
  const booked = await upcoming(tx, o);
  return booked.filter((appointment) => tokyoDate(appointment.startsAt) === o.date);
}

/** Upcoming appointments in slots that hold more people than the new capacity allows. */
export async function strandedByCapacity(
  tx: Db,
  o: { tenantId: string; typeId: string; now: Date; capacity: number },
): Promise<StrandedAppointment[]> {
  const crowded = await tx
    .select({ startsAt: slotCounters.startsAt })
    .from(slotCounters)
    .where(
      and(
        eq(slotCounters.tenantId, o.tenantId),
        eq(slotCounters.typeId, o.typeId),
        gt(slotCounters.startsAt, o.now),
        gt(slotCounters.taken, o.capacity),
      ),
    )
    .for("update");
  if (crowded.length === 0) {
    return [];
  }
  const times = new Set(crowded.map((row) => row.startsAt.getTime()));
  return (await upcoming(tx, o)).filter((appointment) => times.has(appointment.startsAt.getTime()));
}
