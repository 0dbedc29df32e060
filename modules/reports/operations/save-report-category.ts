import { and, eq, ne } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import type { Bilingual } from "../../../core/http/problem.ts";
import { departments } from "../../../core/identity/schema.ts";
import { listPublishedForms } from "../../forms/index.ts";
import { type PublicLocation, publicLocations, type ReportCategory, reportCategories } from "../schema.ts";
import { UUID } from "../staff-changes.ts";

export type CategoryInput = {
  code: string;
  nameJa: string;
  nameEn: string;
  slaBusinessDays: string;
  defaultDepartmentId: string;
  publicLocation: string;
  coarsenMeters: string;
  duplicateRadiusMeters: string;
  reopenDays: string;
  allowAnonymous: boolean;
  formSlug: string;
  active: boolean;
};

export type SetupResult<T> = { ok: true; value: T } | { ok: false; errors: Record<string, Bilingual> };

const CODE = /^[a-z0-9][a-z0-9_-]{0,39}$/;

function whole(value: string, min: number, max: number): number | null {
  const n = Number(value.trim());
  return value.trim() !== "" && Number.isInteger(n) && n >= min && n <= max ? n : null;
}

/**
 * Adds a category (no id) or edits one: its SLA, department, how the public map shows it, the duplicate
 * radius, how long it can be reopened, whether anonymous reports are taken and its extra questions.
 * Existing reports keep their department and deadline.
 */
export async function saveReportCategory(o: {
  db: Db;
  tenantId: string;
  actor: Actor;
  id: string | null;
  input: CategoryInput;
  requestId?: string | null;
}): Promise<SetupResult<ReportCategory>> {
  const { input } = o;
  const errors: Record<string, Bilingual> = {};
  const code = input.code.trim();
  if (!CODE.test(code)) {
    errors["code"] = {
      ja: "コードは半角英小文字・数字・-・_ で40文字以内です",
      en: "Code: a-z, 0-9, - and _, up to 40",
    };
  } else {
    const [taken] = await o.db
      .select({ id: reportCategories.id })
      .from(reportCategories)
      .where(
        and(
          eq(reportCategories.tenantId, o.tenantId),
          eq(reportCategories.code, code),
          ...(o.id ? [ne(reportCategories.id, o.id)] : []),
        ),
      );
    if (taken) {
      errors["code"] = { ja: "そのコードはすでに使われています", en: "That code is already used" };
    }
  }
  const nameJa = input.nameJa.trim().slice(0, 100);
  const nameEn = input.nameEn.trim().slice(0, 100);
  if (!nameJa) {
    errors["nameJa"] = { ja: "名前（日本語）を入力してください", en: "Enter the Japanese name" };
  }
  if (!nameEn) {
    errors["nameEn"] = { ja: "名前（英語）を入力してください", en: "Enter the English name" };
  }
  const sla = input.slaBusinessDays.trim() === "" ? null : whole(input.slaBusinessDays, 1, 365);
  if (input.slaBusinessDays.trim() !== "" && sla === null) {
    errors["slaBusinessDays"] = { ja: "期限は1〜365の営業日数です", en: "The SLA is 1 to 365 business days" };
  }
  let departmentId: string | null = null;
  if (input.defaultDepartmentId) {
    const [found] = UUID.test(input.defaultDepartmentId)
      ? await o.db
          .select({ id: departments.id })
          .from(departments)
          .where(and(eq(departments.tenantId, o.tenantId), eq(departments.id, input.defaultDepartmentId)))
      : [];
    if (found) {
      departmentId = found.id;
    } else {
      errors["defaultDepartmentId"] = { ja: "その部署はありません", en: "There is no such department" };
    }
  }
  const publicLocation = (publicLocations as readonly string[]).includes(input.publicLocation)
    ? (input.publicLocation as PublicLocation)
    : null;
  if (!publicLocation) {
    errors["publicLocation"] = { ja: "地図での表示を選んでください", en: "Choose how the map shows it" };
  }
  const coarsenMeters = whole(input.coarsenMeters, 50, 5000);
  if (coarsenMeters === null) {
    errors["coarsenMeters"] = { ja: "ぼかす距離は50〜5000mです", en: "Coarsen by 50 to 5000 m" };
  }
  const duplicateRadiusMeters = whole(input.duplicateRadiusMeters, 0, 2000);
  if (duplicateRadiusMeters === null) {
    errors["duplicateRadiusMeters"] = {
      ja: "重複を探す半径は0〜2000mです",
      en: "Duplicate radius: 0 to 2000 m",
    };
  }
  const reopenDays = whole(input.reopenDays, 0, 365);
  if (reopenDays === null) {
    errors["reopenDays"] = { ja: "再開できる日数は0〜365です", en: "Reopen days: 0 to 365" };
  }
  const formSlug = input.formSlug.trim() || null;
  if (
    formSlug &&
    !(await listPublishedForms(o.db, { tenantId: o.tenantId })).some((f) => f.slug === formSlug)
  ) {
    errors["formSlug"] = { ja: "公開中のフォームから選んでください", en: "Choose a published form" };
  }
  if (Object.keys(errors).length > 0) {
    return { ok: false, errors };
  }
  const values = {
    code,
    nameJa,
    nameEn,
    slaBusinessDays: sla,
    defaultDepartmentId: departmentId,
    publicLocation: publicLocation!,
    coarsenMeters: coarsenMeters!,
    duplicateRadiusMeters: duplicateRadiusMeters!,
    reopenDays: reopenDays!,
    allowAnonymous: input.allowAnonymous,
    formSlug,
    active: input.active,
  };
  return o.db.transaction(async (tx) => {
    const [before] = o.id
      ? await tx
          .select()
          .from(reportCategories)
          .where(and(eq(reportCategories.tenantId, o.tenantId), eq(reportCategories.id, o.id)))
      : [];
    if (o.id && !before) {
      return { ok: false, errors: { code: { ja: "その種類はありません", en: "There is no such category" } } };
    }
    const [saved] = before
      ? await tx.update(reportCategories).set(values).where(eq(reportCategories.id, before.id)).returning()
      : await tx
          .insert(reportCategories)
          .values({ ...values, tenantId: o.tenantId })
          .returning();
    await recordChange(tx, {
      tenantId: o.tenantId,
      actor: o.actor,
      action: before ? "reports.category.update" : "reports.category.create",
      resource: { type: "report_category", id: saved!.id },
      before: before ?? null,
      after: values,
      requestId: o.requestId ?? null,
    });
    return { ok: true, value: saved! };
  });
}
