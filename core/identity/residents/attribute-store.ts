import { and, eq, inArray, isNull, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { Db } from "../../db/database.ts";
import {
  type AttributeSource,
  type ConsentPurpose,
  residentAttributes,
  residentConsents,
} from "../schema.ts";

export type AttributeRow = typeof residentAttributes.$inferSelect;
export type Owner = { tenantId: string; residentId: string };

/** The rows of one resident in one tenant, for any table with tenant_id and resident_id. */
export function ownedBy(table: { tenantId: PgColumn; residentId: PgColumn }, owner: Owner): SQL {
  return and(eq(table.tenantId, owner.tenantId), eq(table.residentId, owner.residentId))!;
}

export async function readAttributes(
  db: Db,
  { tenantId, residentId }: Owner,
): Promise<Map<string, AttributeRow>> {
  const rows = await db
    .select()
    .from(residentAttributes)
    .where(and(eq(residentAttributes.tenantId, tenantId), eq(residentAttributes.residentId, residentId)));
  return new Map(rows.map((row) => [row.name, row]));
}

export async function writeAttribute(
  tx: Db,
  owner: Owner,
  attribute: { name: string; value: unknown; source: AttributeSource; verifiedAt?: Date; method?: string },
): Promise<void> {
  const values = {
    value: attribute.value,
    source: attribute.source,
    verifiedAt: attribute.source === "card_verified" ? (attribute.verifiedAt ?? new Date()) : null,
    verificationMethod: attribute.source === "card_verified" ? (attribute.method ?? null) : null,
    updatedAt: new Date(),
  };
  await tx
    .insert(residentAttributes)
    .values({ ...owner, name: attribute.name, ...values })
    .onConflictDoUpdate({ target: [residentAttributes.residentId, residentAttributes.name], set: values });
}

export async function removeAttributes(tx: Db, owner: Owner, names: readonly string[]): Promise<void> {
  if (names.length === 0) {
    return;
  }
  await tx
    .delete(residentAttributes)
    .where(
      and(
        eq(residentAttributes.tenantId, owner.tenantId),
        eq(residentAttributes.residentId, owner.residentId),
        inArray(residentAttributes.name, [...names]),
      ),
    );
  await setConsents(tx, owner, names, "service_delivery", false);
  await setConsents(tx, owner, names, "targeting", false);
}

export async function activeConsents(db: Db, owner: Owner) {
  return db
    .select()
    .from(residentConsents)
    .where(
      and(
        eq(residentConsents.tenantId, owner.tenantId),
        eq(residentConsents.residentId, owner.residentId),
        isNull(residentConsents.withdrawnAt),
      ),
    );
}

/**
 * Grants or withdraws one purpose for some attributes. Granting what is already granted changes nothing;
 * withdrawing stamps the time and keeps the row as the record of what had been agreed.
 */
export async function setConsents(
  tx: Db,
  owner: Owner,
  attributes: readonly string[],
  purpose: ConsentPurpose,
  granted: boolean,
): Promise<void> {
  if (attributes.length === 0) {
    return;
  }
  if (granted) {
    await tx
      .insert(residentConsents)
      .values(attributes.map((attribute) => ({ ...owner, attribute, purpose })))
      .onConflictDoNothing();
    return;
  }
  await tx
    .update(residentConsents)
    .set({ withdrawnAt: new Date() })
    .where(
      and(
        eq(residentConsents.tenantId, owner.tenantId),
        eq(residentConsents.residentId, owner.residentId),
        eq(residentConsents.purpose, purpose),
        inArray(residentConsents.attribute, [...attributes]),
        isNull(residentConsents.withdrawnAt),
      ),
    );
}
