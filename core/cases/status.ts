import type { Bilingual } from "../http/problem.ts";

/** 受付 → 処理中 → 完了, plus 差し戻し, 却下 and 取下げ. */
export const caseStatuses = [
  "received",
  "in_progress",
  "returned",
  "completed",
  "rejected",
  "withdrawn",
] as const;
export type CaseStatus = (typeof caseStatuses)[number];

/** Who asks for a change: staff in the console, the resident on their page, or the system (a module's code). */
export const transitionActors = ["staff", "resident", "system"] as const;
export type TransitionActor = (typeof transitionActors)[number];

export const finalStatuses: readonly CaseStatus[] = ["completed", "rejected", "withdrawn"];

export function isFinalStatus(status: CaseStatus): boolean {
  return finalStatuses.includes(status);
}

/** What staff see in the queue, and what the resident reads on their page and in messages. */
export const caseStatusLabels: Record<CaseStatus, { staff: Bilingual; resident: Bilingual }> = {
  received: {
    staff: { ja: "受付", en: "Received" },
    resident: { ja: "受け付けました", en: "Received" },
  },
  in_progress: {
    staff: { ja: "処理中", en: "In progress" },
    resident: { ja: "処理しています", en: "Being processed" },
  },
  returned: {
    staff: { ja: "差し戻し", en: "Returned" },
    resident: { ja: "修正をお願いしています", en: "Please correct and resubmit" },
  },
  completed: {
    staff: { ja: "完了", en: "Completed" },
    resident: { ja: "完了しました", en: "Completed" },
  },
  rejected: {
    staff: { ja: "却下", en: "Rejected" },
    resident: { ja: "却下されました", en: "Not accepted" },
  },
  withdrawn: {
    staff: { ja: "取下げ", en: "Withdrawn" },
    resident: { ja: "取り下げました", en: "Withdrawn" },
  },
};

const staffOrSystem = ["staff", "system"] as const;
const residentOnly = ["resident"] as const;

/**
 * Every allowed change and who may make it; anything not listed is refused. Withdrawing is the
 * resident's own act, and only their resubmission (or the module acting for it) takes a returned case
 * back to received.
 */
export const caseTransitions: Record<CaseStatus, Partial<Record<CaseStatus, readonly TransitionActor[]>>> = {
  received: {
    in_progress: staffOrSystem,
    returned: staffOrSystem,
    rejected: staffOrSystem,
    completed: staffOrSystem,
    withdrawn: residentOnly,
  },
  in_progress: {
    returned: staffOrSystem,
    rejected: staffOrSystem,
    completed: staffOrSystem,
    withdrawn: residentOnly,
  },
  returned: {
    received: ["resident", "system"],
    rejected: staffOrSystem,
    withdrawn: residentOnly,
  },
  completed: {},
  rejected: {},
  withdrawn: {},
};

/** Changes that must say why: the resident reads the reason. */
export const reasonRequired: readonly CaseStatus[] = ["returned", "rejected"];

export type TransitionCheck = { ok: true } | { ok: false; reason: Bilingual };

const label = (status: CaseStatus) => caseStatusLabels[status].staff;

/** Decides one change, with the reason in Japanese and English when it is refused. */
export function checkTransition(o: {
  from: CaseStatus;
  to: CaseStatus;
  by: TransitionActor;
  reason?: string | null | undefined;
}): TransitionCheck {
  const { from, to, by } = o;
  if (isFinalStatus(from)) {
    return refuse(
      `「${label(from).ja}」の案件は状態を変更できません`,
      `A ${label(from).en.toLowerCase()} case cannot change status`,
    );
  }
  if (from === to) {
    return refuse(`すでに「${label(to).ja}」です`, `The case is already ${label(to).en.toLowerCase()}`);
  }
  const actors = caseTransitions[from][to];
  if (!actors) {
    return refuse(
      `「${label(from).ja}」から「${label(to).ja}」には変更できません`,
      `A case cannot go from ${label(from).en.toLowerCase()} to ${label(to).en.toLowerCase()}`,
    );
  }
  if (!actors.includes(by)) {
    if (to === "withdrawn") {
      return refuse("取下げは申請者本人だけが行えます", "Only the resident can withdraw an application");
    }
    if (to === "received") {
      return refuse(
        "差し戻した案件は、申請者が修正して再提出したときに受付に戻ります",
        "A returned case goes back to received only when the resident resubmits it",
      );
    }
    return refuse("この変更は職員だけが行えます", "Only staff can make this change");
  }
  if (reasonRequired.includes(to) && !o.reason?.trim()) {
    return to === "rejected"
      ? refuse("却下には理由が必要です", "A rejection needs a reason")
      : refuse("差し戻しには理由が必要です", "Returning a case needs a reason");
  }
  return { ok: true };
}

/** The statuses `by` may move a case to from `from` (a reason may still be needed). */
export function allowedTransitions(from: CaseStatus, by: TransitionActor): CaseStatus[] {
  return caseStatuses.filter((to) => caseTransitions[from][to]?.includes(by) ?? false);
}

function refuse(ja: string, en: string): TransitionCheck {
  return { ok: false, reason: { ja, en } };
}
