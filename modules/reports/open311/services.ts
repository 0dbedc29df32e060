import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import type { Language } from "../../../core/i18n/i18n.ts";
import { type FormQuestions, loadFormQuestions } from "../../forms/index.ts";
import { type ReportCategory, reportCategories } from "../schema.ts";
import type { Open311Object } from "./format.ts";

type Field = FormQuestions["page"]["fields"][number];
type Text = { ja: string; en?: string | undefined };

const pick = (text: Text | undefined, lang: Language) =>
  text ? (lang === "en" ? (text.en ?? text.ja) : text.ja) : "";

/** GeoReport datatypes of the form field types a partner app can fill in with one attribute value. */
const DATATYPES: Partial<Record<Field["type"], string>> = {
  choice: "singlevaluelist",
  multi_choice: "multivaluelist",
  text: "string",
  textarea: "text",
  number: "number",
  date: "datetime",
  email: "string",
  phone: "string",
  postal_code: "string",
  address: "string",
};

/** The city's active categories, in their order: the services of GeoReport v2. */
export async function activeCategories(db: Db, tenantId: string): Promise<ReportCategory[]> {
  return db
    .select()
    .from(reportCategories)
    .where(and(eq(reportCategories.tenantId, tenantId), eq(reportCategories.active, true)))
    .orderBy(asc(reportCategories.sortOrder), asc(reportCategories.code));
}

/**
 * The category's extra questions as GeoReport attributes. Questions no single attribute value can answer
 * (names with a reading, places, repeating groups, files, consents, computed values) are left out; an
 * information text becomes a non-variable attribute, as the specification has it.
 */
export async function serviceAttributes(
  db: Db,
  tenantId: string,
  category: ReportCategory,
  lang: Language,
): Promise<Open311Object[]> {
  if (!category.formSlug) {
    return [];
  }
  const questions = await loadFormQuestions(db, { tenantId, slug: category.formSlug });
  const attributes: Open311Object[] = [];
  for (const field of questions?.page.fields ?? []) {
    const datatype = field.type === "info" ? "string" : DATATYPES[field.type];
    if (!datatype) {
      continue;
    }
    const base = field as Field & { hint?: Text; required?: boolean; label: Text };
    attributes.push({
      variable: field.type !== "info",
      code: field.key,
      datatype,
      required: field.type !== "info" && base.required === true,
      datatype_description: pick(base.hint, lang),
      order: attributes.length + 1,
      description: pick(base.label, lang),
      ...(field.type === "choice" || field.type === "multi_choice"
        ? { values: field.options.map((option) => ({ key: option.value, name: pick(option.label, lang) })) }
        : {}),
    });
  }
  return attributes;
}

/** One entry of services.{format}. */
export function presentService(category: ReportCategory, lang: Language, metadata: boolean): Open311Object {
  const other: Language = lang === "en" ? "ja" : "en";
  return {
    service_code: category.code,
    service_name: lang === "en" ? category.nameEn : category.nameJa,
    description: lang === "en" ? category.descriptionEn : category.descriptionJa,
    metadata,
    type: "realtime",
    // The name in the other language, so an app searching in either finds the service.
    keywords: other === "en" ? category.nameEn : category.nameJa,
    group: lang === "en" ? category.groupEn : category.groupJa,
  };
}
