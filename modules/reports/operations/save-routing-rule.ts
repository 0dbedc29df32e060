import { and, eq, isNull } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { departments } from "../../../core/identity/schema.ts";
import { lockRoutingSetup } from "../routing.ts";
import { reportAreas, reportCategories, reportRoutingRules } from "../schema.ts";
import { reportProblems, UUID } from "../staff-changes.ts";
import { checkPreviewCurrent, type RoutingRuleChange } from "./preview-routing-rules.ts";

export type SaveRoutingRuleOptions = {
  db: Db;
  tenantId: string;
  actor: Actor;
  change: RoutingRuleChange;
  /** The hash the preview showed; refused (409) when the routing setup changed since. */
  previewHash: string;
  note?: string;
  requestId?: string | null;
};

/**
 * Checks a proposed rule names this city's category, area and department, and that no rule for the same
 * category × area exists already (one rule per pair: to change its department, remove it first).
 */
export async function checkRuleChange(db: Db, tenantId: string, change: RoutingRuleChange): Promise<void> {
  const bad = (ja: string, en: string) => reportProblems.invalid({ ja, en });
  if (change.kind === "remove") {
    if (!UUID.test(change.ruleId)) {
      throw bad("そのルールはありません", "There is no such rule");
    }
    return;
  }
  if (!change.categoryId && !change.areaId) {
    throw bad("種類か区域の少なくとも一方を選んでください", "Choose a category, an area, or both");
  }
  const exists = async (found: Promise<unknown[]>) => (await found).length > 0;
  if (
    change.categoryId &&
    !(
      UUID.test(change.categoryId) &&
      (await exists(
        db
          .select({ id: reportCategories.id })
          .from(reportCategories)
          .where(and(eq(reportCategories.tenantId, tenantId), eq(reportCategories.id, change.categoryId))),
      ))
    )
  ) {
    throw bad("その種類はありません", "There is no such category");
  }
  if (
    change.areaId &&
    !(
      UUID.test(change.areaId) &&
      (await exists(
        db
          .select({ id: reportAreas.id })
          .from(reportAreas)
          .where(and(eq(reportAreas.tenantId, tenantId), eq(reportAreas.id, change.areaId))),
      ))
    )
  ) {
    throw bad("その区域はありません", "There is no such area");
  }
  if (
    !(
      UUID.test(change.departmentId) &&
      (await exists(
        db
          .select({ id: departments.id })
          .from(departments)
          .where(and(eq(departments.tenantId, tenantId), eq(departments.id, change.departmentId))),
      ))
    )
  ) {
    throw bad("担当部署を選んでください", "Choose a department");
  }
  const [same] = await db
    .select({ id: reportRoutingRules.id })
    .from(reportRoutingRules)
    .where(
      and(
        eq(reportRoutingRules.tenantId, tenantId),
        change.categoryId
          ? eq(reportRoutingRules.categoryId, change.categoryId)
          : isNull(reportRoutingRules.categoryId),
        change.areaId ? eq(reportRoutingRules.areaId, change.areaId) : isNull(reportRoutingRules.areaId),
      ),
    );
  if (same) {
    throw bad(
      "この種類と区域の組み合わせのルールはすでにあります。担当部署を変えるには、先にそのルールを削除してください",
      "A rule for this category and area already exists. To change its department, remove that rule first",
    );
  }
}

/**
 * Adds or removes a routing rule after its preview was seen: the preview's hash must still match the routing setup,
 * so a change made by someone else in between is not saved over unseen (409).
 */
export async function saveRoutingRule(o: SaveRoutingRuleOptions): Promise<void> {
  await checkRuleChange(o.db, o.tenantId, o.change);
  await o.db.transaction(async (tx) => {
    // Serialise rule edits of the city, so two saves cannot both pass the hash check.
    await lockRoutingSetup(tx, o.tenantId);
    await checkPreviewCurrent(tx, o.tenantId, o.change, o.previewHash);
    const { change } = o;
    if (change.kind === "remove") {
      const [removed] = await tx
        .delete(reportRoutingRules)
        .where(and(eq(reportRoutingRules.tenantId, o.tenantId), eq(reportRoutingRules.id, change.ruleId)))
        .returning();
      if (!removed) {
        throw reportProblems.invalid({ ja: "そのルールはありません", en: "There is no such rule" });
      }
      await recordChange(tx, {
        tenantId: o.tenantId,
        actor: o.actor,
        action: "reports.routing_rule.delete",
        resource: { type: "report_routing_rule", id: removed.id },
        before: {
          categoryId: removed.categoryId,
          areaId: removed.areaId,
          departmentId: removed.departmentId,
        },
        requestId: o.requestId ?? null,
      });
      return;
    }
    const [added] = await tx
      .insert(reportRoutingRules)
      .values({
        tenantId: o.tenantId,
        categoryId: change.categoryId,
        areaId: change.areaId,
        departmentId: change.departmentId,
        note: (o.note ?? "").trim().slice(0, 200),
      })
      .returning();
    await recordChange(tx, {
      tenantId: o.tenantId,
      actor: o.actor,
      action: "reports.routing_rule.create",
      resource: { type: "report_routing_rule", id: added!.id },
      after: { categoryId: change.categoryId, areaId: change.areaId, departmentId: change.departmentId },
      requestId: o.requestId ?? null,
    });
  });
}
