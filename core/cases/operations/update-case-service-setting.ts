import { and, eq } from "drizzle-orm";
import type { Actor } from "../../audit/actor.ts";
import type { Db } from "../../db/database.ts";
import { recordChange } from "../../events/record-change.ts";
import { problems } from "../../http/problem.ts";
import { caseServiceSettings } from "../schema.ts";
import type { CaseServiceSetting } from "./get-case-service-settings.ts";

export type UpdateCaseServiceSettingOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  serviceKey: string;
  /** 1–365 business days, or null for no deadline. */
  slaBusinessDays: number | null;
  requestId?: string | null;
};

/**
 * Sets a service's SLA. It applies to cases received from now on; open cases keep the deadline they were
 * given, which the resident may already have been told.
 */
export async function updateCaseServiceSetting(
  o: UpdateCaseServiceSettingOptions,
): Promise<CaseServiceSetting> {
  const where = and(
    eq(caseServiceSettings.tenantId, o.tenantId),
    eq(caseServiceSettings.serviceKey, o.serviceKey),
  );
  const [before] = await o.tx.select().from(caseServiceSettings).where(where).for("update");
  if (!before) {
    throw problems.notFound();
  }
  const [after] = await o.tx
    .update(caseServiceSettings)
    .set({ slaBusinessDays: o.slaBusinessDays, updatedAt: new Date() })
    .where(where)
    .returning();
  await recordChange(o.tx, {
    tenantId: o.tenantId,
    actor: o.actor,
    action: "cases.settings.update",
    resource: { type: "cases_service_setting", id: o.serviceKey },
    before: { slaBusinessDays: before.slaBusinessDays },
    after: { slaBusinessDays: o.slaBusinessDays },
    event: {
      name: "cases.service_setting_updated",
      payload: { serviceKey: o.serviceKey, slaBusinessDays: o.slaBusinessDays },
    },
    requestId: o.requestId ?? null,
  });
  return {
    serviceKey: after!.serviceKey,
    title: { ja: after!.titleJa, en: after!.titleEn },
    slaBusinessDays: after!.slaBusinessDays,
  };
}
