import type { DayHours } from "./schema.ts";

/** What a staff member typed into one settings form, kept to show again beside the errors. */
export type TypedForm = Record<string, string | string[]>;
/** Field name → message key of queueMessages. */
export type FormErrors = Record<string, string>;
export type Parsed<T> = { values: T } | { errors: FormErrors };

export type OfficeValues = {
  slug: string;
  nameJa: string;
  nameEn: string;
  departmentId: string;
  hours: DayHours[];
  closedOnHolidays: boolean;
  notifyAhead: number;
};
export type CounterValues = { number: number; nameJa: string; nameEn: string };
export type CategoryValues = {
  prefix: string;
  nameJa: string;
  nameEn: string;
  averageServiceMinutes: number;
  counterIds: string[];
};

const one = (form: TypedForm, name: string): string => {
  const value = form[name];
  return (Array.isArray(value) ? (value[0] ?? "") : (value ?? "")).trim();
};
const many = (form: TypedForm, name: string): string[] => {
  const value = form[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
};

function name(form: TypedForm, field: string, errors: FormErrors, required: boolean): string {
  const value = one(form, field);
  if (required && value === "") {
    errors[field] = "queue.admin.error.nameRequired";
  } else if (value.length > 100) {
    errors[field] = "queue.admin.error.tooLong";
  }
  return value;
}

function wholeNumber(form: TypedForm, field: string, errors: FormErrors, min: number, max: number): number {
  const value = one(form, field);
  const number = Number(value);
  if (!/^[0-9]{1,4}$/.test(value) || number < min || number > max) {
    errors[field] = `queue.admin.error.range${min}to${max}`;
  }
  return number;
}

const TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/;

/** The office form: names, department (one of `departmentIds`, those in the member's charge), hours. */
export function parseOfficeForm(
  form: TypedForm,
  o: { departmentIds: readonly string[]; creating: boolean },
): Parsed<OfficeValues> {
  const errors: FormErrors = {};
  const slug = one(form, "slug");
  if (o.creating && !/^[a-z0-9][a-z0-9-]{0,39}$/.test(slug)) {
    errors["slug"] = "queue.admin.error.slug";
  }
  const nameJa = name(form, "nameJa", errors, true);
  const nameEn = name(form, "nameEn", errors, true);
  const departmentId = one(form, "departmentId");
  if (!o.departmentIds.includes(departmentId)) {
    errors["departmentId"] = "queue.admin.error.department";
  }
  const hours: DayHours[] = [];
  for (let day = 0; day < 7; day++) {
    const opens = one(form, `opens${day}`);
    const closes = one(form, `closes${day}`);
    if (opens === "" && closes === "") {
      hours.push(null);
    } else if (!TIME.test(opens) || !TIME.test(closes)) {
      errors[`opens${day}`] = "queue.admin.error.time";
      hours.push(null);
    } else if (opens >= closes) {
      errors[`opens${day}`] = "queue.admin.error.closesAfterOpens";
      hours.push(null);
    } else {
      hours.push({ opens, closes });
    }
  }
  const notifyAhead = wholeNumber(form, "notifyAhead", errors, 0, 50);
  const closedOnHolidays = one(form, "closedOnHolidays") === "on";
  return Object.keys(errors).length > 0
    ? { errors }
    : { values: { slug, nameJa, nameEn, departmentId, hours, closedOnHolidays, notifyAhead } };
}

export function parseCounterForm(form: TypedForm): Parsed<CounterValues> {
  const errors: FormErrors = {};
  const number = wholeNumber(form, "number", errors, 1, 99);
  const nameJa = name(form, "nameJa", errors, false);
  const nameEn = name(form, "nameEn", errors, false);
  return Object.keys(errors).length > 0 ? { errors } : { values: { number, nameJa, nameEn } };
}

/** The category form; `counterIds` must be among the office's counters (`knownCounterIds`). */
export function parseCategoryForm(
  form: TypedForm,
  knownCounterIds: readonly string[],
): Parsed<CategoryValues> {
  const errors: FormErrors = {};
  const prefix = one(form, "prefix");
  if (!/^[A-Z]$/.test(prefix)) {
    errors["prefix"] = "queue.admin.error.prefix";
  }
  const nameJa = name(form, "nameJa", errors, true);
  const nameEn = name(form, "nameEn", errors, true);
  const averageServiceMinutes = wholeNumber(form, "averageServiceMinutes", errors, 1, 240);
  const counterIds = [...new Set(many(form, "counterIds"))];
  if (counterIds.some((id) => !knownCounterIds.includes(id))) {
    errors["counterIds"] = "queue.admin.error.counters";
  }
  return Object.keys(errors).length > 0
    ? { errors }
    : { values: { prefix, nameJa, nameEn, averageServiceMinutes, counterIds } };
}
