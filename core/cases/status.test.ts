import { describe, expect, it } from "vitest";
import {
  allowedTransitions,
  type CaseStatus,
  caseStatuses,
  caseStatusLabels,
  checkTransition,
  type TransitionActor,
  transitionActors,
} from "./status.ts";

/**
 * The whole machine written out once more, independently of status.ts: every change allowed, by whom.
 * Anything not here must be refused. Reasons are given where the change needs one.
 */
const allowed: readonly [CaseStatus, CaseStatus, TransitionActor][] = [
  ["received", "in_progress", "staff"],
  ["received", "in_progress", "system"],
  ["received", "returned", "staff"],
  ["received", "returned", "system"],
  ["received", "rejected", "staff"],
  ["received", "rejected", "system"],
  ["received", "completed", "staff"],
  ["received", "completed", "system"],
  ["received", "withdrawn", "resident"],
  ["in_progress", "returned", "staff"],
  ["in_progress", "returned", "system"],
  ["in_progress", "rejected", "staff"],
  ["in_progress", "rejected", "system"],
  ["in_progress", "completed", "staff"],
  ["in_progress", "completed", "system"],
  ["in_progress", "withdrawn", "resident"],
  ["returned", "received", "resident"],
  ["returned", "received", "system"],
  ["returned", "rejected", "staff"],
  ["returned", "rejected", "system"],
  ["returned", "withdrawn", "resident"],
];

const isAllowed = (from: CaseStatus, to: CaseStatus, by: TransitionActor) =>
  allowed.some(([f, t, b]) => f === from && t === to && b === by);

const combinations = caseStatuses.flatMap((from) =>
  caseStatuses.flatMap((to) => transitionActors.map((by) => [from, to, by] as const)),
);

describe("the case status machine", () => {
  it.each(combinations)("%s → %s by %s", (from, to, by) => {
    const result = checkTransition({ from, to, by, reason: "書類が不足しています" });
    if (isAllowed(from, to, by)) {
      expect(result).toEqual({ ok: true });
    } else {
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.reason.ja).toMatch(/[ぁ-んァ-ン一-龯]/);
        expect(result.reason.en).toMatch(/^[A-Z]/);
      }
    }
  });

  it("lists exactly the allowed targets for each actor", () => {
    for (const from of caseStatuses) {
      for (const by of transitionActors) {
        expect(allowedTransitions(from, by)).toEqual(caseStatuses.filter((to) => isAllowed(from, to, by)));
      }
    }
  });

  it("has no way out of a final status", () => {
    for (const from of ["completed", "rejected", "withdrawn"] as const) {
      for (const by of transitionActors) {
        expect(allowedTransitions(from, by)).toEqual([]);
      }
      expect(checkTransition({ from, to: "received", by: "system" })).toEqual({
        ok: false,
        reason: {
          ja: `「${caseStatusLabels[from].staff.ja}」の案件は状態を変更できません`,
          en: `A ${caseStatusLabels[from].staff.en.toLowerCase()} case cannot change status`,
        },
      });
    }
  });

  it("needs a reason to return or reject", () => {
    for (const reason of [undefined, null, "", "   "]) {
      expect(checkTransition({ from: "received", to: "rejected", by: "staff", reason })).toEqual({
        ok: false,
        reason: { ja: "却下には理由が必要です", en: "A rejection needs a reason" },
      });
      expect(checkTransition({ from: "in_progress", to: "returned", by: "staff", reason })).toEqual({
        ok: false,
        reason: { ja: "差し戻しには理由が必要です", en: "Returning a case needs a reason" },
      });
    }
    expect(checkTransition({ from: "received", to: "completed", by: "staff" })).toEqual({ ok: true });
    expect(checkTransition({ from: "received", to: "withdrawn", by: "resident" })).toEqual({ ok: true });
  });

  it("says why staff cannot withdraw or resubmit, and why residents cannot process", () => {
    expect(checkTransition({ from: "in_progress", to: "withdrawn", by: "staff" })).toEqual({
      ok: false,
      reason: { ja: "取下げは申請者本人だけが行えます", en: "Only the resident can withdraw an application" },
    });
    expect(checkTransition({ from: "returned", to: "received", by: "staff" })).toMatchObject({
      ok: false,
      reason: { en: "A returned case goes back to received only when the resident resubmits it" },
    });
    expect(checkTransition({ from: "received", to: "completed", by: "resident" })).toEqual({
      ok: false,
      reason: { ja: "この変更は職員だけが行えます", en: "Only staff can make this change" },
    });
  });

  it("names both statuses when the change does not exist, and refuses staying put", () => {
    expect(checkTransition({ from: "returned", to: "in_progress", by: "staff" })).toEqual({
      ok: false,
      reason: {
        ja: "「差し戻し」から「処理中」には変更できません",
        en: "A case cannot go from returned to in progress",
      },
    });
    expect(checkTransition({ from: "in_progress", to: "in_progress", by: "staff" })).toEqual({
      ok: false,
      reason: { ja: "すでに「処理中」です", en: "The case is already in progress" },
    });
  });

  it("labels every status for staff and residents in both languages", () => {
    for (const status of caseStatuses) {
      for (const audience of ["staff", "resident"] as const) {
        expect(caseStatusLabels[status][audience].ja).not.toBe("");
        expect(caseStatusLabels[status][audience].en).not.toBe("");
      }
    }
    expect(caseStatusLabels.received.staff.ja).toBe("受付");
    expect(caseStatusLabels.withdrawn.staff.ja).toBe("取下げ");
  });
});
