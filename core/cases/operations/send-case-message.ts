import type { Actor } from "../../audit/actor.ts";
import type { Db } from "../../db/database.ts";
import { recordChange } from "../../events/record-change.ts";
import type { Bilingual } from "../../http/problem.ts";
import { insertCaseEntry } from "../case-entries.ts";
import { lockCase, touchCase } from "../lock-case.ts";
import { caseRecipient, notifyCaseResident } from "../notify-resident.ts";
import type { CaseEntryRow } from "../schema.ts";

export type SendCaseMessageOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  caseId: string;
  body: string;
  /** The site's origin for the link in the message. */
  origin?: string | null;
  requestId?: string | null;
  ip?: string | null;
};

/**
 * A message from the city to the resident about their case: kept in the case's history (the resident reads
 * it on their case page) and sent to their inbox and email, or by email to a guest. A case with nobody to
 * reach (a paper application without an address) is refused rather than pretending it was sent.
 */
export async function sendCaseMessage(
  o: SendCaseMessageOptions,
): Promise<{ ok: true; entry: CaseEntryRow } | { ok: false; reason: Bilingual }> {
  const found = await lockCase(o.tx, o.tenantId, o.caseId);
  if (!(await caseRecipient(o.tx, found))) {
    return {
      ok: false,
      reason: {
        ja: "この申請者には連絡先がないため、メッセージを送れません。電話や郵送で連絡してください",
        en: "There is no way to reach this applicant online; contact them by phone or post",
      },
    };
  }
  const entry = await insertCaseEntry(o.tx, {
    tenantId: o.tenantId,
    caseId: found.id,
    actor: o.actor,
    kind: "message_to_resident",
    body: o.body,
    visibleToResident: true,
  });
  const changed = await touchCase(o.tx, found.id);
  await notifyCaseResident(o.tx, {
    found: changed,
    templateKey: "cases.message",
    origin: o.origin ?? null,
    personalisation: () => ({ message: o.body }),
  });
  await recordChange(o.tx, {
    tenantId: o.tenantId,
    actor: o.actor,
    action: "cases.case.send_message",
    resource: { type: "cases_case", id: found.id },
    after: { entryId: entry.id },
    event: {
      name: "cases.case_message_sent",
      payload: { caseId: found.id, module: found.module, entryId: entry.id },
    },
    requestId: o.requestId ?? null,
    ip: o.ip ?? null,
  });
  return { ok: true, entry };
}
