import type { CaseNextAction } from "./schema.ts";

/**
 * A next action must point at a page of this site: the button is shown to the resident, so a link to
 * another site (or a javascript: URL) stored by mistake must never reach them.
 */
export function checkNextAction(action: CaseNextAction | null | undefined): CaseNextAction | null {
  if (!action) {
    return null;
  }
  if (!["correct", "pay", "collect"].includes(action.kind)) {
    throw new Error(`Unknown next action kind ${String(action.kind)}`);
  }
  if (!/^\/(?![/\\])/.test(action.href)) {
    throw new Error(`A case's next action must link to a path on this site, got ${action.href}`);
  }
  return action;
}
