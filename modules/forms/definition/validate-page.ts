import { toKatakana } from "../../../core/identity/residents/profile-attributes.ts";
import type { Answers, AnswerValue, FieldProblem, NameValue, ScalarAnswer } from "./answers.ts";
import { evaluate, holds } from "./expressions.ts";
import type { Field, FormDefinition, GroupMemberField, Page } from "./form-definition.ts";

/** Raw inputs of a posted page: every value of every name, as the browser sent them. */
export type PageInput = Map<string, string[]>;

const nfkc = (value: string) => value.normalize("NFKC").replace(/\s+/g, " ").trim();

const standard = {
  required: { ja: "「{label}」を入力してください", en: "Enter {label}" },
  choose: { ja: "「{label}」を選んでください", en: "Choose {label}" },
  consent: { ja: "「{label}」に同意してください", en: "You must agree to {label}" },
  tooLong: {
    ja: "「{label}」は{max}文字以内で入力してください",
    en: "{label} must be {max} characters or fewer",
  },
  number: { ja: "「{label}」は数字で入力してください", en: "{label} must be a number" },
  integer: { ja: "「{label}」は整数で入力してください", en: "{label} must be a whole number" },
  min: { ja: "「{label}」は{min}以上にしてください", en: "{label} must be {min} or more" },
  max: { ja: "「{label}」は{max}以下にしてください", en: "{label} must be {max} or less" },
  email: {
    ja: "「{label}」はメールアドレスの形式で入力してください",
    en: "Enter {label} as an email address, like name@example.jp",
  },
  phone: {
    ja: "「{label}」は0から始まる10桁か11桁の電話番号で入力してください",
    en: "Enter {label} as a 10 or 11 digit number starting with 0",
  },
  postal: {
    ja: "「{label}」は7桁の郵便番号で入力してください(例: 891-0000)",
    en: "Enter {label} as a 7 digit postal code, like 891-0000",
  },
  kana: {
    ja: "「{label}」のフリガナはカタカナで入力してください",
    en: "Enter the reading of {label} in katakana",
  },
  date: { ja: "「{label}」は正しい日付で入力してください", en: "Enter {label} as a real date" },
  dateMin: { ja: "「{label}」は{min}以降の日付にしてください", en: "{label} must be on or after {min}" },
  dateMax: { ja: "「{label}」は{max}以前の日付にしてください", en: "{label} must be on or before {max}" },
  option: { ja: "「{label}」の選択肢から選んでください", en: "Choose one of the options for {label}" },
  minSelected: { ja: "「{label}」は{min}つ以上選んでください", en: "Choose at least {min} for {label}" },
  maxSelected: { ja: "「{label}」は{max}つまで選べます", en: "Choose at most {max} for {label}" },
  location: { ja: "「{label}」の位置を正しく指定してください", en: "Give a valid position for {label}" },
  minItems: { ja: "「{label}」を{min}件以上入力してください", en: "Add at least {min} to {label}" },
  maxItems: { ja: "「{label}」は{max}件までです", en: "{label} can have at most {max}" },
  unknown: { ja: "この様式にない項目が送られました: {name}", en: "This form has no field called {name}" },
} as const;
type MessageKey = keyof typeof standard;

function problem(
  input: string,
  field: {
    label: { ja: string; en?: string | undefined };
    errorMessage?: { ja: string; en?: string | undefined } | undefined;
  },
  key: MessageKey,
  vars: Record<string, string | number> = {},
): FieldProblem {
  if (field.errorMessage) {
    return {
      input,
      message: { ja: field.errorMessage.ja, en: field.errorMessage.en ?? field.errorMessage.ja },
    };
  }
  const fill = (text: string, label: string) =>
    text.replace(/\{(\w+)\}/g, (whole, name: string) =>
      name === "label" ? label : String(vars[name] ?? whole),
    );
  return {
    input,
    message: {
      ja: fill(standard[key].ja, field.label.ja),
      en: fill(standard[key].en, field.label.en ?? field.label.ja),
    },
  };
}

/** The calendar date in Japan, for "today" bounds. */
export function todayInJapan(now = new Date()): string {
  return new Date(now.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
}

function isRealDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return false;
  }
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

type Checked = { value: AnswerValue | null; problems: FieldProblem[] };

/** Reads and checks one scalar field from the inputs under `name`. Files and signatures are handled apart. */
function checkScalar(
  field: Field | GroupMemberField,
  name: string,
  input: PageInput,
  scope: Answers,
  now: Date,
): Checked {
  const first = nfkc(input.get(name)?.[0] ?? "");
  const required =
    ("required" in field && field.required) ||
    ("requiredIf" in field && field.requiredIf !== undefined && holds(field.requiredIf, scope));
  const missing = (key: MessageKey = "required"): Checked =>
    required
      ? { value: null, problems: [problem(name, field as Field & { label: { ja: string } }, key)] }
      : { value: null, problems: [] };
  const bad = (key: MessageKey, vars?: Record<string, string | number>): Checked => ({
    value: null,
    problems: [problem(name, field as Field & { label: { ja: string } }, key, vars)],
  });
  switch (field.type) {
    case "text":
    case "textarea":
    case "address": {
      if (first === "") {
        return missing();
      }
      const raw = field.type === "textarea" ? (input.get(name)?.[0] ?? "").normalize("NFKC").trim() : first;
      const max = field.type === "address" ? 200 : field.maxLength;
      return raw.length > max ? bad("tooLong", { max }) : { value: raw, problems: [] };
    }
    case "email":
      if (first === "") {
        return missing();
      }
      return /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/.test(first) && first.length <= 254
        ? { value: first, problems: [] }
        : bad("email");
    case "phone": {
      if (first === "") {
        return missing();
      }
      const digits = first.replace(/[-‐ー−() ]/g, "");
      return /^0\d{9,10}$/.test(digits) ? { value: digits, problems: [] } : bad("phone");
    }
    case "postal_code": {
      if (first === "") {
        return missing();
      }
      const digits = first.replace(/[-‐ー−〒 ]/g, "");
      return /^\d{7}$/.test(digits)
        ? { value: `${digits.slice(0, 3)}-${digits.slice(3)}`, problems: [] }
        : bad("postal");
    }
    case "number": {
      if (first === "") {
        return missing();
      }
      const number = Number(first.replace(/,/g, ""));
      if (!Number.isFinite(number) || !/^-?[\d,]+(\.\d+)?$/.test(first)) {
        return bad("number");
      }
      if (field.integer && !Number.isInteger(number)) {
        return bad("integer");
      }
      if (field.min !== undefined && number < field.min) {
        return bad("min", { min: field.min });
      }
      if (field.max !== undefined && number > field.max) {
        return bad("max", { max: field.max });
      }
      return { value: number, problems: [] };
    }
    case "date": {
      if (first === "") {
        return missing();
      }
      if (!isRealDate(first)) {
        return bad("date");
      }
      const bound = (b: string | undefined) => (b === "today" ? todayInJapan(now) : b);
      const min = bound(field.min);
      const max = bound(field.max);
      if (min && first < min) {
        return bad("dateMin", { min });
      }
      if (max && first > max) {
        return bad("dateMax", { max });
      }
      return { value: first, problems: [] };
    }
    case "name": {
      const fullName = nfkc(input.get(`${name}.name`)?.[0] ?? "");
      const kanaRaw = nfkc(input.get(`${name}.kana`)?.[0] ?? "");
      if (fullName === "") {
        return required
          ? { value: null, problems: [problem(`${name}.name`, field, "required")] }
          : { value: null, problems: [] };
      }
      if (fullName.length > 100) {
        return { value: null, problems: [problem(`${name}.name`, field, "tooLong", { max: 100 })] };
      }
      const value: NameValue = { name: fullName };
      if (field.withKana) {
        const kana = toKatakana(kanaRaw);
        if (kana === "" && required) {
          return { value: null, problems: [problem(`${name}.kana`, field, "kana")] };
        }
        if (kana !== "" && !/^[\u30a1-\u30fa\u30fc ]{1,100}$/.test(kana)) {
          return { value: null, problems: [problem(`${name}.kana`, field, "kana")] };
        }
        if (kana !== "") {
          value.kana = kana;
        }
      }
      return { value, problems: [] };
    }
    case "choice": {
      if (first === "") {
        return missing("choose");
      }
      return field.options.some((o) => o.value === first) ? { value: first, problems: [] } : bad("option");
    }
    case "multi_choice": {
      const chosen = [...new Set(input.get(name) ?? [])].filter((v) => v !== "");
      if (chosen.some((v) => !field.options.some((o) => o.value === v))) {
        return bad("option");
      }
      if (chosen.length === 0) {
        return missing("choose");
      }
      if (field.minSelected !== undefined && chosen.length < field.minSelected) {
        return bad("minSelected", { min: field.minSelected });
      }
      if (field.maxSelected !== undefined && chosen.length > field.maxSelected) {
        return bad("maxSelected", { max: field.maxSelected });
      }
      return { value: chosen, problems: [] };
    }
    case "consent":
      return first === "yes"
        ? { value: true, problems: [] }
        : required
          ? bad("consent")
          : { value: false, problems: [] };
    case "location": {
      const lat = input.get(`${name}.lat`)?.[0]?.trim() ?? "";
      const lng = input.get(`${name}.lng`)?.[0]?.trim() ?? "";
      if (lat === "" && lng === "") {
        return missing();
      }
      const value = { lat: Number(lat), lng: Number(lng) };
      // Japan's extent, generously: a point outside is a typo, not a report.
      const inJapan = value.lat >= 20 && value.lat <= 46 && value.lng >= 122 && value.lng <= 154;
      return inJapan
        ? { value, problems: [] }
        : { value: null, problems: [problem(`${name}.lat`, field, "location")] };
    }
    default:
      return { value: null, problems: [] };
  }
}

/** The number of items of a repeating group in the posted page (from its `key.count` input). */
export function groupItemCount(input: PageInput, key: string, fallback: number): number {
  const count = Number(input.get(`${key}.count`)?.[0] ?? fallback);
  return Number.isInteger(count) && count >= 0 && count <= 20 ? count : fallback;
}

export type PageCheck = { answers: Answers; problems: FieldProblem[] };

/**
 * Validates the posted inputs of one page on the server, whatever the browser did: every visible field is
 * read and checked, hidden ones are cleared, and any input name this page does not have is refused.
 * Files and signatures are uploaded and checked apart; their stored values are kept from `current`.
 */
export function checkPage(options: {
  form: FormDefinition;
  page: Page;
  input: PageInput;
  current: Answers;
  now?: Date;
}): PageCheck {
  const { form, page, input, current } = options;
  const now = options.now ?? new Date();
  const answers: Answers = {};
  const problems: FieldProblem[] = [];
  const known = new Set<string>(["_csrf", "_action", "_idempotency", "lang"]);
  // Problems of a group's items count only if the group itself turns out to be shown.
  const groupProblems = new Map<string, FieldProblem[]>();
  // Conditions on this page read the page's own new answers, so read them first, then judge visibility.
  const scope = (): Answers => {
    const merged = { ...current, ...answers };
    return { ...merged, ...computeValues(form, merged) };
  };
  for (const field of page.fields) {
    const name = field.key;
    if (field.type === "info" || field.type === "computed") {
      continue;
    }
    if (field.type === "file" || field.type === "signature") {
      known.add(name);
      known.add(`${name}.typed`);
      known.add(`${name}.remove`);
      answers[name] = current[name] ?? null;
      continue;
    }
    if (field.type === "group") {
      const count = groupItemCount(input, name, Math.max(field.minItems, 1));
      known.add(`${name}.count`);
      const items: Record<string, ScalarAnswer | null>[] = [];
      const itemProblems: FieldProblem[] = [];
      const outer = scope();
      for (let index = 0; index < count; index++) {
        const item: Record<string, ScalarAnswer | null> = {};
        const members = field.fields.filter((member) => member.type !== "info");
        for (const member of field.fields) {
          for (const suffix of ["", ".name", ".kana"]) {
            known.add(`${name}.${index}.${member.key}${suffix}`);
          }
        }
        // Read the whole item first, so a member's condition may look at members after it.
        for (const member of members) {
          item[member.key] = checkScalar(member, `${name}.${index}.${member.key}`, input, outer, now)
            .value as ScalarAnswer | null;
        }
        const itemScope = { ...outer, ...item };
        for (const member of members) {
          if (!holds(member.showIf, itemScope)) {
            delete item[member.key];
            continue;
          }
          itemProblems.push(
            ...checkScalar(member, `${name}.${index}.${member.key}`, input, itemScope, now).problems,
          );
        }
        items.push(item);
      }
      answers[name] = items;
      groupProblems.set(name, itemProblems);
      continue;
    }
    for (const suffix of ["", ".name", ".kana", ".lat", ".lng"]) {
      known.add(name + suffix);
    }
    answers[name] = checkScalar(field, name, input, scope(), now).value;
  }
  // Second pass: visibility and requirement depend on the answers just read.
  for (const field of page.fields) {
    if (field.type === "info" || field.type === "computed") {
      continue;
    }
    if (!holds(field.showIf, scope())) {
      answers[field.key] = null;
      continue;
    }
    if (field.type === "file" || field.type === "signature") {
      const value = answers[field.key];
      const empty = value === null || (Array.isArray(value) && value.length === 0);
      const required = field.required || (field.requiredIf !== undefined && holds(field.requiredIf, scope()));
      if (empty && required) {
        problems.push(problem(field.key, field, "required"));
      }
      continue;
    }
    if (field.type === "group") {
      problems.push(...(groupProblems.get(field.key) ?? []));
      const items = (answers[field.key] as unknown[]) ?? [];
      if (items.length < field.minItems) {
        problems.push(problem(field.key, field, "minItems", { min: field.minItems }));
      }
      if (items.length > field.maxItems) {
        problems.push(problem(field.key, field, "maxItems", { max: field.maxItems }));
      }
      continue;
    }
    problems.push(...checkScalar(field, field.key, input, scope(), now).problems);
  }
  for (const name of input.keys()) {
    if (!known.has(name)) {
      problems.push({ input: name, message: fillUnknown(name) });
    }
  }
  return { answers, problems };
}

function fillUnknown(name: string) {
  const safe = name.slice(0, 60);
  return { ja: standard.unknown.ja.replace("{name}", safe), en: standard.unknown.en.replace("{name}", safe) };
}

/** The computed values of a form for these answers (fee, totals), by field key. */
export function computeValues(form: FormDefinition, answers: Answers): Record<string, number> {
  const computed: Record<string, number> = {};
  for (const page of form.pages) {
    for (const field of page.fields) {
      if (field.type === "computed") {
        const value = Number(evaluate(field.expression, { ...answers, ...computed }));
        computed[field.key] = Number.isFinite(value) ? value : 0;
      }
    }
  }
  return computed;
}

/** The fee in yen for these answers, or null when the form has none. */
export function feeOf(form: FormDefinition, answers: Answers): number | null {
  if (!form.fee) {
    return null;
  }
  const value = Number(evaluate(form.fee.amount, { ...answers, ...computeValues(form, answers) }));
  return Number.isFinite(value) ? Math.max(0, Math.round(value)) : 0;
}

/** The pages a resident walks through for these answers, in order (page conditions and skip rules applied). */
export function routeOf(form: FormDefinition, answers: Answers): Page[] {
  const scope = { ...answers, ...computeValues(form, answers) };
  const route: Page[] = [];
  let index = 0;
  while (index < form.pages.length) {
    const page = form.pages[index]!;
    if (!holds(page.showIf, scope)) {
      index++;
      continue;
    }
    route.push(page);
    const rule = page.next?.find((r) => holds(r.if, scope));
    if (rule) {
      index = rule.goTo === "check" ? form.pages.length : form.pages.findIndex((p) => p.key === rule.goTo);
    } else {
      index++;
    }
  }
  return route;
}
