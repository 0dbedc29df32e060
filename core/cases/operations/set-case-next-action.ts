import { type Actor, systemActor } from "../../audit/actor.ts";
import type { Db } from "../../db/database.ts";
import { recordChange } from "../../events/record-change.ts";
import { lockCase, touchCase } from "../lock-case.ts";
import { checkNextAction } from "../next-action.ts";
import type { Case, CaseNextAction } from "../schema.ts";

export type SetCaseNextActionOptions = {
  tx: Db;
  tenantId: string;
  caseId: string;
  /** What the resident should do next (correct, pay, collect), or null when nothing is waiting on them. */
  nextAction: CaseNextAction | null;
  /** Who sets it; modules acting on their own (a payment requested) are the system. */
  actor?: Actor;
  requestId?: string | null;
};

/** Sets or clears the button on the resident's case page, e.g. "pay the fee" once staff fix the amount. */
export async function setCaseNextAction(o: SetCaseNextActionOptions): Promise<Case> {
  const nextAction = checkNextAction(o.nextAction);
  const found = await lockCase(o.tx, o.tenantId, o.caseId);
  const changed = await touchCase(o.tx, found.id, { nextAction });
  await recordChange(o.tx, {
    tenantId: o.tenantId,
    actor: o.actor ?? systemActor,
    action: "cases.case.set_next_action",
    resource: { type: "cases_case", id: found.id },
    before: { nextAction: found.nextAction },
    after: { nextAction },
    event: {
      name: "cases.case_next_action_set",
      payload: { caseId: found.id, module: found.module, kind: nextAction?.kind ?? null },
    },
    requestId: o.requestId ?? null,
  });
  return changed;
}
