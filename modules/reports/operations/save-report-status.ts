import { and, count, eq, sql } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import type { Bilingual } from "../../../core/http/problem.ts";
import {
  type ReportStage,
  reportReplyTemplates,
  reportStages,
  reportStatuses,
  reports,
  type StatusCategory,
  statusCategories,
} from "../schema.ts";
import { sortOrderField, textInBothLanguages } from "../setup-input.ts";
import type { SetupResult } from "./save-report-category.ts";

export type StatusInput = {
  key: string;
  labelJa: string;
  labelEn: string;
  category: string;
  stage: string;
  sortOrder: string;
};

const KEY = /^[a-z][a-z0-9_]{0,39}$/;

/**
 * Adds a status (`isNew`) or renames and re-sorts one. Changing its category or stage also updates the
 * reports in it, so the pins, open/closed counts and closing dates stay true. The initial status stays open
 * and "received" (a new report is neither closed nor in progress).
 */
export async function saveReportStatus(o: {
  db: Db;
  tenantId: string;
  actor: Actor;
  isNew: boolean;
  input: StatusInput;
  requestId?: string | null;
}): Promise<SetupResult<string>> {
  const { input } = o;
  const errors: Record<string, Bilingual> = {};
  const key = input.key.trim();
  if (!KEY.test(key)) {
    errors["key"] = { ja: "キーは半角英小文字・数字・_ です", en: "Key: a-z, 0-9 and _" };
  }
  const { ja: labelJa, en: labelEn } = textInBothLanguages(
    errors,
    "label",
    { ja: input.labelJa, en: input.labelEn },
    { ja: "表示名", en: "label" },
    40,
  );
  const category = (statusCategories as readonly string[]).includes(input.category)
    ? (input.category as StatusCategory)
    : null;
  if (!category) {
    errors["category"] = { ja: "区分を選んでください", en: "Choose open, closed or fixed" };
  }
  const stage = (reportStages as readonly string[]).includes(input.stage)
    ? (input.stage as ReportStage)
    : null;
  if (!stage) {
    errors["stage"] = { ja: "段階を選んでください", en: "Choose the stage" };
  }
  const sortOrder = sortOrderField(errors, input.sortOrder);
  if (Object.keys(errors).length > 0) {
    return { ok: false, errors };
  }
  return o.db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(reportStatuses)
      .where(and(eq(reportStatuses.tenantId, o.tenantId), eq(reportStatuses.key, key)));
    if (o.isNew === Boolean(before)) {
      return {
        ok: false,
        errors: {
          key: o.isNew
            ? { ja: "そのキーはすでにあります", en: "That key already exists" }
            : { ja: "その状態はありません", en: "There is no such status" },
        },
      };
    }
    const values = { labelJa, labelEn, category: category!, stage: stage!, sortOrder: sortOrder! };
    if (before?.isInitial && (values.category !== "open" || values.stage !== "received")) {
      const refused: Record<string, Bilingual> = {};
      if (values.category !== "open") {
        refused["category"] = {
          ja: "受付時の状態の区分は「未完了（open）」のままにしてください",
          en: "The initial status must stay open",
        };
      }
      if (values.stage !== "received") {
        refused["stage"] = {
          ja: "受付時の状態の段階は「未対応」のままにしてください",
          en: "The initial status must stay at the received stage",
        };
      }
      return { ok: false, errors: refused };
    }
    if (before) {
      await tx
        .update(reportStatuses)
        .set(values)
        .where(and(eq(reportStatuses.tenantId, o.tenantId), eq(reportStatuses.key, key)));
      if (before.category !== values.category || before.stage !== values.stage) {
        await tx
          .update(reports)
          .set({
            stage: values.stage,
            statusCategory: values.category,
            closedAt: values.category === "open" ? null : sql`coalesce(${reports.closedAt}, now())`,
          })
          .where(and(eq(reports.tenantId, o.tenantId), eq(reports.statusKey, key)));
      }
    } else {
      await tx.insert(reportStatuses).values({ ...values, key, tenantId: o.tenantId });
    }
    await recordChange(tx, {
      tenantId: o.tenantId,
      actor: o.actor,
      action: before ? "reports.status.update" : "reports.status.create",
      resource: { type: "report_status", id: key },
      before: before ?? null,
      after: values,
      requestId: o.requestId ?? null,
    });
    return { ok: true, value: key };
  });
}

/** Removes a status nobody uses: not the initial one, no report in it, no template moving to it. */
export async function removeReportStatus(o: {
  db: Db;
  tenantId: string;
  actor: Actor;
  key: string;
  requestId?: string | null;
}): Promise<SetupResult<string>> {
  return o.db.transaction(async (tx) => {
    const [status] = await tx
      .select()
      .from(reportStatuses)
      .where(and(eq(reportStatuses.tenantId, o.tenantId), eq(reportStatuses.key, o.key)));
    if (!status) {
      return { ok: false, errors: { key: { ja: "その状態はありません", en: "There is no such status" } } };
    }
    const [used] = await tx
      .select({ n: count() })
      .from(reports)
      .where(and(eq(reports.tenantId, o.tenantId), eq(reports.statusKey, o.key)));
    const [templated] = await tx
      .select({ n: count() })
      .from(reportReplyTemplates)
      .where(and(eq(reportReplyTemplates.tenantId, o.tenantId), eq(reportReplyTemplates.statusKey, o.key)));
    if (status.isInitial || Number(used?.n) > 0 || Number(templated?.n) > 0) {
      return {
        ok: false,
        errors: {
          key: {
            ja: `「${status.labelJa}」は使われているため削除できません（通報${Number(used?.n)}件、定型文${Number(templated?.n)}件${status.isInitial ? "、受付時の状態" : ""}）`,
            en: `“${status.labelEn}” is in use and cannot be removed (${Number(used?.n)} reports, ${Number(templated?.n)} templates${status.isInitial ? ", the initial status" : ""})`,
          },
        },
      };
    }
    await tx
      .delete(reportStatuses)
      .where(and(eq(reportStatuses.tenantId, o.tenantId), eq(reportStatuses.key, o.key)));
    await recordChange(tx, {
      tenantId: o.tenantId,
      actor: o.actor,
      action: "reports.status.delete",
      resource: { type: "report_status", id: o.key },
      before: status,
      requestId: o.requestId ?? null,
    });
    return { ok: true, value: o.key };
  });
}
