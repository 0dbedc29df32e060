import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import type { Bilingual } from "../../../core/http/problem.ts";
import { type ReportReplyTemplate, reportReplyTemplates, reportStatuses } from "../schema.ts";
import { sortOrderField, textInBothLanguages } from "../setup-input.ts";
import type { SetupResult } from "./save-report-category.ts";

export type TemplateInput = {
  title: string;
  bodyJa: string;
  bodyEn: string;
  statusKey: string;
  sortOrder: string;
};

/** Adds (no id) or edits a reply template; its status, if any, is applied when staff reply with it. */
export async function saveReplyTemplate(o: {
  db: Db;
  tenantId: string;
  actor: Actor;
  id: string | null;
  input: TemplateInput;
  requestId?: string | null;
}): Promise<SetupResult<ReportReplyTemplate>> {
  const { input } = o;
  const errors: Record<string, Bilingual> = {};
  const title = input.title.trim().slice(0, 100);
  if (!title) {
    errors["title"] = { ja: "題名を入力してください", en: "Enter a title" };
  }
  const { ja: bodyJa, en: bodyEn } = textInBothLanguages(
    errors,
    "body",
    { ja: input.bodyJa, en: input.bodyEn },
    { ja: "本文", en: "text" },
    4000,
  );
  const statusKey = input.statusKey.trim() || null;
  if (statusKey) {
    const [status] = await o.db
      .select()
      .from(reportStatuses)
      .where(and(eq(reportStatuses.tenantId, o.tenantId), eq(reportStatuses.key, statusKey)));
    if (!status) {
      errors["statusKey"] = { ja: "その状態はありません", en: "There is no such status" };
    }
  }
  const sortOrder = sortOrderField(errors, input.sortOrder);
  if (Object.keys(errors).length > 0) {
    return { ok: false, errors };
  }
  const values = { title, bodyJa, bodyEn, statusKey, sortOrder: sortOrder! };
  return o.db.transaction(async (tx) => {
    const [saved] = o.id
      ? await tx
          .update(reportReplyTemplates)
          .set(values)
          .where(and(eq(reportReplyTemplates.tenantId, o.tenantId), eq(reportReplyTemplates.id, o.id)))
          .returning()
      : await tx
          .insert(reportReplyTemplates)
          .values({ ...values, tenantId: o.tenantId })
          .returning();
    if (!saved) {
      return {
        ok: false,
        errors: { title: { ja: "その定型文はありません", en: "There is no such template" } },
      };
    }
    await recordChange(tx, {
      tenantId: o.tenantId,
      actor: o.actor,
      action: o.id ? "reports.reply_template.update" : "reports.reply_template.create",
      resource: { type: "report_reply_template", id: saved.id },
      after: values,
      requestId: o.requestId ?? null,
    });
    return { ok: true, value: saved };
  });
}
