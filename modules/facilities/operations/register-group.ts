import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { ProblemError, problems } from "../../../core/http/problem.ts";
import { rulesOf } from "../data.ts";
import { sqlState } from "../problems.ts";
import { type FacilityGroup, facilityGroups } from "../schema.ts";

/**
 * The name two registrations of one real group would share: width, case, spaces and the 「」 or legal-form
 * words people vary are ignored, so "テニス　クラブ" and "ﾃﾆｽｸﾗﾌﾞ" are the same group.
 */
export function normalizeGroupName(name: string): string {
  return name
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s・･「」『』()（）"'“”]/g, "");
}

export type RegisterGroupOptions = {
  db: Db;
  tenantId: string;
  actor: Actor;
  residentId: string;
  name: string;
  userCategory: string;
};

/** 団体登録: a resident registers the group they represent; staff approve it before it can book as a group. */
export async function registerGroup(o: RegisterGroupOptions): Promise<FacilityGroup> {
  const name = o.name.trim();
  const normalized = normalizeGroupName(name);
  const rules = await rulesOf(o.db, o.tenantId);
  const errors = [];
  if (!normalized || name.length > 100) {
    errors.push({
      pointer: "/name",
      detail: "1 to 100 characters",
      detailJa: "1〜100文字で入力してください",
    });
  }
  if (!rules.userCategories.some((c) => c.code === o.userCategory)) {
    errors.push({
      pointer: "/userCategory",
      detail: "Choose a category",
      detailJa: "利用区分を選んでください",
    });
  }
  if (errors.length > 0) {
    throw problems.invalidRequest(errors);
  }
  try {
    return await o.db.transaction(async (tx) => {
      const [group] = await tx
        .insert(facilityGroups)
        .values({
          tenantId: o.tenantId,
          name,
          normalizedName: normalized,
          representativeResidentId: o.residentId,
          userCategory: o.userCategory,
        })
        .returning();
      await recordChange(tx, {
        tenantId: o.tenantId,
        actor: o.actor,
        action: "facilities.group.register",
        resource: { type: "facilities_group", id: group!.id },
        after: { name, userCategory: o.userCategory },
        event: { name: "facilities.group_registered", payload: { groupId: group!.id } },
      });
      return group!;
    });
  } catch (error) {
    if (sqlState(error) === "23505") {
      throw new ProblemError(409, "group_already_registered", {
        ja: "同じ名前の団体が登録済みか、あなたはすでに別の団体の代表者です（1団体1登録）",
        en: "A group with this name is already registered, or you already represent a group (one registration per group)",
      });
    }
    throw error;
  }
}
