import { and, eq, gt, isNull, lte, sql } from "drizzle-orm";
import type { Db } from "../../core/db/database.ts";
import { testLockCodes } from "./schema.ts";

/**
 * A smart lock vendor (RemoteLOCK and the like) behind one interface: issue a door code for a unit and a
 * time window, revoke it. Which adapter a unit uses is data (facilities_units.lock_provider).
 */
export type SmartLock = {
  issueCode(o: {
    tenantId: string;
    unitId: string;
    pin: string;
    validFrom: Date;
    validUntil: Date;
  }): Promise<{ reference: string }>;
  revokeCode(o: { tenantId: string; reference: string }): Promise<void>;
};

/**
 * The built-in test lock: it remembers codes in a table like a real lock's memory, and `tryTestLock`
 * answers whether a PIN opens a unit at a moment. Used by the tests and the demo city.
 */
export function testLock(db: Db): SmartLock {
  return {
    async issueCode(o) {
      const [row] = await db
        .insert(testLockCodes)
        .values({
          tenantId: o.tenantId,
          unitId: o.unitId,
          pin: o.pin,
          validFrom: o.validFrom,
          validUntil: o.validUntil,
        })
        .returning({ id: testLockCodes.id });
      return { reference: row!.id };
    },
    async revokeCode(o) {
      await db
        .update(testLockCodes)
        .set({ revokedAt: sql`now()` })
        .where(and(eq(testLockCodes.id, o.reference), eq(testLockCodes.tenantId, o.tenantId)));
    },
  };
}

const adapters: Record<string, (db: Db) => SmartLock> = { test: testLock };

export function smartLockFor(provider: string, db: Db): SmartLock {
  const adapter = adapters[provider];
  if (!adapter) {
    throw new Error(`No smart lock adapter named ${provider}`);
  }
  return adapter(db);
}

/** Whether the test lock of a unit opens for a PIN at an instant. */
export async function tryTestLock(
  db: Db,
  o: { tenantId: string; unitId: string; pin: string; at: Date },
): Promise<boolean> {
  const rows = await db
    .select({ id: testLockCodes.id })
    .from(testLockCodes)
    .where(
      and(
        eq(testLockCodes.tenantId, o.tenantId),
        eq(testLockCodes.unitId, o.unitId),
        eq(testLockCodes.pin, o.pin),
        isNull(testLockCodes.revokedAt),
        lte(testLockCodes.validFrom, o.at),
        gt(testLockCodes.validUntil, o.at),
      ),
    );
  return rows.length > 0;
}
