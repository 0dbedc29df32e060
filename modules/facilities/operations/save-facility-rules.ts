import { and, eq, inArray, sql } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { ProblemError } from "../../../core/http/problem.ts";
import { rulesOf } from "../data.ts";
import { FacilityRules } from "../rules.ts";
import { facilityGroups, facilityRules, residentCategories } from "../schema.ts";
import { parseSettings } from "../setup-guards.ts";

export type SaveFacilityRulesOptions = {
  db: Db;
  tenantId: string;
  actor: Actor;
  /** Checked by `FacilityRules`. */
  rules: unknown;
  requestId?: string | null;
};

/**
 * Replaces the city's booking rules (利用区分, multipliers, refund table, payment deadline, penalties). A user
 * category still held by a group or a resident cannot be removed. The row's `updated_at` moves forward on
 * every save, even twice in a millisecond, because the parsed rules are cached by it (data.ts).
 */
export async function saveFacilityRules(o: SaveFacilityRulesOptions): Promise<FacilityRules> {
  const rules = parseSettings(FacilityRules, o.rules);
  return o.db.transaction(async (tx) => {
    // Locks the row so that the removal check and the write see the same rules.
    await tx.select().from(facilityRules).where(eq(facilityRules.tenantId, o.tenantId)).for("update");
    const before = await rulesOf(tx, o.tenantId);
    const kept = new Set(rules.userCategories.map((c) => c.code));
    const removed = before.userCategories.filter((c) => !kept.has(c.code)).map((c) => c.code);
    if (removed.length > 0) {
      const usedByGroups = await tx
        .selectDistinct({ code: facilityGroups.userCategory })
        .from(facilityGroups)
        .where(and(eq(facilityGroups.tenantId, o.tenantId), inArray(facilityGroups.userCategory, removed)));
      const usedByResidents = await tx
        .selectDistinct({ code: residentCategories.userCategory })
        .from(residentCategories)
        .where(
          and(eq(residentCategories.tenantId, o.tenantId), inArray(residentCategories.userCategory, removed)),
        );
      const inUse = [...new Set([...usedByGroups, ...usedByResidents].map((r) => r.code))];
      if (inUse.length > 0) {
        throw new ProblemError(
          409,
          "user_category_in_use",
          {
            ja: `利用区分 ${inUse.join("、")} は団体または利用者に使われているため削除できません`,
            en: `User category ${inUse.join(", ")} is still used by a group or a resident and cannot be removed`,
          },
          {
            errors: inUse.map((code) => ({
              pointer: "/userCategories",
              detail: `"${code}" is used by a group or a resident`,
              detailJa: `「${code}」は団体または利用者に使われています`,
            })),
          },
        );
      }
    }
    await tx
      .insert(facilityRules)
      .values({ tenantId: o.tenantId, rules })
      .onConflictDoUpdate({
        target: facilityRules.tenantId,
        set: {
          rules,
          updatedAt: sql`greatest(clock_timestamp(), ${facilityRules.updatedAt} + interval '1 millisecond')`,
        },
      });
    await recordChange(tx, {
      tenantId: o.tenantId,
      actor: o.actor,
      action: "facilities.rules.update",
      resource: { type: "facilities_rules", id: o.tenantId },
      before,
      after: rules,
      event: { name: "facilities.rules_updated", payload: { removedUserCategories: removed } },
      requestId: o.requestId ?? null,
    });
    return rules;
  });
}
