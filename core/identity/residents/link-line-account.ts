import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/database.ts";
import { recordChange } from "../../events/record-change.ts";
import { residentIdentities } from "../schema.ts";
import { ensureNotLinkedElsewhere } from "./identity-links.ts";

export type LinkLineAccountOptions = {
  tenantId: string;
  residentId: string;
  /** The LINE user id (the ID token's sub), e.g. U4af4980629… */
  lineUserId: string;
  requestId?: string | null;
  ip?: string | null;
};

/** Links a LINE user to the resident, so the city's LINE account can reach them and they can sign in with it. */
export async function linkLineAccount(db: Db, options: LinkLineAccountOptions): Promise<void> {
  await db.transaction(async (tx) => {
    await ensureNotLinkedElsewhere(tx, {
      tenantId: options.tenantId,
      residentId: options.residentId,
      provider: "line",
      subject: options.lineUserId,
    });
    // One LINE user per resident: linking another replaces the previous one.
    await tx
      .delete(residentIdentities)
      .where(
        and(
          eq(residentIdentities.tenantId, options.tenantId),
          eq(residentIdentities.residentId, options.residentId),
          eq(residentIdentities.provider, "line"),
        ),
      );
    await tx.insert(residentIdentities).values({
      tenantId: options.tenantId,
      residentId: options.residentId,
      provider: "line",
      subject: options.lineUserId,
    });
    await recordChange(tx, {
      tenantId: options.tenantId,
      actor: { type: "resident", id: options.residentId },
      action: "resident.line_linked",
      resource: { type: "resident", id: options.residentId },
      event: { name: "resident.line_linked", payload: { residentId: options.residentId } },
      requestId: options.requestId ?? null,
      ip: options.ip ?? null,
    });
  });
}

export type UnlinkLineAccountOptions = Omit<LinkLineAccountOptions, "lineUserId">;

export async function unlinkLineAccount(db: Db, options: UnlinkLineAccountOptions): Promise<boolean> {
  return db.transaction(async (tx) => {
    const removed = await tx
      .delete(residentIdentities)
      .where(
        and(
          eq(residentIdentities.tenantId, options.tenantId),
          eq(residentIdentities.residentId, options.residentId),
          eq(residentIdentities.provider, "line"),
        ),
      )
      .returning();
    if (removed.length > 0) {
      await recordChange(tx, {
        tenantId: options.tenantId,
        actor: { type: "resident", id: options.residentId },
        action: "resident.line_unlinked",
        resource: { type: "resident", id: options.residentId },
        event: { name: "resident.line_unlinked", payload: { residentId: options.residentId } },
        requestId: options.requestId ?? null,
        ip: options.ip ?? null,
      });
    }
    return removed.length > 0;
  });
}
