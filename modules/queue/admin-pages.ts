import { and, asc, eq, inArray } from "drizzle-orm";
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../../core/http/app-env.ts";
import { csrfField, type Html, renderPage } from "../../core/http/layout.ts";
import { authorizeStaffOn, authorizeStaffScope, currentStaff } from "../../core/http/middleware.ts";
import { ProblemError, problems } from "../../core/http/problem.ts";
import { departments } from "../../core/identity/schema.ts";
import { loadOffice, type OfficeSetup } from "./line.ts";
import {
  type FormErrors,
  type Parsed,
  parseCategoryForm,
  parseCounterForm,
  parseOfficeForm,
  type TypedForm,
} from "./office-settings-forms.ts";
import { removeCategory } from "./operations/remove-category.ts";
import { removeCounter } from "./operations/remove-counter.ts";
import { saveCategory } from "./operations/save-category.ts";
import { saveCounter } from "./operations/save-counter.ts";
import { saveOffice } from "./operations/save-office.ts";
import type { QueueOffice } from "./schema.ts";

export const MANAGE_OFFICES = "queue.office.manage";
const SLUG = "{[a-z0-9][a-z0-9-]{0,39}}";
const ID = "{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}}";

/** The refusals of the operations that belong to one field; others are shown above the form. */
const FIELD_OF_PROBLEM: Record<string, string> = {
  "queue-slug-taken": "slug",
  "queue-counter-number-taken": "number",
  "queue-prefix-taken": "prefix",
};

type Department = { id: string; nameJa: string; nameEn: string };
/** The form that failed, by key ("office", "counter-new", "category-<id>"…), with what was typed. */
type Failed = { key: string; typed: TypedForm | null; errors: FormErrors; problem?: ProblemError };

/** Departments the member may put an office under (their subtree; all for administrators). */
async function departmentsInCharge(c: Context<AppEnv>): Promise<Department[]> {
  const { scope } = await authorizeStaffScope(c, MANAGE_OFFICES);
  if (!scope.all && scope.departmentIds.length === 0) {
    return [];
  }
  return c.var.services.database.db
    .select({ id: departments.id, nameJa: departments.nameJa, nameEn: departments.nameEn })
    .from(departments)
    .where(
      and(
        eq(departments.tenantId, c.var.tenant.id),
        scope.all ? undefined : inArray(departments.id, [...scope.departmentIds]),
      ),
    )
    .orderBy(asc(departments.code));
}

/** The office of the path, if the member may manage it (its department is in their charge). */
async function managedOffice(c: Context<AppEnv>) {
  await currentStaff(c);
  const setup = await loadOffice(c.var.services.database.db, {
    tenantId: c.var.tenant.id,
    slug: c.req.param("office") ?? "",
  });
  if (!setup) {
    throw problems.notFound();
  }
  const staff = await authorizeStaffOn(c, MANAGE_OFFICES, {
    type: "queue_office",
    id: setup.office.id,
    departmentId: setup.office.departmentId,
  });
  return { setup, actor: { type: "staff" as const, id: staff.id } };
}

async function typedForm(c: Context<AppEnv>): Promise<TypedForm> {
  const body = await c.req.parseBody({ all: true });
  const typed: TypedForm = {};
  for (const [name, value] of Object.entries(body)) {
    const strings = (Array.isArray(value) ? value : [value]).filter(
      (v): v is string => typeof v === "string",
    );
    typed[name] = Array.isArray(value) ? strings : (strings[0] ?? "");
  }
  return typed;
}

/** Runs one operation; its refusal becomes an error on the field it concerns, or on the whole form. */
async function attempt(
  key: string,
  typed: TypedForm | null,
  run: () => Promise<unknown>,
): Promise<Failed | null> {
  try {
    await run();
    return null;
  } catch (error) {
    if (error instanceof ProblemError && error.status < 500) {
      return { key, typed, errors: {}, problem: error };
    }
    throw error;
  }
}

/** The form's own errors, or else the operation's refusal; null once saved. */
function submit<Values>(
  key: string,
  typed: TypedForm,
  parsed: Parsed<Values>,
  save: (values: Values) => Promise<unknown>,
): Promise<Failed | null> {
  return "errors" in parsed
    ? Promise.resolve({ key, typed, errors: parsed.errors })
    : attempt(key, typed, () => save(parsed.values));
}

function formView(c: Context<AppEnv>, key: string, failed: Failed | null, saved: TypedForm) {
  const { t, lang } = c.var;
  const mine = failed?.key === key ? failed : null;
  const problemField = mine?.problem ? FIELD_OF_PROBLEM[mine.problem.slug] : undefined;
  const errorOf = (name: string): string | undefined =>
    mine?.errors[name]
      ? t(mine.errors[name])
      : problemField === name
        ? mine!.problem!.title[lang]
        : undefined;
  const typedValue = (name: string): string | string[] =>
    mine?.typed ? (mine.typed[name] ?? "") : (saved[name] ?? "");
  const id = (name: string) => `${key}-${name}`;
  const field = (
    name: string,
    label: string,
    o: { hint?: string; maxlength?: number; className?: string } = {},
  ) => {
    const error = errorOf(name);
    const described = [o.hint ? `${id(name)}-hint` : "", error ? `${id(name)}-error` : ""]
      .filter(Boolean)
      .join(" ");
    return html`<div class="field${error ? " field-invalid" : ""}${o.className ? ` ${o.className}` : ""}">
<label for="${id(name)}">${label}</label>
${o.hint ? html`<span class="hint" id="${id(name)}-hint">${o.hint}</span>` : ""}
${error ? html`<span class="field-error" id="${id(name)}-error">${error}</span>` : ""}
<input id="${id(name)}" name="${name}" type="text" value="${String(typedValue(name))}"${
      o.maxlength ? html` maxlength="${o.maxlength}"` : ""
    }${described ? html` aria-describedby="${described}"` : ""}${error ? html` aria-invalid="true"` : ""}>
</div>`;
  };
  /** The errors of this form, each linking to its field; the whole-form refusal when it has no field. */
  const summary = (): Html => {
    if (!mine) {
      return html``;
    }
    const entries: [string, string][] = Object.entries(mine.errors).map(([name, message]) => [
      name,
      t(message),
    ]);
    if (mine.problem) {
      entries.push([problemField ?? "", mine.problem.title[lang]]);
    }
    return html`<div class="error-summary" role="alert" tabindex="-1" id="${key}-errors">
<h3>${t("queue.admin.errorTitle")}</h3>
<ul>${entries.map(([name, message]) => (name ? html`<li><a href="#${id(name)}">${message}</a></li>` : html`<li>${message}</li>`))}</ul>
</div>`;
  };
  return { field, typedValue, errorOf, summary, id };
}

function officeFields(
  c: Context<AppEnv>,
  o: { failed: Failed | null; office: QueueOffice | null; departments: Department[] },
): Html {
  const { t, lang } = c.var;
  const saved: TypedForm = o.office
    ? {
        slug: o.office.slug,
        nameJa: o.office.nameJa,
        nameEn: o.office.nameEn,
        departmentId: o.office.departmentId ?? "",
        notifyAhead: String(o.office.notifyAhead),
        closedOnHolidays: o.office.closedOnHolidays ? "on" : "",
        ...Object.fromEntries(
          Array.from({ length: 7 }, (_, day) => {
            const hours = o.office!.hours[day] ?? null;
            return [
              [`opens${day}`, hours?.opens ?? ""],
              [`closes${day}`, hours?.closes ?? ""],
            ];
          }).flat(),
        ),
      }
    : { notifyAhead: "3", closedOnHolidays: "on" };
  const view = formView(c, "office", o.failed, saved);
  const departmentError = view.errorOf("departmentId");
  return html`${view.summary()}
${o.office ? "" : view.field("slug", t("queue.admin.slug"), { hint: t("queue.admin.slugHint"), maxlength: 40 })}
${view.field("nameJa", t("queue.admin.nameJa"), { maxlength: 100 })}
${view.field("nameEn", t("queue.admin.nameEn"), { maxlength: 100 })}
<div class="field${departmentError ? " field-invalid" : ""}">
<label for="office-departmentId">${t("queue.admin.department")}</label>
${departmentError ? html`<span class="field-error" id="office-departmentId-error">${departmentError}</span>` : ""}
<select id="office-departmentId" name="departmentId"${departmentError ? html` aria-invalid="true" aria-describedby="office-departmentId-error"` : ""}>
${o.departments.map(
  (d) =>
    html`<option value="${d.id}"${view.typedValue("departmentId") === d.id ? html` selected` : ""}>${lang === "ja" ? d.nameJa : d.nameEn}</option>`,
)}
</select>
</div>
<fieldset>
<legend>${t("queue.admin.hours")}</legend>
<p class="hint">${t("queue.admin.timeHint")}</p>
${Array.from(
  { length: 7 },
  (
    _,
    day,
  ) => html`${view.field(`opens${day}`, t("queue.admin.opens", { day: t(`queue.admin.day${day}`) }), { maxlength: 5 })}
${view.field(`closes${day}`, t("queue.admin.closes", { day: t(`queue.admin.day${day}`) }), { maxlength: 5 })}`,
)}
</fieldset>
<div class="field">
<input id="office-closedOnHolidays" name="closedOnHolidays" type="checkbox"${view.typedValue("closedOnHolidays") === "on" ? html` checked` : ""}>
<label for="office-closedOnHolidays">${t("queue.admin.closedOnHolidays")}</label>
</div>
${view.field("notifyAhead", t("queue.admin.notifyAhead"), { maxlength: 2 })}`;
}

async function settingsPage(
  c: Context<AppEnv>,
  setup: OfficeSetup,
  failed: Failed | null = null,
): Promise<Response> {
  const { t, lang } = c.var;
  const named = (o: { nameJa: string; nameEn: string }) => (lang === "ja" ? o.nameJa : o.nameEn);
  const base = `/staff/queue/${setup.office.slug}/settings`;
  const departmentList = await departmentsInCharge(c);
  const counterForm = (counter: OfficeSetup["counters"][number] | null) => {
    const key = counter ? `counter-${counter.id}` : "counter-new";
    const view = formView(
      c,
      key,
      failed,
      counter ? { number: String(counter.number), nameJa: counter.nameJa, nameEn: counter.nameEn } : {},
    );
    return html`<form method="post" action="${counter ? `${base}/counters/${counter.id}` : `${base}/counters`}" class="queue-admin-form">
${csrfField(c)}${view.summary()}
${view.field("number", t("queue.admin.counterNumber"), { maxlength: 2 })}
${view.field("nameJa", t("queue.admin.counterNameJa"), { maxlength: 100 })}
${view.field("nameEn", t("queue.admin.counterNameEn"), { maxlength: 100 })}
<button type="submit">${counter ? t("queue.admin.saveCounter", { number: counter.number }) : t("queue.admin.addCounter")}</button>
</form>${
      counter
        ? html`<form method="post" action="${base}/counters/${counter.id}/remove">${csrfField(c)}<button type="submit">${t("queue.admin.removeCounter", { number: counter.number })}</button></form>`
        : ""
    }`;
  };
  const categoryForm = (category: OfficeSetup["categories"][number] | null) => {
    const key = category ? `category-${category.id}` : "category-new";
    const servedBy = category
      ? setup.counters
          .filter((counter) => counter.categoryIds.includes(category.id))
          .map((counter) => counter.id)
      : [];
    const view = formView(
      c,
      key,
      failed,
      category
        ? {
            prefix: category.prefix,
            nameJa: category.nameJa,
            nameEn: category.nameEn,
            averageServiceMinutes: String(category.averageServiceMinutes),
            counterIds: servedBy,
          }
        : { averageServiceMinutes: "10" },
    );
    const chosen = view.typedValue("counterIds");
    const chosenIds = Array.isArray(chosen) ? chosen : chosen ? [chosen] : [];
    const countersError = view.errorOf("counterIds");
    return html`<form method="post" action="${category ? `${base}/categories/${category.id}` : `${base}/categories`}" class="queue-admin-form">
${csrfField(c)}${view.summary()}
${view.field("prefix", t("queue.admin.prefix"), { maxlength: 1 })}
${view.field("nameJa", t("queue.admin.nameJa"), { maxlength: 100 })}
${view.field("nameEn", t("queue.admin.nameEn"), { maxlength: 100 })}
${view.field("averageServiceMinutes", t("queue.admin.minutes"), { maxlength: 3 })}
<fieldset id="${view.id("counterIds")}"${countersError ? html` aria-describedby="${view.id("counterIds")}-error"` : ""}>
<legend>${t("queue.admin.servedBy")}</legend>
${countersError ? html`<span class="field-error" id="${view.id("counterIds")}-error">${countersError}</span>` : ""}
${
  setup.counters.length === 0
    ? html`<p>${t("queue.admin.noCounters")}</p>`
    : setup.counters.map(
        (counter) => html`<div class="field">
<input id="${key}-counter-${counter.id}" name="counterIds" type="checkbox" value="${counter.id}"${chosenIds.includes(counter.id) ? html` checked` : ""}>
<label for="${key}-counter-${counter.id}">${t("queue.counterName", { number: counter.number })}</label>
</div>`,
      )
}
</fieldset>
<button type="submit">${category ? t("queue.admin.saveCategory", { prefix: category.prefix }) : t("queue.admin.addCategory")}</button>
</form>${
      category
        ? html`<form method="post" action="${base}/categories/${category.id}/remove">${csrfField(c)}<button type="submit">${t("queue.admin.removeCategory", { prefix: category.prefix })}</button></form>`
        : ""
    }`;
  };
  return renderPage(c, {
    title: t("queue.admin.settingsOf", { office: named(setup.office) }),
    status: failed ? (failed.problem?.status ?? 422) : 200,
    body: html`<h1>${t("queue.admin.settingsOf", { office: named(setup.office) })}</h1>
<p><a href="/staff/queue/${setup.office.slug}">${t("queue.admin.backToCounters")}</a></p>
${c.req.query("saved") === "1" && !failed ? html`<p role="status">${t("queue.admin.saved")}</p>` : ""}
<section aria-labelledby="office-h">
<h2 id="office-h">${t("queue.admin.officeHeading")}</h2>
<form method="post" action="${base}" class="queue-admin-form">
${csrfField(c)}
${officeFields(c, { failed, office: setup.office, departments: departmentList })}
<button type="submit">${t("queue.admin.saveOffice")}</button>
</form>
</section>
<section aria-labelledby="counters-h">
<h2 id="counters-h">${t("queue.admin.countersHeading")}</h2>
${setup.counters.map(
  (counter) =>
    html`<h3>${t("queue.counterName", { number: counter.number })}${counter.nameJa || counter.nameEn ? ` ${named(counter)}` : ""}</h3>${counterForm(counter)}`,
)}
<h3>${t("queue.admin.addCounter")}</h3>
${counterForm(null)}
</section>
<section aria-labelledby="categories-h">
<h2 id="categories-h">${t("queue.admin.categoriesHeading")}</h2>
${setup.categories.map((category) => html`<h3>${category.prefix} ${named(category)}</h3>${categoryForm(category)}`)}
<h3>${t("queue.admin.addCategory")}</h3>
${categoryForm(null)}
</section>`,
  });
}

async function newOfficePage(c: Context<AppEnv>, failed: Failed | null = null): Promise<Response> {
  const { t } = c.var;
  return renderPage(c, {
    title: t("queue.admin.newOffice"),
    status: failed ? (failed.problem?.status ?? 422) : 200,
    body: html`<h1>${t("queue.admin.newOffice")}</h1>
<form method="post" action="/staff/queue/offices/new" class="queue-admin-form">
${csrfField(c)}
${officeFields(c, { failed, office: null, departments: await departmentsInCharge(c) })}
<button type="submit">${t("queue.admin.createOffice")}</button>
</form>`,
  });
}

const context = (c: Context<AppEnv>) => ({
  db: c.var.services.database.db,
  tenantId: c.var.tenant.id,
  requestId: c.var.requestId,
});

/**
 * Office administration (server-rendered): an office's names, department, hours and notices, its counters
 * and its kinds of procedure. Each form is one operation; a refusal re-renders the page with the typed
 * values and the reason beside the field.
 */
export const queueAdminPages = new Hono<AppEnv>()
  .get("/staff/queue/offices/new", async (c) => {
    await currentStaff(c);
    return newOfficePage(c);
  })
  .post("/staff/queue/offices/new", async (c) => {
    const staff = await currentStaff(c);
    const allowed = await departmentsInCharge(c);
    const typed = await typedForm(c);
    const parsed = parseOfficeForm(typed, { departmentIds: allowed.map((d) => d.id), creating: true });
    if ("errors" in parsed) {
      return newOfficePage(c, { key: "office", typed, errors: parsed.errors });
    }
    await authorizeStaffOn(c, MANAGE_OFFICES, {
      type: "queue_office",
      id: null,
      departmentId: parsed.values.departmentId,
    });
    const failed = await attempt("office", typed, () =>
      saveOffice({ ...context(c), values: parsed.values, actor: { type: "staff", id: staff.id } }),
    );
    return failed
      ? newOfficePage(c, failed)
      : c.redirect(`/staff/queue/${parsed.values.slug}/settings?saved=1`, 303);
  })
  .get(`/staff/queue/:office${SLUG}/settings`, async (c) => {
    const { setup } = await managedOffice(c);
    c.header("cache-control", "no-store");
    return settingsPage(c, setup);
  })
  .post(`/staff/queue/:office${SLUG}/settings`, async (c) => {
    const { setup, actor } = await managedOffice(c);
    const allowed = await departmentsInCharge(c);
    const typed = await typedForm(c);
    const parsed = parseOfficeForm(typed, { departmentIds: allowed.map((d) => d.id), creating: false });
    const failed = await submit("office", typed, parsed, (values) =>
      saveOffice({
        ...context(c),
        officeId: setup.office.id,
        values: { ...values, slug: setup.office.slug },
        actor,
      }),
    );
    return done(c, setup, failed);
  })
  .post(`/staff/queue/:office${SLUG}/settings/counters`, async (c) => {
    const { setup, actor } = await managedOffice(c);
    const typed = await typedForm(c);
    const parsed = parseCounterForm(typed);
    const failed = await submit("counter-new", typed, parsed, (values) =>
      saveCounter({ ...context(c), officeId: setup.office.id, values, actor }),
    );
    return done(c, setup, failed);
  })
  .post(`/staff/queue/:office${SLUG}/settings/counters/:id${ID}`, async (c) => {
    const { setup, actor } = await managedOffice(c);
    const counterId = c.req.param("id");
    const key = `counter-${counterId}`;
    const typed = await typedForm(c);
    const parsed = parseCounterForm(typed);
    const failed = await submit(key, typed, parsed, (values) =>
      saveCounter({
        ...context(c),
        officeId: setup.office.id,
        counterId,
        values,
        actor,
      }),
    );
    return done(c, setup, failed);
  })
  .post(`/staff/queue/:office${SLUG}/settings/counters/:id${ID}/remove`, async (c) => {
    const { setup, actor } = await managedOffice(c);
    const counterId = c.req.param("id");
    const failed = await attempt(`counter-${counterId}`, null, () =>
      removeCounter({ ...context(c), officeId: setup.office.id, counterId, actor }),
    );
    return done(c, setup, failed);
  })
  .post(`/staff/queue/:office${SLUG}/settings/categories`, async (c) => {
    const { setup, actor } = await managedOffice(c);
    const typed = await typedForm(c);
    const parsed = parseCategoryForm(
      typed,
      setup.counters.map((counter) => counter.id),
    );
    const failed = await submit("category-new", typed, parsed, (values) =>
      saveCategory({ ...context(c), officeId: setup.office.id, values, actor }),
    );
    return done(c, setup, failed);
  })
  .post(`/staff/queue/:office${SLUG}/settings/categories/:id${ID}`, async (c) => {
    const { setup, actor } = await managedOffice(c);
    const categoryId = c.req.param("id");
    const key = `category-${categoryId}`;
    const typed = await typedForm(c);
    const parsed = parseCategoryForm(
      typed,
      setup.counters.map((counter) => counter.id),
    );
    const failed = await submit(key, typed, parsed, (values) =>
      saveCategory({
        ...context(c),
        officeId: setup.office.id,
        categoryId,
        values,
        actor,
      }),
    );
    return done(c, setup, failed);
  })
  .post(`/staff/queue/:office${SLUG}/settings/categories/:id${ID}/remove`, async (c) => {
    const { setup, actor } = await managedOffice(c);
    const categoryId = c.req.param("id");
    const failed = await attempt(`category-${categoryId}`, null, () =>
      removeCategory({ ...context(c), officeId: setup.office.id, categoryId, actor }),
    );
    return done(c, setup, failed);
  });

/** After a change: back to the page (POST/redirect/GET), or the page again with the form's errors. */
async function done(c: Context<AppEnv>, setup: OfficeSetup, failed: Failed | null): Promise<Response> {
  if (!failed) {
    return c.redirect(`/staff/queue/${setup.office.slug}/settings?saved=1`, 303);
  }
  // Show the office as it is now, with the failed form's typed values on top.
  const current = await loadOffice(c.var.services.database.db, {
    tenantId: c.var.tenant.id,
    slug: setup.office.slug,
  });
  return settingsPage(c, current ?? setup, failed);
}
