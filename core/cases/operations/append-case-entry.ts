import { type Actor, systemActor } from "../../audit/actor.ts";
import type { Db } from "../../db/database.ts";
import { recordChange } from "../../events/record-change.ts";
import { insertCaseEntry } from "../case-entries.ts";
import { lockCase, touchCase } from "../lock-case.ts";
import type { CaseEntryRow } from "../schema.ts";

export type AppendCaseEntryOptions = {
  tx: Db;
  tenantId: string;
  caseId: string;
  /** "note": something that happened (e.g. "payment received"); "memo": an internal note for staff. */
  kind: "note" | "memo";
  body: string;
  visibleToResident: boolean;
  /** Details for the console, e.g. { paymentId, amount }. Never shown to the resident. */
  data?: Record<string, unknown> | null;
  actor?: Actor;
  requestId?: string | null;
};

/** Lets a module write into a case's history what happened on its side, such as a payment. */
export async function appendCaseEntry(o: AppendCaseEntryOptions): Promise<CaseEntryRow> {
  if (o.kind === "memo" && o.visibleToResident) {
    throw new Error("A memo is for staff only");
  }
  const actor = o.actor ?? systemActor;
  const found = await lockCase(o.tx, o.tenantId, o.caseId);
  const entry = await insertCaseEntry(o.tx, {
    tenantId: o.tenantId,
    caseId: found.id,
    actor,
    kind: o.kind,
    body: o.body,
    visibleToResident: o.visibleToResident,
    data: o.data ?? null,
  });
  await touchCase(o.tx, found.id);
  await recordChange(o.tx, {
    tenantId: o.tenantId,
    actor,
    action: "cases.case.append_entry",
    resource: { type: "cases_case", id: found.id },
    after: { entryId: entry.id, kind: o.kind, visibleToResident: o.visibleToResident },
    event: {
      name: "cases.case_entry_appended",
      payload: { caseId: found.id, module: found.module, entryId: entry.id, kind: o.kind },
    },
    requestId: o.requestId ?? null,
  });
  return entry;
}
