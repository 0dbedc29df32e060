import { and, eq, ne } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import type { Bilingual } from "../../../core/http/problem.ts";
import { departments } from "../../../core/identity/schema.ts";
import { listPublishedForms } from "../../forms/index.ts";
import { publicPlacement } from "../placement.ts";
import { lockRoutingSetup } from "../routing.ts";
import {
  type PublicLocation,
  publicLocations,
  type ReportCategory,
  reportCategories,
  reports,
} from "../schema.ts";
import { textInBothLanguages } from "../setup-input.ts";
import { UUID, wholeNumber } from "../staff-changes.ts";

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
  /** Months after closing the reporter's personal data is kept; absent (not posted) keeps the saved value. */
  retentionMonths?: string;
  allowAnonymous: boolean;
  formSlug: string;
  active: boolean;
};

export type SetupResult<T> = { ok: true; value: T } | { ok: false; errors: Record<string, Bilingual> };

/** The same rules as the table's CHECKs, so a bad value is a message, not a failed insert. */
const CODE = /^[a-z0-9][a-z0-9-]{0,39}$/;
export const categoryLimits = {
  slaBusinessDays: [1, 365],
  coarsenMeters: [50, 2000],
  duplicateRadiusMeters: [0, 1000],
  reopenDays: [0, 365],
  retentionMonths: [1, 120],
} as const;
const whole = (value: string, name: keyof typeof categoryLimits) =>
  wholeNumber(value, categoryLimits[name][0], categoryLimits[name][1]);

/**
 * Adds a category (no id) or edits one: its SLA, department, how the public map shows it, the duplicate
 * radius, how long it can be reopened, whether anonymous reports are taken and its extra questions.
 * Existing reports keep their department and deadline, but a change of how the map shows the category moves
 * their public points (or takes them off the map) in the same transaction.
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
      ja: "コードは半角英小文字・数字・- で40文字以内です（先頭は英数字）",
      en: "Code: a-z, 0-9 and -, up to 40, starting with a letter or digit",
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
  const { ja: nameJa, en: nameEn } = textInBothLanguages(
    errors,
    "name",
    { ja: input.nameJa, en: input.nameEn },
    { ja: "名前", en: "name" },
    100,
  );
  const sla = input.slaBusinessDays.trim() === "" ? null : whole(input.slaBusinessDays, "slaBusinessDays");
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
  const coarsenMeters = whole(input.coarsenMeters, "coarsenMeters");
  if (coarsenMeters === null) {
    errors["coarsenMeters"] = { ja: "ぼかす距離は50〜2000mの整数です", en: "Coarsen by 50 to 2000 m" };
  }
  const duplicateRadiusMeters = whole(input.duplicateRadiusMeters, "duplicateRadiusMeters");
  if (duplicateRadiusMeters === null) {
    errors["duplicateRadiusMeters"] = {
      ja: "重複を探す半径は0〜1000mの整数です",
      en: "Duplicate radius: 0 to 1000 m",
    };
  }
  const reopenDays = whole(input.reopenDays, "reopenDays");
  if (reopenDays === null) {
    errors["reopenDays"] = { ja: "再開できる日数は0〜365です", en: "Reopen days: 0 to 365" };
  }
  const retentionMonths =
    input.retentionMonths === undefined ? undefined : whole(input.retentionMonths, "retentionMonths");
  if (retentionMonths === null) {
    errors["retentionMonths"] = {
      ja: "個人情報の保存期間は1〜120か月の整数です",
      en: "Keep personal data for 1 to 120 months",
    };
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
    ...(retentionMonths ? { retentionMonths } : {}),
    allowAnonymous: input.allowAnonymous,
    formSlug,
    active: input.active,
  };
  return o.db.transaction(async (tx) => {
    // A category's default department is part of routing: wait for a rule or area save checking its preview.
    await lockRoutingSetup(tx, o.tenantId);
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
    const replaced =
      before &&
      (before.publicLocation !== values.publicLocation || before.coarsenMeters !== values.coarsenMeters)
        ? await replaceReports(tx, o.tenantId, saved!)
        : 0;
    await recordChange(tx, {
      tenantId: o.tenantId,
      actor: o.actor,
      action: before ? "reports.category.update" : "reports.category.create",
      resource: { type: "report_category", id: saved!.id },
      before: before ?? null,
      after: before ? { ...values, reportsReplaced: replaced } : values,
      requestId: o.requestId ?? null,
    });
    return { ok: true, value: saved! };
  });
}

/**
 * Re-places every report of the category on the public map under its new setting (hidden ones too, so
 * showing them again later needs no repair); the map-cell trigger follows each moved point. Returns how
 * many public points changed.
 */
async function replaceReports(tx: Db, tenantId: string, category: ReportCategory): Promise<number> {
  const rows = await tx
    .select({
      id: reports.id,
      lat: reports.lat,
      lng: reports.lng,
      hiddenByStaff: reports.hiddenByStaff,
      publicLat: reports.publicLat,
      publicLng: reports.publicLng,
    })
    .from(reports)
    .where(and(eq(reports.tenantId, tenantId), eq(reports.categoryId, category.id)))
    .for("update");
  let changed = 0;
  for (const row of rows) {
    const placed = publicPlacement(category, row, row.hiddenByStaff);
    if (placed.publicLat === row.publicLat && placed.publicLng === row.publicLng) {
      continue;
    }
    await tx
      .update(reports)
      .set(placed)
      .where(and(eq(reports.tenantId, tenantId), eq(reports.id, row.id)));
    changed++;
  }
  return changed;
}
