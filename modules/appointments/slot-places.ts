import { sql } from "drizzle-orm";
import type { Db } from "../../core/db/database.ts";
import { queryRows } from "../../core/db/database.ts";

/**
 * Takes one place in a slot with a single guarded statement: the counter row is created at the first booking
 * and only ever moves while `taken < capacity`, so two requests cannot both get the last place, on either
 * driver. Returns false when the slot is full.
 */
export async function takePlace(
  tx: Db,
  o: { tenantId: string; typeId: string; startsAt: Date; capacity: number },
): Promise<boolean> {
  const rows = await queryRows<{ taken: number }>(
    tx,
    sql`INSERT INTO appointments_slot_counters AS counter (tenant_id, type_id, starts_at, capacity, taken)
        VALUES (${o.tenantId}, ${o.typeId}, ${o.startsAt.toISOString()}::timestamptz, ${o.capacity}, 1)
        ON CONFLICT (type_id, starts_at) DO UPDATE
          SET taken = counter.taken + 1, capacity = EXCLUDED.capacity
          WHERE counter.taken < EXCLUDED.capacity
        RETURNING taken`,
  );
  return rows.length === 1;
}

/** Gives a place back (cancellation, or the old slot of a move). */
export async function releasePlace(tx: Db, o: { typeId: string; startsAt: Date }): Promise<void> {
  await tx.execute(
    sql`UPDATE appointments_slot_counters SET taken = taken - 1
        WHERE type_id = ${o.typeId} AND starts_at = ${o.startsAt.toISOString()}::timestamptz AND taken > 0`,
  );
}

/**
 * Locks the existing counter rows of several slots of a type in start-time order. A move takes one slot and
 * gives another back; two moves in opposite directions locking in their own order would deadlock (40P01), so
 * every move locks both rows first, earliest slot first.
 */
export async function lockSlots(tx: Db, o: { typeId: string; startsAts: Date[] }): Promise<void> {
  await tx.execute(
    sql`SELECT 1 FROM appointments_slot_counters
        WHERE type_id = ${o.typeId}
          AND starts_at IN (${sql.join(
            o.startsAts.map((at) => sql`${at.toISOString()}::timestamptz`),
            sql`, `,
          )})
        ORDER BY starts_at
        FOR UPDATE`,
  );
}
