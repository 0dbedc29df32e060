import type { Actor } from "../../audit/actor.ts";
import type { Db } from "../../db/database.ts";
import { recordChange } from "../../events/record-change.ts";
import { insertCaseEntry } from "../case-entries.ts";
import { lockCase, touchCase } from "../lock-case.ts";
import type { CaseEntryRow } from "../schema.ts";

export type AddCaseMemoOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  caseId: string;
  body: string;
  requestId?: string | null;
  ip?: string | null;
};

/** An internal memo (内部メモ) on a case: staff only, never shown to the resident. */
export async function addCaseMemo(o: AddCaseMemoOptions): Promise<CaseEntryRow> {
  const found = await lockCase(o.tx, o.tenantId, o.caseId);
  const entry = await insertCaseEntry(o.tx, {
    tenantId: o.tenantId,
    caseId: found.id,
    actor: o.actor,
    kind: "memo",
    body: o.body,
    visibleToResident: false,
  });
  await touchCase(o.tx, found.id);
  // The memo's text stays in the case; the audit log only says one was written.
  await recordChange(o.tx, {
    tenantId: o.tenantId,
    actor: o.actor,
    action: "cases.case.add_memo",
    resource: { type: "cases_case", id: found.id },
    after: { entryId: entry.id },
    requestId: o.requestId ?? null,
    ip: o.ip ?? null,
  });
  return entry;
}
