import { and, eq, isNull } from "drizzle-orm";
import type { Actor } from "../../audit/actor.ts";
import type { Db } from "../../db/database.ts";
import { recordChange } from "../../events/record-change.ts";
import type { Bilingual } from "../../http/problem.ts";
import { departments, staffAccounts } from "../../identity/schema.ts";
import { insertCaseEntry } from "../case-entries.ts";
import { lockCase, touchCase } from "../lock-case.ts";
import type { Case } from "../schema.ts";

export type AssignCaseOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  caseId: string;
  /** The member handling the case (担当者), null for nobody, undefined to leave as it is. */
  staffId?: string | null;
  /** The team (a department or 係) handling it, null for none, undefined to leave as it is. */
  teamId?: string | null;
  requestId?: string | null;
};

export type AssignCaseResult = { ok: true; case: Case } | { ok: false; reason: Bilingual };

/** Assigns a case to a person and/or a team of this city; an unknown or disabled member is refused. */
export async function assignCase(o: AssignCaseOptions): Promise<AssignCaseResult> {
  const { tx, tenantId } = o;
  if (o.staffId) {
    const [member] = await tx
      .select({ id: staffAccounts.id })
      .from(staffAccounts)
      .where(
        and(
          eq(staffAccounts.id, o.staffId),
          eq(staffAccounts.tenantId, tenantId),
          isNull(staffAccounts.disabledAt),
        ),
      );
    if (!member) {
      return {
        ok: false,
        reason: { ja: "担当者に指定した職員が見つかりません", en: "No such staff member to assign" },
      };
    }
  }
  if (o.teamId) {
    const [team] = await tx
      .select({ id: departments.id })
      .from(departments)
      .where(and(eq(departments.id, o.teamId), eq(departments.tenantId, tenantId)));
    if (!team) {
      return { ok: false, reason: { ja: "担当チームが見つかりません", en: "No such team to assign" } };
    }
  }
  const found = await lockCase(tx, tenantId, o.caseId);
  const before = { staffId: found.assigneeStaffId, teamId: found.assigneeTeamId };
  const after = {
    staffId: o.staffId === undefined ? found.assigneeStaffId : o.staffId,
    teamId: o.teamId === undefined ? found.assigneeTeamId : o.teamId,
  };
  if (before.staffId === after.staffId && before.teamId === after.teamId) {
    return { ok: true, case: found };
  }
  const changed = await touchCase(tx, found.id, {
    assigneeStaffId: after.staffId,
    assigneeTeamId: after.teamId,
  });
  await insertCaseEntry(tx, {
    tenantId,
    caseId: found.id,
    actor: o.actor,
    kind: "assigned",
    visibleToResident: false,
    data: { before, after },
  });
  await recordChange(tx, {
    tenantId,
    actor: o.actor,
    action: "cases.case.assign",
    resource: { type: "cases_case", id: found.id },
    before,
    after,
    event: { name: "cases.case_assigned", payload: { caseId: found.id, module: found.module, ...after } },
    requestId: o.requestId ?? null,
  });
  return { ok: true, case: changed };
}
