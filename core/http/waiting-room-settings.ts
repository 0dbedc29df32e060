import { eq } from "drizzle-orm";
import type { Actor } from "../audit/actor.ts";
import type { Db } from "../db/database.ts";
import { recordChange } from "../events/record-change.ts";
import { type TenantSettings, tenants, type WaitingRoomSettings } from "../tenancy/schema.ts";
import type { TenantResolver } from "../tenancy/tenant-resolver.ts";

/**
 * Turns the tenant's waiting room on with these settings, or off (null), with the audit record (before and
 * after) in the same transaction. The tenant cache of this process is dropped afterwards so the room acts
 * on the next request; other processes see it when their cache expires (30 s).
 */
export async function saveWaitingRoomSettings(o: {
  db: Db;
  tenants: TenantResolver;
  tenantId: string;
  settings: WaitingRoomSettings | null;
  actor: Actor;
  requestId?: string | null;
  ip?: string | null;
}): Promise<void> {
  await o.db.transaction(async (tx) => {
    const [tenant] = await tx.select().from(tenants).where(eq(tenants.id, o.tenantId)).for("update");
    if (!tenant) {
      throw new Error(`Tenant ${o.tenantId} not found`);
    }
    const { waitingRoom: before, ...rest } = tenant.settings;
    const settings: TenantSettings = o.settings ? { ...rest, waitingRoom: o.settings } : rest;
    await tx.update(tenants).set({ settings }).where(eq(tenants.id, o.tenantId));
    await recordChange(tx, {
      tenantId: o.tenantId,
      actor: o.actor,
      action: "core.waiting_room.update",
      resource: { type: "tenant", id: o.tenantId },
      before: { waitingRoom: before ?? null },
      after: { waitingRoom: o.settings },
      requestId: o.requestId ?? null,
      ip: o.ip ?? null,
    });
  });
  o.tenants.invalidate();
}
