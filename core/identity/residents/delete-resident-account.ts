import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/database.ts";
import { recordChange } from "../../events/record-change.ts";
import { notifications } from "../../notifications/schema.ts";
import {
  passkeyCredentials,
  residentAttributes,
  residentConsents,
  residentIdentities,
  residents,
  sessions,
  signInCodes,
} from "../schema.ts";
import { ownedBy } from "./attribute-store.ts";

export type DeleteResidentAccountOptions = {
  tenantId: string;
  residentId: string;
  requestId?: string | null;
  ip?: string | null;
};

/**
 * Deletes the resident's profile, linked accounts, passkeys, messages and sessions. What the law makes the
 * city keep stays: submitted applications and other official records (公文書, under the city's retention
 * rules) and the audit log, now tied to an account id with no name or address. Consent records stay as the
 * proof of what was agreed, all marked withdrawn. Modules learn of the deletion from the event.
 */
export async function deleteResidentAccount(db: Db, options: DeleteResidentAccountOptions): Promise<void> {
  const { tenantId, residentId } = options;
  await db.transaction(async (tx) => {
    const [resident] = await tx
      .select()
      .from(residents)
      .where(and(eq(residents.tenantId, tenantId), eq(residents.id, residentId)))
      .for("update");
    if (!resident || resident.deletedAt) {
      return;
    }
    const owned = (table: Parameters<typeof ownedBy>[0]) => ownedBy(table, { tenantId, residentId });
    await tx.delete(residentAttributes).where(owned(residentAttributes));
    await tx.delete(residentIdentities).where(owned(residentIdentities));
    await tx.delete(passkeyCredentials).where(owned(passkeyCredentials));
    await tx.update(residentConsents).set({ withdrawnAt: new Date() }).where(owned(residentConsents));
    await tx
      .delete(notifications)
      .where(and(eq(notifications.tenantId, tenantId), eq(notifications.residentId, residentId)));
    if (resident.email) {
      await tx
        .delete(signInCodes)
        .where(and(eq(signInCodes.tenantId, tenantId), eq(signInCodes.email, resident.email)));
    }
    await tx
      .delete(sessions)
      .where(
        and(
          eq(sessions.tenantId, tenantId),
          eq(sessions.subjectType, "resident"),
          eq(sessions.subjectId, residentId),
        ),
      );
    await tx
      .update(residents)
      .set({ email: null, displayName: null, deletedAt: new Date() })
      .where(eq(residents.id, residentId));
    await recordChange(tx, {
      tenantId,
      actor: { type: "resident", id: residentId },
      action: "resident.account_deleted",
      resource: { type: "resident", id: residentId },
      event: { name: "resident.deleted", payload: { residentId } },
      requestId: options.requestId ?? null,
      ip: options.ip ?? null,
    });
  });
}
