import type { Db } from "../../db/database.ts";
import { recordChange } from "../../events/record-change.ts";
import { problems } from "../../http/problem.ts";
import { insertCaseEntry } from "../case-entries.ts";
import { lockCase, touchCase } from "../lock-case.ts";
import type { CaseEntryRow } from "../schema.ts";

export type PostResidentMessageOptions = {
  tx: Db;
  tenantId: string;
  /** The signed-in resident; only the case's own resident may write on it. */
  residentId: string;
  caseId: string;
  body: string;
  requestId?: string | null;
  ip?: string | null;
};

export const MAX_MESSAGE_LENGTH = 2000;

/** A message from the resident to the staff handling their case; 404 for anyone else's case. */
export async function postResidentMessage(o: PostResidentMessageOptions): Promise<CaseEntryRow> {
  const found = await lockCase(o.tx, o.tenantId, o.caseId);
  if (found.residentId !== o.residentId) {
    throw problems.notFound();
  }
  const actor = { type: "resident" as const, id: o.residentId };
  const entry = await insertCaseEntry(o.tx, {
    tenantId: o.tenantId,
    caseId: found.id,
    actor,
    kind: "message_from_resident",
    body: o.body,
    visibleToResident: true,
  });
  await touchCase(o.tx, found.id);
  await recordChange(o.tx, {
    tenantId: o.tenantId,
    actor,
    action: "cases.case.post_message",
    resource: { type: "cases_case", id: found.id },
    after: { entryId: entry.id },
    event: {
      name: "cases.resident_message_posted",
      payload: {
        caseId: found.id,
        module: found.module,
        entryId: entry.id,
        departmentId: found.departmentId,
      },
    },
    requestId: o.requestId ?? null,
    ip: o.ip ?? null,
  });
  return entry;
}
