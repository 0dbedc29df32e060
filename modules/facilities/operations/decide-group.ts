import { and, eq, sql } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { problems } from "../../../core/http/problem.ts";
import { type FacilityGroup, facilityGroups } from "../schema.ts";

export type DecideGroupOptions = {
  db: Db;
  tenantId: string;
  actor: Actor & { type: "staff"; id: string };
  groupId: string;
  decision: "approved" | "rejected";
};

/** Staff approve or reject a pending group registration. */
export async function decideGroup(o: DecideGroupOptions): Promise<FacilityGroup> {
  return o.db.transaction(async (tx) => {
    const [group] = await tx
      .select()
      .from(facilityGroups)
      .where(and(eq(facilityGroups.id, o.groupId), eq(facilityGroups.tenantId, o.tenantId)))
      .for("update");
    if (!group) {
      throw problems.notFound();
    }
    if (group.status !== "pending") {
      throw problems.conflict({
        ja: "この団体登録は審査済みです",
        en: "This registration has already been decided",
      });
    }
    const [decided] = await tx
      .update(facilityGroups)
      .set({ status: o.decision, decidedBy: o.actor.id, decidedAt: sql`now()` })
      .where(eq(facilityGroups.id, group.id))
      .returning();
    await recordChange(tx, {
      tenantId: o.tenantId,
      actor: o.actor,
      action: `facilities.group.${o.decision === "approved" ? "approve" : "reject"}`,
      resource: { type: "facilities_group", id: group.id },
      before: { status: "pending" },
      after: { status: o.decision },
      event: { name: `facilities.group_${o.decision}`, payload: { groupId: group.id } },
    });
    return decided!;
  });
}
