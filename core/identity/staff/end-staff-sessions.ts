import { and, eq } from "drizzle-orm";
import type { Actor } from "../../audit/actor.ts";
import type { Db } from "../../db/database.ts";
import { recordChange } from "../../events/record-change.ts";
import { problems } from "../../http/problem.ts";
import { staffAccounts } from "../schema.ts";
import { destroySubjectSessions } from "../sessions.ts";

export type EndStaffSessionsOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  staffId: string;
  requestId?: string | null;
  ip?: string | null;
};

/** Signs a member out on every device (their own choice, or an administrator's after a lost laptop). */
export async function endStaffSessions({
  tx,
  tenantId,
  actor,
  staffId,
  requestId,
  ip,
}: EndStaffSessionsOptions): Promise<number> {
  const [member] = await tx
    .select({ id: staffAccounts.id })
    .from(staffAccounts)
    .where(and(eq(staffAccounts.id, staffId), eq(staffAccounts.tenantId, tenantId)));
  if (!member) {
    throw problems.notFound();
  }
  const ended = await destroySubjectSessions(tx, tenantId, { type: "staff", id: staffId });
  await recordChange(tx, {
    tenantId,
    actor,
    action: "staff.sessions.end",
    resource: { type: "staff_account", id: staffId },
    after: { ended },
    requestId: requestId ?? null,
    ip: ip ?? null,
  });
  return ended;
}
