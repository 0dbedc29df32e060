import { and, asc, eq, inArray } from "drizzle-orm";
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { isCalendarDate, tokyoDate } from "../../core/calendar/business-days.ts";
import type { AppEnv } from "../../core/http/app-env.ts";
import { errorSummary, inputField } from "../../core/http/forms.ts";
import { csrfField, type Html, renderPage } from "../../core/http/layout.ts";
import { authorizeStaffOn, authorizeStaffScope, currentStaff } from "../../core/http/middleware.ts";
import { type Bilingual, ProblemError, problems } from "../../core/http/problem.ts";
import { departments } from "../../core/identity/schema.ts";
import { listPublishedForms } from "../forms/index.ts";
import { adminLabels, label, weekdayNames } from "./admin/labels.ts";
import { ScheduleConflict, type StrandedAppointment } from "./admin/schedule-conflicts.ts";
import { numberRules, parseTypeSettings, slugError } from "./admin/type-settings.ts";
import { BLANK_PERIOD_ROWS, parseWeeklyHours } from "./admin/weekly-hours.ts";
import { addClosure } from "./operations/add-closure.ts";
import { createAppointmentType } from "./operations/create-appointment-type.ts";
import { removeClosure } from "./operations/remove-closure.ts";
import { setOpeningHours } from "./operations/set-opening-hours.ts";
import { updateAppointmentType } from "./operations/update-appointment-type.ts";
import { formatSlot } from "./presenters.ts";
import { ID } from "./route-patterns.ts";
import { type AppointmentType, appointmentTypes, closures, openingHours } from "./schema.ts";

export const TYPE_MANAGE = "appointments.type.manage";

type Lang = "ja" | "en";
type Values = Record<string, string>;
type Choices = {
  departments: { id: string; name: Bilingual }[];
  forms: { slug: string; title: Bilingual }[];
};

/** The departments this member may put a type under, and the city's published forms. */
async function choicesFor(c: Context<AppEnv>): Promise<Choices> {
  const { scope } = await authorizeStaffScope(c, TYPE_MANAGE);
  const db = c.var.services.database.db;
  const rows = scope.all
    ? await db
        .select()
        .from(departments)
        .where(eq(departments.tenantId, c.var.tenant.id))
        .orderBy(asc(departments.code))
    : scope.departmentIds.length === 0
      ? []
      : await db
          .select()
          .from(departments)
          .where(
            and(eq(departments.tenantId, c.var.tenant.id), inArray(departments.id, [...scope.departmentIds])),
          )
          .orderBy(asc(departments.code));
  if (rows.length === 0) {
    throw problems.forbidden();
  }
  return {
    departments: rows.map((row) => ({ id: row.id, name: { ja: row.nameJa, en: row.nameEn } })),
    forms: await listPublishedForms(db, { tenantId: c.var.tenant.id }),
  };
}

/** The type, if this member manages its department. */
async function managedType(c: Context<AppEnv>, typeId: string): Promise<AppointmentType> {
  await currentStaff(c);
  const [type] = await c.var.services.database.db
    .select()
    .from(appointmentTypes)
    .where(and(eq(appointmentTypes.tenantId, c.var.tenant.id), eq(appointmentTypes.id, typeId)));
  if (!type) {
    throw problems.notFound();
  }
  await authorizeStaffOn(c, TYPE_MANAGE, {
    type: "appointments_type",
    id: type.id,
    departmentId: type.departmentId,
  });
  return type;
}

async function postedValues(c: Context<AppEnv>): Promise<Values> {
  const body = await c.req.parseBody();
  return Object.fromEntries(
    Object.entries(body).flatMap(([name, value]) =>
      typeof value === "string" ? [[name, value.trim()]] : [],
    ),
  );
}

const inLang = (errors: Record<string, Bilingual>, lang: Lang) =>
  Object.fromEntries(Object.entries(errors).map(([name, message]) => [name, message[lang]]));

function valuesOfType(type: AppointmentType): Values {
  return {
    name_ja: type.nameJa,
    name_en: type.nameEn,
    description_ja: type.descriptionJa,
    description_en: type.descriptionEn,
    place_ja: type.placeJa,
    place_en: type.placeEn,
    department_id: type.departmentId,
    duration_minutes: String(type.durationMinutes),
    capacity_per_slot: String(type.capacityPerSlot),
    lead_business_days: String(type.leadBusinessDays),
    horizon_days: String(type.horizonDays),
    max_active_per_person: String(type.maxActivePerPerson),
    change_deadline_business_days: String(type.changeDeadlineBusinessDays),
    pre_question_form_slug: type.preQuestionFormSlug ?? "",
    active: type.active ? "1" : "",
  };
}

const NEW_TYPE_DEFAULTS: Values = {
  duration_minutes: "30",
  capacity_per_slot: "1",
  lead_business_days: "1",
  horizon_days: "60",
  max_active_per_person: "1",
  change_deadline_business_days: "1",
  active: "1",
};

function textArea(name: string, text: string, lang: Lang, error?: string): Html {
  return html`<div class="field${error ? " field-invalid" : ""}">
<label for="f-${name}">${label(name as keyof typeof adminLabels, lang)}</label>
${error ? html`<span class="field-error" id="f-${name}-error">${error}</span>` : ""}
<textarea id="f-${name}" name="${name}" rows="3" maxlength="2000"${error ? html` aria-describedby="f-${name}-error" aria-invalid="true"` : ""}>${text}</textarea>
</div>`;
}

function select(
  name: string,
  caption: string,
  options: { value: string; text: string }[],
  chosen: string,
  error?: string,
): Html {
  return html`<div class="field${error ? " field-invalid" : ""}">
<label for="f-${name}">${caption}</label>
${error ? html`<span class="field-error" id="f-${name}-error">${error}</span>` : ""}
<select id="f-${name}" name="${name}"${error ? html` aria-describedby="f-${name}-error" aria-invalid="true"` : ""}>
${options.map((o) => html`<option value="${o.value}"${o.value === chosen ? " selected" : ""}>${o.text}</option>`)}
</select></div>`;
}

/** The settings inputs shared by the add and edit forms. */
function settingsFields(o: {
  lang: Lang;
  values: Values;
  errors: Record<string, string>;
  choices: Choices;
}): Html {
  const { lang, values, errors, choices } = o;
  const text = (name: "name_ja" | "name_en" | "place_ja" | "place_en", max: number) =>
    inputField({
      name,
      label: label(name, lang),
      value: values[name] ?? "",
      error: errors[name],
      maxlength: max,
    });
  return html`${text("name_ja", 120)}${text("name_en", 120)}
${textArea("description_ja", values["description_ja"] ?? "", lang, errors["description_ja"])}
${textArea("description_en", values["description_en"] ?? "", lang, errors["description_en"])}
${text("place_ja", 200)}${text("place_en", 200)}
${select(
  "department_id",
  label("department_id", lang),
  choices.departments.map((d) => ({ value: d.id, text: d.name[lang] })),
  values["department_id"] ?? "",
  errors["department_id"],
)}
${Object.keys(numberRules).map((name) =>
  inputField({
    name,
    label: label(name as keyof typeof numberRules, lang),
    value: values[name] ?? "",
    error: errors[name],
    inputmode: "numeric",
    className: "input-short",
  }),
)}
${select(
  "pre_question_form_slug",
  label("pre_question_form_slug", lang),
  [
    { value: "", text: label("noForm", lang) },
    ...choices.forms.map((f) => ({ value: f.slug, text: `${f.title[lang]} (${f.slug})` })),
  ],
  values["pre_question_form_slug"] ?? "",
  errors["pre_question_form_slug"],
)}
<div class="field"><div class="check"><input type="checkbox" id="f-active" name="active" value="1"${values["active"] === "1" ? " checked" : ""}>
<label for="f-active">${label("active", lang)}</label></div></div>`;
}

function strandedList(lang: Lang, stranded: StrandedAppointment[]): Html {
  return html`<h3>${label("stranded", lang)}</h3>
<ul class="stranded">${stranded.map(
    (a) => html`<li>${a.reference}: ${formatSlot(a.startsAt, a.endsAt, lang)}</li>`,
  )}</ul>`;
}

function newTypePage(
  c: Context<AppEnv>,
  o: { choices: Choices; values: Values; errors: Record<string, string>; status?: number },
) {
  const { lang } = c.var;
  return renderPage(c, {
    title: label("newType", lang),
    status: o.status ?? 200,
    body: html`<p><a class="back-link" href="/staff/appointments">${label("back", lang)}</a></p>
<h1>${label("newType", lang)}</h1>
${errorSummary(label("errorTitle", lang), o.errors)}
<form method="post" action="/staff/appointments/types/new" novalidate>
${csrfField(c)}
${inputField({
  name: "slug",
  label: label("slug", lang),
  hint: label("slugHint", lang),
  value: o.values["slug"] ?? "",
  error: o.errors["slug"],
  maxlength: 60,
  autocomplete: "off",
})}
${settingsFields({ lang, values: o.values, errors: o.errors, choices: o.choices })}
<div class="button-row"><button type="submit">${label("create", lang)}</button></div>
</form>`,
  });
}

type HoursRow = { weekday: string; opens: string; closes: string };

type SettingsView = {
  type: AppointmentType;
  choices: Choices;
  values: Values;
  errors: Record<string, string>;
  hours: HoursRow[];
  hoursErrors: Record<string, string>;
  closureValues: Values;
  closureErrors: Record<string, string>;
  /** A refused change and the appointments that stood in its way, shown beside the form it came from. */
  conflict: { form: "settings" | "hours" | "closures"; stranded: StrandedAppointment[] } | null;
  notice: "saved" | "created" | null;
  status?: number;
};

async function settingsView(c: Context<AppEnv>, type: AppointmentType): Promise<SettingsView> {
  const hours = await c.var.services.database.db
    .select()
    .from(openingHours)
    .where(eq(openingHours.typeId, type.id))
    .orderBy(asc(openingHours.weekday), asc(openingHours.opens));
  const notice = c.req.query("done");
  return {
    type,
    choices: await choicesFor(c),
    values: valuesOfType(type),
    errors: {},
    hours: hours.map((h) => ({ weekday: String(h.weekday), opens: h.opens, closes: h.closes })),
    hoursErrors: {},
    closureValues: {},
    closureErrors: {},
    conflict: null,
    notice: notice === "saved" || notice === "created" ? notice : null,
  };
}

const settingsPath = (typeId: string) => `/staff/appointments/types/${typeId}/settings`;

async function settingsPage(c: Context<AppEnv>, view: SettingsView) {
  const { lang } = c.var;
  const { type } = view;
  const name = lang === "ja" ? type.nameJa : type.nameEn;
  const upcomingClosures = await c.var.services.database.db
    .select()
    .from(closures)
    .where(and(eq(closures.tenantId, c.var.tenant.id), eq(closures.typeId, type.id)))
    .orderBy(asc(closures.date));
  const rows = [
    ...view.hours,
    ...Array.from({ length: BLANK_PERIOD_ROWS }, () => ({ weekday: "", opens: "", closes: "" })),
  ];
  const conflictOf = (form: "settings" | "hours" | "closures") =>
    view.conflict?.form === form ? strandedList(lang, view.conflict.stranded) : "";
  const base = `/staff/appointments/types/${type.id}`;
  return renderPage(c, {
    title: label("settingsTitle", lang, { name }),
    status: view.status ?? 200,
    body: html`<p><a class="back-link" href="/staff/appointments">${label("back", lang)}</a></p>
<h1>${label("settingsTitle", lang, { name })}</h1>
${view.notice ? html`<div class="panel-done" role="status"><p>${label(view.notice, lang)}</p></div>` : ""}
<section aria-labelledby="basics">
<h2 id="basics">${label("basics", lang)}</h2>
${errorSummary(label("errorTitle", lang), view.errors)}${conflictOf("settings")}
<form method="post" action="${base}/settings" novalidate>
${csrfField(c)}
${settingsFields({ lang, values: view.values, errors: view.errors, choices: view.choices })}
<div class="button-row"><button type="submit">${label("save", lang)}</button></div>
</form>
</section>
<section aria-labelledby="hours">
<h2 id="hours">${label("hours", lang)}</h2>
<p>${label("hoursLead", lang)}</p>
${errorSummary(label("errorTitle", lang), view.hoursErrors)}${conflictOf("hours")}
<form method="post" action="${base}/hours" novalidate>
${csrfField(c)}
<input type="hidden" name="rows" value="${rows.length}">
${rows.map((row, i) => {
  const error = (field: string) => view.hoursErrors[`${field}_${i}`];
  return html`<fieldset class="period">
<legend>${label("period", lang, { n: i + 1 })}</legend>
${select(
  `weekday_${i}`,
  label("weekday", lang),
  [
    { value: "", text: label("chooseWeekday", lang) },
    ...[1, 2, 3, 4, 5, 6, 0].map((d) => ({ value: String(d), text: weekdayNames[lang][d]! })),
  ],
  row.weekday,
  error("weekday"),
)}
${inputField({ name: `opens_${i}`, label: label("opens", lang), value: row.opens, error: error("opens"), className: "input-short", maxlength: 5 })}
${inputField({ name: `closes_${i}`, label: label("closes", lang), value: row.closes, error: error("closes"), className: "input-short", maxlength: 5 })}
</fieldset>`;
})}
<div class="button-row"><button type="submit">${label("saveHours", lang)}</button></div>
</form>
</section>
<section aria-labelledby="closures">
<h2 id="closures">${label("closures", lang)}</h2>
${
  upcomingClosures.length === 0
    ? html`<p>${label("noClosures", lang)}</p>`
    : html`<ul>${upcomingClosures.map(
        (closure) => html`<li>${closure.date} ${lang === "ja" ? closure.reasonJa : closure.reasonEn}
<form method="post" action="${base}/closures/${closure.id}/delete" class="inline-form">${csrfField(c)}
<button type="submit" class="button-secondary">${label("remove", lang, { date: closure.date })}</button></form></li>`,
      )}</ul>`
}
${errorSummary(label("errorTitle", lang), view.closureErrors)}${conflictOf("closures")}
<form method="post" action="${base}/closures" novalidate>
${csrfField(c)}
${inputField({ name: "date", label: label("closureDate", lang), type: "date", value: view.closureValues["date"] ?? "", error: view.closureErrors["date"], className: "input-medium" })}
${inputField({ name: "reason_ja", label: label("reason_ja", lang), value: view.closureValues["reason_ja"] ?? "", error: view.closureErrors["reason_ja"], maxlength: 200 })}
${inputField({ name: "reason_en", label: label("reason_en", lang), value: view.closureValues["reason_en"] ?? "", error: view.closureErrors["reason_en"], maxlength: 200 })}
<div class="button-row"><button type="submit">${label("addClosure", lang)}</button></div>
</form>
</section>`,
  });
}

/** A refused schedule change shown on the page; anything else is rethrown. */
function asConflict(error: unknown, lang: Lang): { message: string; stranded: StrandedAppointment[] } {
  if (error instanceof ScheduleConflict) {
    return { message: error.title[lang], stranded: error.stranded };
  }
  throw error;
}

/** Staff screens to set up counter appointments without SQL: kinds, weekly hours and closure dates. */
export const appointmentsAdminPages = new Hono<AppEnv>()
  .get("/staff/appointments/types/new", async (c) => {
    await currentStaff(c);
    const choices = await choicesFor(c);
    return newTypePage(c, {
      choices,
      values: { ...NEW_TYPE_DEFAULTS, department_id: choices.departments[0]?.id ?? "" },
      errors: {},
    });
  })
  .post("/staff/appointments/types/new", async (c) => {
    const { lang } = c.var;
    await currentStaff(c);
    const choices = await choicesFor(c);
    const values = await postedValues(c);
    const { settings, errors } = parseTypeSettings((name) => values[name] ?? "", {
      departmentIds: new Set(choices.departments.map((d) => d.id)),
      formSlugs: new Set(choices.forms.map((f) => f.slug)),
    });
    const slug = (values["slug"] ?? "").normalize("NFKC").toLowerCase();
    const badSlug = slugError(slug);
    if (badSlug) {
      errors["slug"] = badSlug;
    }
    if (!settings || badSlug) {
      return newTypePage(c, { choices, values, errors: inLang(errors, lang), status: 400 });
    }
    try {
      const type = await c.var.services.database.db.transaction((tx) =>
        createAppointmentType({
          tx,
          tenantId: c.var.tenant.id,
          actor: c.var.actor,
          slug,
          settings,
          requestId: c.var.requestId,
        }),
      );
      return c.redirect(`${settingsPath(type.id)}?done=created`, 303);
    } catch (error) {
      if (error instanceof ProblemError && error.slug === "appointments-slug-taken") {
        return newTypePage(c, { choices, values, errors: { slug: error.title[lang] }, status: 409 });
      }
      throw error;
    }
  })
  .get(`/staff/appointments/types/:id${ID}/settings`, async (c) => {
    const type = await managedType(c, c.req.param("id"));
    return settingsPage(c, await settingsView(c, type));
  })
  .post(`/staff/appointments/types/:id${ID}/settings`, async (c) => {
    const { lang } = c.var;
    const type = await managedType(c, c.req.param("id"));
    const view = await settingsView(c, type);
    const values = await postedValues(c);
    const { settings, errors } = parseTypeSettings((name) => values[name] ?? "", {
      departmentIds: new Set(view.choices.departments.map((d) => d.id)),
      formSlugs: new Set(view.choices.forms.map((f) => f.slug)),
    });
    if (!settings) {
      return settingsPage(c, { ...view, values, errors: inLang(errors, lang), status: 400 });
    }
    try {
      await c.var.services.database.db.transaction((tx) =>
        updateAppointmentType({
          tx,
          tenantId: c.var.tenant.id,
          actor: c.var.actor,
          typeId: type.id,
          settings,
          requestId: c.var.requestId,
        }),
      );
    } catch (error) {
      const { message, stranded } = asConflict(error, lang);
      const field =
        settings.capacityPerSlot < type.capacityPerSlot ? "capacity_per_slot" : "duration_minutes";
      return settingsPage(c, {
        ...view,
        values,
        errors: { [field]: message },
        conflict: { form: "settings", stranded },
        status: 409,
      });
    }
    return c.redirect(`${settingsPath(type.id)}?done=saved`, 303);
  })
  .post(`/staff/appointments/types/:id${ID}/hours`, async (c) => {
    const { lang } = c.var;
    const type = await managedType(c, c.req.param("id"));
    const view = await settingsView(c, type);
    const values = await postedValues(c);
    const rows = Math.min(Number(values["rows"]) || 0, 7 * 24);
    const { periods, errors } = parseWeeklyHours((name) => values[name] ?? "", rows, type.durationMinutes);
    const hours = Array.from({ length: rows }, (_, i) => ({
      weekday: values[`weekday_${i}`] ?? "",
      opens: values[`opens_${i}`] ?? "",
      closes: values[`closes_${i}`] ?? "",
    })).filter((row) => row.weekday || row.opens || row.closes);
    if (Object.keys(errors).length > 0) {
      return settingsPage(c, { ...view, hours, hoursErrors: inLang(errors, lang), status: 400 });
    }
    try {
      await c.var.services.database.db.transaction((tx) =>
        setOpeningHours({
          tx,
          tenantId: c.var.tenant.id,
          actor: c.var.actor,
          typeId: type.id,
          periods,
          requestId: c.var.requestId,
        }),
      );
    } catch (error) {
      const { message, stranded } = asConflict(error, lang);
      return settingsPage(c, {
        ...view,
        hours,
        hoursErrors: { weekday_0: message },
        conflict: { form: "hours", stranded },
        status: 409,
      });
    }
    return c.redirect(`${settingsPath(type.id)}?done=saved#hours`, 303);
  })
  .post(`/staff/appointments/types/:id${ID}/closures`, async (c) => {
    const { lang } = c.var;
    const type = await managedType(c, c.req.param("id"));
    const view = await settingsView(c, type);
    const values = await postedValues(c);
    const date = values["date"] ?? "";
    const reason = { ja: values["reason_ja"] ?? "", en: values["reason_en"] ?? "" };
    const errors: Record<string, Bilingual> = {};
    if (!isCalendarDate(date)) {
      errors["date"] = adminLabels.badDate;
    } else if (date < tokyoDate(new Date())) {
      errors["date"] = { ja: "今日以降の日付を入力してください", en: "Enter today or a later date" };
    }
    for (const key of ["reason_ja", "reason_en"] as const) {
      if ((values[key] ?? "").length > 200) {
        errors[key] = { ja: "200文字以内で入力してください", en: "Use 200 characters or fewer" };
      }
    }
    if (!reason.ja) {
      errors["reason_ja"] = { ja: "理由を入力してください", en: "Enter the reason" };
    }
    if (Object.keys(errors).length > 0) {
      return settingsPage(c, {
        ...view,
        closureValues: values,
        closureErrors: inLang(errors, lang),
        status: 400,
      });
    }
    try {
      await c.var.services.database.db.transaction((tx) =>
        addClosure({
          tx,
          tenantId: c.var.tenant.id,
          actor: c.var.actor,
          typeId: type.id,
          date,
          reason: { ja: reason.ja, en: reason.en || reason.ja },
          requestId: c.var.requestId,
        }),
      );
    } catch (error) {
      const { message, stranded } = asConflict(error, lang);
      return settingsPage(c, {
        ...view,
        closureValues: values,
        closureErrors: { date: message },
        conflict: { form: "closures", stranded },
        status: 409,
      });
    }
    return c.redirect(`${settingsPath(type.id)}?done=saved#closures`, 303);
  })
  .post(`/staff/appointments/types/:id${ID}/closures/:closureId${ID}/delete`, async (c) => {
    const type = await managedType(c, c.req.param("id"));
    await c.var.services.database.db.transaction((tx) =>
      removeClosure({
        tx,
        tenantId: c.var.tenant.id,
        actor: c.var.actor,
        typeId: type.id,
        closureId: c.req.param("closureId"),
        requestId: c.var.requestId,
      }),
    );
    return c.redirect(`${settingsPath(type.id)}?done=saved#closures`, 303);
  });
