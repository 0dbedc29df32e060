import { and, eq, sql } from "drizzle-orm";
import { systemActor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { digitalKeys, facilityUnits } from "../schema.ts";
import { smartLockFor } from "../smart-lock.ts";

export type RevokeDigitalKeyOptions = { db: Db; tenantId: string; bookingId: string };

/** Revokes a cancelled booking's door code at the lock; nothing to do when none was issued. */
export async function revokeDigitalKey({ db, tenantId, bookingId }: RevokeDigitalKeyOptions): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .select({ key: digitalKeys, lockProvider: facilityUnits.lockProvider })
      .from(digitalKeys)
      .innerJoin(facilityUnits, eq(facilityUnits.id, digitalKeys.unitId))
      .where(and(eq(digitalKeys.bookingId, bookingId), eq(digitalKeys.tenantId, tenantId)))
      .for("update", { of: digitalKeys });
    if (!row || row.key.status === "revoked") {
      return;
    }
    if (row.key.lockReference) {
      await smartLockFor(row.lockProvider, tx).revokeCode({ tenantId, reference: row.key.lockReference });
    }
    await tx
      .update(digitalKeys)
      .set({ status: "revoked", revokedAt: sql`now()` })
      .where(eq(digitalKeys.id, row.key.id));
    await recordChange(tx, {
      tenantId,
      actor: systemActor,
      action: "facilities.digital_key.revoke",
      resource: { type: "facilities_booking", id: bookingId },
      after: { keyId: row.key.id },
      event: { name: "facilities.digital_key_revoked", payload: { bookingId, unitId: row.key.unitId } },
    });
  });
}
