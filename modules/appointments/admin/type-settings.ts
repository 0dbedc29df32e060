import type { Bilingual } from "../../../core/http/problem.ts";

/** Everything staff set about a kind of appointment on its settings form (hours and closures are separate). */
export type TypeSettings = {
  nameJa: string;
  nameEn: string;
  descriptionJa: string;
  descriptionEn: string;
  placeJa: string;
  placeEn: string;
  departmentId: string;
  durationMinutes: number;
  capacityPerSlot: number;
  leadBusinessDays: number;
  horizonDays: number;
  maxActivePerPerson: number;
  changeDeadlineBusinessDays: number;
  preQuestionFormSlug: string | null;
  active: boolean;
};

export type SettingsErrors = Record<string, Bilingual>;

/** The whole-number settings with their limits, which are also the database's CHECKs (0001_appointments.sql). */
export const numberRules = {
  duration_minutes: { key: "durationMinutes", min: 5, max: 480 },
  capacity_per_slot: { key: "capacityPerSlot", min: 1, max: 100 },
  lead_business_days: { key: "leadBusinessDays", min: 0, max: 60 },
  horizon_days: { key: "horizonDays", min: 1, max: 366 },
  max_active_per_person: { key: "maxActivePerPerson", min: 1, max: 20 },
  change_deadline_business_days: { key: "changeDeadlineBusinessDays", min: 0, max: 30 },
} as const;

const textRules = {
  name_ja: { key: "nameJa", max: 120, required: true },
  name_en: { key: "nameEn", max: 120, required: true },
  description_ja: { key: "descriptionJa", max: 2000, required: false },
  description_en: { key: "descriptionEn", max: 2000, required: false },
  place_ja: { key: "placeJa", max: 200, required: false },
  place_en: { key: "placeEn", max: 200, required: false },
} as const;

export const SLUG_PATTERN = /^[a-z0-9-]{2,60}$/;

/**
 * Reads and checks the posted settings. Department and form must be among those offered: the member's
 * departments and the city's published forms. Full-width digits are accepted (NFKC).
 */
export function parseTypeSettings(
  value: (name: string) => string,
  allowed: { departmentIds: ReadonlySet<string>; formSlugs: ReadonlySet<string> },
): { settings: TypeSettings | null; errors: SettingsErrors } {
  const errors: SettingsErrors = {};
  const texts: Record<string, string> = {};
  for (const [name, rule] of Object.entries(textRules)) {
    const text = value(name);
    if (rule.required && !text) {
      errors[name] = { ja: "入力してください", en: "Enter this" };
    } else if (text.length > rule.max) {
      errors[name] = {
        ja: `${rule.max}文字以内で入力してください`,
        en: `Use ${rule.max} characters or fewer`,
      };
    }
    texts[rule.key] = text;
  }
  const numbers: Record<string, number> = {};
  for (const [name, rule] of Object.entries(numberRules)) {
    const raw = value(name).normalize("NFKC");
    const number = /^\d{1,4}$/.test(raw) ? Number(raw) : Number.NaN;
    if (!(number >= rule.min && number <= rule.max)) {
      errors[name] = {
        ja: `${rule.min}から${rule.max}までの整数で入力してください`,
        en: `Enter a whole number from ${rule.min} to ${rule.max}`,
      };
    }
    numbers[rule.key] = number;
  }
  const departmentId = value("department_id");
  if (!allowed.departmentIds.has(departmentId)) {
    errors["department_id"] = {
      ja: "担当できる所属から選んでください",
      en: "Choose one of the departments you manage",
    };
  }
  const form = value("pre_question_form_slug");
  if (form && !allowed.formSlugs.has(form)) {
    errors["pre_question_form_slug"] = {
      ja: "公開中のフォームから選んでください",
      en: "Choose one of the published forms",
    };
  }
  if (Object.keys(errors).length > 0) {
    return { settings: null, errors };
  }
  return {
    settings: {
      nameJa: texts["nameJa"]!,
      nameEn: texts["nameEn"]!,
      descriptionJa: texts["descriptionJa"]!,
      descriptionEn: texts["descriptionEn"]!,
      placeJa: texts["placeJa"]!,
      placeEn: texts["placeEn"]!,
      departmentId,
      durationMinutes: numbers["durationMinutes"]!,
      capacityPerSlot: numbers["capacityPerSlot"]!,
      leadBusinessDays: numbers["leadBusinessDays"]!,
      horizonDays: numbers["horizonDays"]!,
      maxActivePerPerson: numbers["maxActivePerPerson"]!,
      changeDeadlineBusinessDays: numbers["changeDeadlineBusinessDays"]!,
      preQuestionFormSlug: form || null,
      active: value("active") === "1",
    },
    errors,
  };
}

/** The address name of a new type (/appointments/{slug}); it cannot change later, since links point at it. */
export function slugError(slug: string): Bilingual | null {
  return SLUG_PATTERN.test(slug)
    ? null
    : {
        ja: "半角英小文字・数字・ハイフンの2〜60文字で入力してください",
        en: "Use 2 to 60 lowercase letters, digits or hyphens",
      };
}
