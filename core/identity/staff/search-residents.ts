import { and, eq, isNull } from "drizzle-orm";
import type { Actor } from "../../audit/actor.ts";
import { recordAudit } from "../../audit/record-audit.ts";
import type { Db } from "../../db/database.ts";
import { type Resident, residents } from "../schema.ts";

export type SearchResidentsOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  /** Exact address (compared in lower case): staff look a person up, they do not browse residents. */
  email: string;
  requestId?: string | null;
  ip?: string | null;
};

/** Finds residents by email for a staff member; the search and what it found are audited. */
export async function searchResidents({
  tx,
  tenantId,
  actor,
  email,
  requestId,
  ip,
}: SearchResidentsOptions): Promise<Resident[]> {
  const normalised = email.trim().toLowerCase();
  const found = await tx
    .select()
    .from(residents)
    .where(
      and(eq(residents.tenantId, tenantId), eq(residents.email, normalised), isNull(residents.deletedAt)),
    );
  await recordAudit(tx, {
    tenantId,
    actor,
    action: "resident.search",
    resource: { type: "resident", id: found[0]?.id ?? null },
    after: { email: normalised, found: found.map((r) => r.id) },
    requestId: requestId ?? null,
    ip: ip ?? null,
  });
  return found;
}
