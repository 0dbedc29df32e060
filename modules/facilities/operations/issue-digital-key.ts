import { randomInt } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { systemActor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { bookings, digitalKeys, facilityUnits } from "../schema.ts";
import { smartLockFor } from "../smart-lock.ts";

/** Minutes the door opens before the booking starts and after it ends (setting up, tidying). */
const MARGIN_MINUTES = 15;

export type IssueDigitalKeyOptions = { db: Db; tenantId: string; bookingId: string };

/**
 * Issues the booking's door code at the unit's lock and records it. Run by a job: a booking cancelled
 * before the job ran gets no code, and a second run finds the code already issued.
 */
export async function issueDigitalKey({ db, tenantId, bookingId }: IssueDigitalKeyOptions): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ booking: bookings, lockProvider: facilityUnits.lockProvider })
      .from(bookings)
      .innerJoin(facilityUnits, eq(facilityUnits.id, bookings.unitId))
      .where(and(eq(bookings.id, bookingId), eq(bookings.tenantId, tenantId)))
      .for("update", { of: bookings });
    if (row?.booking.status !== "confirmed") {
      return;
    }
    const [existing] = await tx.select().from(digitalKeys).where(eq(digitalKeys.bookingId, bookingId));
    if (existing) {
      return;
    }
    const { booking } = row;
    const pin = String(randomInt(0, 1_000_000)).padStart(6, "0");
    const validFrom = new Date(booking.startsAt.getTime() - MARGIN_MINUTES * 60_000);
    const validUntil = new Date(booking.endsAt.getTime() + MARGIN_MINUTES * 60_000);
    const { reference } = await smartLockFor(row.lockProvider, tx).issueCode({
      tenantId,
      unitId: booking.unitId,
      pin,
      validFrom,
      validUntil,
    });
    const [key] = await tx
      .insert(digitalKeys)
      .values({
        tenantId,
        bookingId,
        unitId: booking.unitId,
        pin,
        validFrom,
        validUntil,
        lockReference: reference,
      })
      .returning({ id: digitalKeys.id });
    await recordChange(tx, {
      tenantId,
      actor: systemActor,
      action: "facilities.digital_key.issue",
      resource: { type: "facilities_booking", id: bookingId },
      after: { keyId: key!.id, validFrom, validUntil },
      event: { name: "facilities.digital_key_issued", payload: { bookingId, unitId: booking.unitId } },
    });
  });
}
