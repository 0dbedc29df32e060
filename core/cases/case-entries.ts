import type { Actor } from "../audit/actor.ts";
import type { Db } from "../db/database.ts";
import { type CaseEntryKind, type CaseEntryRow, caseEntries } from "./schema.ts";
import type { CaseStatus } from "./status.ts";

export type NewCaseEntry = {
  tenantId: string;
  caseId: string;
  actor: Actor;
  kind: CaseEntryKind;
  body?: string | null;
  visibleToResident: boolean;
  fromStatus?: CaseStatus | null;
  toStatus?: CaseStatus | null;
  data?: Record<string, unknown> | null;
};

/** Adds one line to a case's history, in the caller's transaction (the caller audits the change). */
export async function insertCaseEntry(tx: Db, entry: NewCaseEntry): Promise<CaseEntryRow> {
  const [row] = await tx
    .insert(caseEntries)
    .values({
      tenantId: entry.tenantId,
      caseId: entry.caseId,
      kind: entry.kind,
      actorType: entry.actor.type,
      actorId: entry.actor.id,
      staffId: entry.actor.type === "staff" ? entry.actor.id : null,
      fromStatus: entry.fromStatus ?? null,
      toStatus: entry.toStatus ?? null,
      body: entry.body ?? null,
      visibleToResident: entry.visibleToResident,
      data: entry.data ?? null,
    })
    .returning();
  return row!;
}
