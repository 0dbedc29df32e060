import type { Actor } from "../../audit/actor.ts";
import type { Db } from "../../db/database.ts";
import { recordChange } from "../../events/record-change.ts";
import type { Bilingual } from "../../http/problem.ts";
import { insertCaseEntry } from "../case-entries.ts";
import { lockCase, touchCase } from "../lock-case.ts";
import { notifyCaseResident } from "../notify-resident.ts";
import type { Case } from "../schema.ts";
import {
  type CaseStatus,
  caseStatusLabels,
  checkTransition,
  isFinalStatus,
  type TransitionActor,
} from "../status.ts";

export type ChangeCaseStatusOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  caseId: string;
  to: CaseStatus;
  /** Why: required to return or reject, and shown to the resident. */
  reason?: string | null;
  by: TransitionActor;
  /** The status the caller saw; a different one means someone changed it first, and nothing happens. */
  expectedStatus?: CaseStatus;
  /** Tell the resident (default). A module that sends its own message for the change passes false. */
  notify?: boolean;
  /** The site's origin for the link in the message to the resident. */
  origin?: string | null;
  requestId?: string | null;
};

export type ChangeCaseStatusResult = { ok: true; case: Case } | { ok: false; reason: Bilingual };

export const MAX_REASON_LENGTH = 2000;

/**
 * Moves a case through the status machine (status.ts): refused changes come back with the reason in both
 * languages and change nothing. An accepted change is audited, published, kept in the case's history and
 * told to the resident. Leaving 差し戻し ends a "correct" next action, and 却下 or 取下げ ends any.
 */
export async function changeCaseStatus(o: ChangeCaseStatusOptions): Promise<ChangeCaseStatusResult> {
  const { tx, tenantId } = o;
  const found = await lockCase(tx, tenantId, o.caseId);
  const from = found.status;
  if (o.expectedStatus && o.expectedStatus !== from) {
    const now = caseStatusLabels[from].staff;
    return {
      ok: false,
      reason: {
        ja: `ほかの操作で状態が「${now.ja}」に変わっています。画面を更新してから操作してください`,
        en: `The status was changed to ${now.en.toLowerCase()} meanwhile. Reload and try again`,
      },
    };
  }
  const reason = o.reason?.trim() || null;
  if (reason && reason.length > MAX_REASON_LENGTH) {
    return {
      ok: false,
      reason: {
        ja: `理由は${MAX_REASON_LENGTH}文字以内で入力してください`,
        en: `The reason must be at most ${MAX_REASON_LENGTH} characters`,
      },
    };
  }
  const check = checkTransition({ from, to: o.to, by: o.by, reason });
  if (!check.ok) {
    return check;
  }
  const endsNextAction =
    o.to === "rejected" ||
    o.to === "withdrawn" ||
    (from === "returned" && found.nextAction?.kind === "correct");
  const changed = await touchCase(tx, found.id, {
    status: o.to,
    statusReason: reason,
    completedAt: isFinalStatus(o.to) ? new Date() : null,
    ...(endsNextAction ? { nextAction: null } : {}),
  });
  await insertCaseEntry(tx, {
    tenantId,
    caseId: found.id,
    actor: o.actor,
    kind: "status_changed",
    fromStatus: from,
    toStatus: o.to,
    body: reason,
    visibleToResident: true,
    data: { by: o.by },
  });
  await recordChange(tx, {
    tenantId,
    actor: o.actor,
    action: "cases.case.change_status",
    resource: { type: "cases_case", id: found.id },
    before: { status: from },
    after: { status: o.to, reason, by: o.by },
    event: {
      name: "cases.case_status_changed",
      payload: {
        caseId: found.id,
        module: found.module,
        subjectType: found.subjectType,
        subjectId: found.subjectId,
        from,
        to: o.to,
        reason,
      },
    },
    requestId: o.requestId ?? null,
  });
  if (o.notify ?? true) {
    await notifyCaseResident(tx, {
      found: changed,
      templateKey: "cases.status_changed",
      origin: o.origin ?? null,
      personalisation: (language) => ({
        status: caseStatusLabels[o.to].resident[language],
        reason: reason ? `${language === "ja" ? "理由" : "Reason"}: ${reason}\n` : "",
      }),
    });
  }
  return { ok: true, case: changed };
}
