import { randomUUID } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { isCalendarDate, tokyoDate } from "../../core/calendar/business-days.ts";
import type { AppEnv } from "../../core/http/app-env.ts";
import { errorSummary } from "../../core/http/forms.ts";
import { csrfField, renderPage } from "../../core/http/layout.ts";
import { ProblemError, problems } from "../../core/http/problem.ts";
import { publicOrigin } from "../../core/http/public-origin.ts";
import { requireResident } from "../../core/identity/resident-session.ts";
import {
  checkFormAnswers,
  describeFormAnswers,
  type FormQuestions,
  loadFormQuestions,
  type PageInput,
  regroupPostedAnswers,
  renderFormQuestions,
} from "../forms/index.ts";
import { canStillChange, changeDeadlineDate } from "./calendar.ts";
import { bookableDays, bookableSlotsOn, type Counter, loadCounter } from "./counter.ts";
import { bookAppointment } from "./operations/book-appointment.ts";
import { cancelAppointment } from "./operations/cancel-appointment.ts";
import { rescheduleAppointment } from "./operations/reschedule-appointment.ts";
import {
  appointmentIcs,
  appointmentPath,
  formatDay,
  formatSlot,
  statusLabels,
  typeName,
} from "./presenters.ts";
import { refuse, sqlStateOf } from "./refusals.ts";
import { ID } from "./route-patterns.ts";
import { type Appointment, type AppointmentType, appointments, appointmentTypes } from "./schema.ts";
import { answersList, appointmentSummary, slotChooser, typeFacts } from "./views.ts";

const SLUG = "{[a-z0-9-]{2,60}}";
/** The inputs of the booking page that are ours, not the pre-questions'. */
const OWN_INPUTS = new Set(["slot", "_csrf", "_action", "lang"]);

async function typeBySlug(c: Context<AppEnv>, slug: string): Promise<AppointmentType> {
  const [type] = await c.var.services.database.db
    .select()
    .from(appointmentTypes)
    .where(
      and(
        eq(appointmentTypes.tenantId, c.var.tenant.id),
        eq(appointmentTypes.slug, slug),
        eq(appointmentTypes.active, true),
      ),
    );
  if (!type) {
    throw problems.notFound();
  }
  return type;
}

async function preQuestionsOf(c: Context<AppEnv>, type: AppointmentType): Promise<FormQuestions | null> {
  if (!type.preQuestionFormSlug) {
    return null;
  }
  const questions = await loadFormQuestions(c.var.services.database.db, {
    tenantId: c.var.tenant.id,
    slug: type.preQuestionFormSlug,
  });
  if (!questions) {
    // A type pointing at an unpublished form cannot prepare the counter: it is not bookable until fixed.
    throw problems.notFound();
  }
  return questions;
}

/** The resident's own appointment (anyone else's is "not found"), with its type. */
async function ownAppointment(c: Context<AppEnv>, residentId: string, id: string) {
  const [row] = await c.var.services.database.db
    .select({ appointment: appointments, type: appointmentTypes })
    .from(appointments)
    .innerJoin(appointmentTypes, eq(appointmentTypes.id, appointments.typeId))
    .where(
      and(
        eq(appointments.tenantId, c.var.tenant.id),
        eq(appointments.id, id),
        eq(appointments.residentId, residentId),
      ),
    );
  if (!row) {
    throw problems.notFound();
  }
  return row;
}

/** Reads a posted form into name → every string value. */
async function readInput(c: Context<AppEnv>): Promise<PageInput> {
  const body = await c.req.parseBody({ all: true });
  const input: PageInput = new Map();
  for (const [name, raw] of Object.entries(body)) {
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      if (typeof value === "string") {
        input.set(name, [...(input.get(name) ?? []), value]);
      }
    }
  }
  return input;
}

const first = (input: PageInput, name: string) => input.get(name)?.[0] ?? "";

function parseSlot(value: string | undefined): Date | null {
  if (!value || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/.test(value)) {
    return null;
  }
  const instant = new Date(value);
  return Number.isNaN(instant.getTime()) ? null : instant;
}

/** The day list and the chosen day's times of a type, for booking or for moving an appointment. */
async function chooserData(c: Context<AppEnv>, counter: Counter, date: string | undefined) {
  const db = c.var.services.database.db;
  const now = new Date();
  const days = await bookableDays(db, counter, now);
  const chosen = isCalendarDate(date) ? date : null;
  const slots = chosen ? await bookableSlotsOn(db, counter, chosen, now) : [];
  const errors: Record<string, string> =
    date !== undefined && !chosen ? { days: c.var.t("appointments.slots.badDate") } : {};
  return { days, date: chosen, slots, errors };
}

function choosePage(
  c: Context<AppEnv>,
  counter: Counter,
  data: Awaited<ReturnType<typeof chooserData>>,
  status = 200,
) {
  const { t, lang } = c.var;
  const type = counter.type;
  return renderPage(c, {
    title: typeName(type, lang),
    status,
    body: html`<p><a class="back-link" href="/appointments">${t("appointments.list.title")}</a></p>
<h1>${typeName(type, lang)}</h1>
<p>${lang === "ja" ? type.descriptionJa : type.descriptionEn}</p>
${typeFacts(c, type)}
${type.preQuestionFormSlug ? html`<p>${t("appointments.type.preQuestions")}</p>` : ""}
${slotChooser(c, {
  basePath: `/appointments/${type.slug}`,
  days: data.days,
  date: data.date,
  slots: data.slots,
  form: { method: "get", action: `/appointments/${type.slug}/book`, submit: t("appointments.slots.next") },
  errors: data.errors,
})}`,
  });
}

type BookingView = {
  counter: Counter;
  questions: FormQuestions | null;
  startsAt: Date;
  idempotencyKey: string;
  posted: PageInput | null;
  errors: Record<string, string>;
  status?: number;
};

/** The booking page: the chosen time, and the pre-questions when the type has them. */
function bookingPage(c: Context<AppEnv>, view: BookingView) {
  const { t, lang } = c.var;
  const { type } = view.counter;
  const endsAt = new Date(view.startsAt.getTime() + type.durationMinutes * 60_000);
  const action = `/appointments/${type.slug}/book`;
  return renderPage(c, {
    title: `${Object.keys(view.errors).length > 0 ? `${t("appointments.errorPrefix")} ` : ""}${t("appointments.book.title")}`,
    status: view.status ?? 200,
    body: html`<p><a class="back-link" href="/appointments/${type.slug}?date=${tokyoDate(view.startsAt)}#slots">${t(
      "appointments.book.otherTime",
    )}</a></p>
<h1>${t("appointments.book.title")}</h1>
${errorSummary(t("appointments.book.errorTitle"), view.errors)}
<dl class="summary">
<div><dt>${t("appointments.field.type")}</dt><dd>${typeName(type, lang)}</dd></div>
<div><dt>${t("appointments.field.when")}</dt><dd>${formatSlot(view.startsAt, endsAt, lang)}</dd></div>
</dl>
<form method="post" action="${action}" novalidate>
${csrfField(c)}
<input type="hidden" name="slot" value="${view.startsAt.toISOString()}">
<input type="hidden" name="_idempotency" value="${view.idempotencyKey}">
${
  view.questions
    ? html`<h2>${t("appointments.book.questions")}</h2>
<p>${t("appointments.book.questionsLead")}</p>
${renderFormQuestions(view.questions, { lang, t, answers: {}, posted: view.posted, errors: view.errors })}
<div class="button-row"><button type="submit" name="_action" value="check">${t("appointments.book.check")}</button></div>`
    : html`<div class="button-row"><button type="submit" name="_action" value="book">${t("appointments.book.submit")}</button></div>`
}
</form>`,
  });
}

/** Confirmation of the answers: what was posted goes round again in hidden fields, and is checked again. */
function confirmPage(
  c: Context<AppEnv>,
  view: BookingView & {
    questions: FormQuestions;
    posted: PageInput;
    answers: ReturnType<typeof describeFormAnswers>;
  },
) {
  const { t, lang } = c.var;
  const { type } = view.counter;
  const endsAt = new Date(view.startsAt.getTime() + type.durationMinutes * 60_000);
  const carried = [...view.posted].filter(([name]) => !["_csrf", "_action"].includes(name));
  return renderPage(c, {
    title: t("appointments.book.confirmTitle"),
    body: html`<h1>${t("appointments.book.confirmTitle")}</h1>
<p>${t("appointments.book.confirmLead")}</p>
<dl class="summary">
<div><dt>${t("appointments.field.type")}</dt><dd>${typeName(type, lang)}</dd></div>
<div><dt>${t("appointments.field.when")}</dt><dd>${formatSlot(view.startsAt, endsAt, lang)}</dd></div>
</dl>
<h2>${t("appointments.field.answers")}</h2>
${answersList(c, view.answers)}
<form method="post" action="/appointments/${type.slug}/book">
${csrfField(c)}
${carried.flatMap(([name, values]) => values.map((value) => html`<input type="hidden" name="${name}" value="${value}">`))}
<div class="button-row"><button type="submit" name="_action" value="book">${t("appointments.book.submit")}</button>
<button type="submit" class="button-secondary" name="_action" value="edit">${t("appointments.book.edit")}</button></div>
</form>`,
  });
}

function detailPage(
  c: Context<AppEnv>,
  row: { appointment: Appointment; type: AppointmentType },
  o: { notice?: string | null; refusal?: string; status?: number },
) {
  const { t, lang } = c.var;
  const { appointment, type } = row;
  const settings = c.var.tenant.settings;
  const changeable =
    appointment.status === "booked" && canStillChange(type, appointment.startsAt, new Date(), settings);
  const path = appointmentPath(appointment);
  return renderPage(c, {
    title: `${t("appointments.detail.title")} ${appointment.reference}`,
    status: o.status ?? 200,
    body: html`<h1>${t("appointments.detail.title")}</h1>
${o.refusal ? html`<div class="notice" role="alert"><p>${o.refusal}</p></div>` : ""}
${o.notice ? html`<div class="panel-done" role="status"><p>${o.notice}</p></div>` : ""}
${appointmentSummary(c, appointment, type, statusLabels[appointment.status][lang])}
${
  appointment.answersDisplay.length > 0
    ? html`<h2>${t("appointments.field.answers")}</h2>${answersList(c, appointment.answersDisplay)}`
    : ""
}
${
  appointment.status === "booked"
    ? html`<p><a class="button button-secondary" href="${path}/appointment.ics" download>${t("appointments.detail.ics")}</a></p>
${
  changeable
    ? html`<p>${t("appointments.detail.deadline", {
        date: formatDay(changeDeadlineDate(type, appointment.startsAt, settings), lang),
      })}</p>
<p><a class="button" href="${path}/reschedule">${t("appointments.detail.reschedule")}</a></p>
<p><a class="button button-secondary" href="${path}/cancel">${t("appointments.detail.cancel")}</a></p>`
    : html`<p>${t("appointments.detail.pastDeadline")}</p>`
}`
    : ""
}
<p><a href="/my">${t("appointments.detail.toMyPage")}</a></p>`,
  });
}

function reschedulePage(
  c: Context<AppEnv>,
  row: { appointment: Appointment; type: AppointmentType },
  data: Awaited<ReturnType<typeof chooserData>>,
  status = 200,
) {
  const { t, lang } = c.var;
  const path = appointmentPath(row.appointment);
  return renderPage(c, {
    title: t("appointments.reschedule.title"),
    status,
    body: html`<p><a class="back-link" href="${path}">${t("appointments.detail.title")}</a></p>
<h1>${t("appointments.reschedule.title")}</h1>
<h2>${t("appointments.reschedule.current")}</h2>
${appointmentSummary(c, row.appointment, row.type, statusLabels[row.appointment.status][lang])}
${slotChooser(c, {
  basePath: `${path}/reschedule`,
  days: data.days,
  date: data.date,
  slots: data.slots,
  form: { method: "post", action: `${path}/reschedule`, submit: t("appointments.reschedule.submit") },
  errors: data.errors,
})}`,
  });
}

/** A refusal (full slot, closed day, cap...) as the field error a page shows, with its status. */
function refusalOf(error: unknown, lang: "ja" | "en"): { message: string; status: number } | null {
  if (error instanceof ProblemError && error.slug.startsWith("appointments-")) {
    return { message: error.title[lang], status: error.status };
  }
  return null;
}

/** Runs a change, turning a duplicate the database's unique indexes caught into a 409 refusal. */
async function inTransaction<T>(
  c: Context<AppEnv>,
  work: Parameters<typeof c.var.services.database.db.transaction<T>>[0],
) {
  try {
    return await c.var.services.database.db.transaction(work);
  } catch (error) {
    if (sqlStateOf(error) === "23505") {
      throw refuse("duplicate_request");
    }
    throw error;
  }
}

export const appointmentsPages = new Hono<AppEnv>()
  .get("/appointments", async (c) => {
    const { t, lang } = c.var;
    const types = await c.var.services.database.db
      .select()
      .from(appointmentTypes)
      .where(and(eq(appointmentTypes.tenantId, c.var.tenant.id), eq(appointmentTypes.active, true)))
      .orderBy(asc(appointmentTypes.nameJa));
    return renderPage(c, {
      title: t("appointments.list.title"),
      body: html`<h1>${t("appointments.list.title")}</h1>
<p class="lead">${t("appointments.list.lead")}</p>
${
  types.length === 0
    ? html`<p>${t("appointments.list.none")}</p>`
    : types.map(
        (type) => html`<section aria-labelledby="type-${type.slug}">
<h2 id="type-${type.slug}">${typeName(type, lang)}</h2>
<p>${lang === "ja" ? type.descriptionJa : type.descriptionEn}</p>
${typeFacts(c, type)}
<p><a class="button" href="/appointments/${type.slug}">${t("appointments.list.choose", { name: typeName(type, lang) })}</a></p>
</section>`,
      )
}`,
    });
  })
  .get(`/appointments/:slug${SLUG}`, async (c) => {
    const type = await typeBySlug(c, c.req.param("slug"));
    const counter = await loadCounter(c.var.services.database.db, c.var.tenant, type, new Date());
    const data = await chooserData(c, counter, c.req.query("date"));
    return choosePage(c, counter, data, Object.keys(data.errors).length > 0 ? 400 : 200);
  })
  .get(`/appointments/:slug${SLUG}/book`, async (c) => {
    const type = await typeBySlug(c, c.req.param("slug"));
    requireResident(c);
    const counter = await loadCounter(c.var.services.database.db, c.var.tenant, type, new Date());
    const startsAt = parseSlot(c.req.query("slot"));
    const free = startsAt
      ? (await bookableSlotsOn(c.var.services.database.db, counter, tokyoDate(startsAt), new Date())).some(
          (slot) => slot.startsAt.getTime() === startsAt.getTime(),
        )
      : false;
    if (!startsAt || !free) {
      // A time that is gone, closed or never existed: back to choosing, saying so.
      const data = await chooserData(c, counter, startsAt ? tokyoDate(startsAt) : undefined);
      return choosePage(
        c,
        counter,
        { ...data, errors: { slot: c.var.t("appointments.slots.chooseOne") } },
        422,
      );
    }
    return bookingPage(c, {
      counter,
      questions: await preQuestionsOf(c, type),
      startsAt,
      idempotencyKey: randomUUID(),
      posted: null,
      errors: {},
    });
  })
  .post(`/appointments/:slug${SLUG}/book`, async (c) => {
    const { lang } = c.var;
    const type = await typeBySlug(c, c.req.param("slug"));
    const resident = requireResident(c);
    const now = new Date();
    const db = c.var.services.database.db;
    const counter = await loadCounter(db, c.var.tenant, type, now);
    const questions = await preQuestionsOf(c, type);
    const input = await readInput(c);
    const startsAt = parseSlot(first(input, "slot"));
    const idempotencyKey = first(input, "_idempotency");
    if (!startsAt || idempotencyKey.length < 1 || idempotencyKey.length > 100) {
      const data = await chooserData(c, counter, undefined);
      return choosePage(
        c,
        counter,
        { ...data, errors: { slot: c.var.t("appointments.slots.chooseOne") } },
        400,
      );
    }
    const view: BookingView = { counter, questions, startsAt, idempotencyKey, posted: input, errors: {} };
    const action = first(input, "_action") || "book";
    const answersInput: PageInput = new Map([...input].filter(([name]) => !OWN_INPUTS.has(name)));
    if (questions) {
      const regrouped = regroupPostedAnswers(questions, input, action);
      if (regrouped) {
        return bookingPage(c, { ...view, posted: regrouped });
      }
      if (action === "edit") {
        return bookingPage(c, view);
      }
    }
    const checked = questions ? checkFormAnswers(questions, answersInput, now) : null;
    if (checked && checked.problems.length > 0) {
      const errors: Record<string, string> = {};
      for (const problem of checked.problems) {
        errors[problem.input] ??= problem.message[lang];
      }
      return bookingPage(c, { ...view, errors, status: 400 });
    }
    if (questions && checked && action === "check") {
      return confirmPage(c, {
        ...view,
        questions,
        posted: input,
        answers: describeFormAnswers(questions, checked.answers),
      });
    }
    try {
      const { appointment } = await inTransaction(c, (tx) =>
        bookAppointment({
          tx,
          tenant: c.var.tenant,
          actor: c.var.actor,
          typeId: type.id,
          startsAt,
          holder: { residentId: resident.id },
          channel: "web",
          bookedBy: null,
          locale: lang,
          idempotencyKey,
          preQuestions:
            questions && checked
              ? {
                  formVersionId: questions.versionId,
                  answers: checked.answers,
                  display: describeFormAnswers(questions, checked.answers),
                }
              : null,
          now,
          requestId: c.var.requestId,
        }),
      );
      return c.redirect(`${appointmentPath(appointment)}?booked=1`, 303);
    } catch (error) {
      const refusal = refusalOf(error, lang);
      if (!refusal) {
        throw error;
      }
      return bookingPage(c, { ...view, errors: { slot: refusal.message }, status: refusal.status });
    }
  })
  .get(`/appointments/a/:id${ID}`, async (c) => {
    const resident = requireResident(c);
    const row = await ownAppointment(c, resident.id, c.req.param("id"));
    const { t } = c.var;
    const notice = c.req.query("booked")
      ? t("appointments.detail.booked")
      : c.req.query("moved")
        ? t("appointments.detail.moved")
        : c.req.query("cancelled")
          ? t("appointments.detail.cancelled")
          : null;
    return detailPage(c, row, { notice });
  })
  .get(`/appointments/a/:id${ID}/appointment.ics`, async (c) => {
    const resident = requireResident(c);
    const { appointment, type } = await ownAppointment(c, resident.id, c.req.param("id"));
    const { lang, tenant } = c.var;
    const ics = appointmentIcs({
      appointment,
      type,
      lang,
      cityName: lang === "ja" ? tenant.nameJa : tenant.nameEn,
      url: `${publicOrigin(c)}${appointmentPath(appointment)}`,
      now: new Date(),
    });
    return c.body(ics, 200, {
      "content-type": "text/calendar; charset=utf-8",
      "content-disposition": `attachment; filename="appointment-${appointment.reference}.ics"`,
      "cache-control": "private, no-store",
    });
  })
  .get(`/appointments/a/:id${ID}/reschedule`, async (c) => {
    const resident = requireResident(c);
    const row = await ownAppointment(c, resident.id, c.req.param("id"));
    if (row.appointment.status !== "booked") {
      return detailPage(c, row, { refusal: refuse("not_active").title[c.var.lang], status: 409 });
    }
    const counter = await loadCounter(c.var.services.database.db, c.var.tenant, row.type, new Date());
    const data = await chooserData(c, counter, c.req.query("date"));
    return reschedulePage(c, row, data, Object.keys(data.errors).length > 0 ? 400 : 200);
  })
  .post(`/appointments/a/:id${ID}/reschedule`, async (c) => {
    const resident = requireResident(c);
    const row = await ownAppointment(c, resident.id, c.req.param("id"));
    const input = await readInput(c);
    const startsAt = parseSlot(first(input, "slot"));
    const counter = await loadCounter(c.var.services.database.db, c.var.tenant, row.type, new Date());
    const again = async (message: string, status: number) => {
      const data = await chooserData(c, counter, startsAt ? tokyoDate(startsAt) : undefined);
      return reschedulePage(c, row, { ...data, errors: { slot: message } }, status);
    };
    if (!startsAt) {
      return again(c.var.t("appointments.slots.chooseOne"), 400);
    }
    try {
      await inTransaction(c, (tx) =>
        rescheduleAppointment({
          tx,
          tenant: c.var.tenant,
          actor: c.var.actor,
          appointmentId: row.appointment.id,
          residentId: resident.id,
          startsAt,
          requestId: c.var.requestId,
        }),
      );
    } catch (error) {
      const refusal = refusalOf(error, c.var.lang);
      if (!refusal) {
        throw error;
      }
      return again(refusal.message, refusal.status);
    }
    return c.redirect(`${appointmentPath(row.appointment)}?moved=1`, 303);
  })
  .get(`/appointments/a/:id${ID}/cancel`, async (c) => {
    const resident = requireResident(c);
    const row = await ownAppointment(c, resident.id, c.req.param("id"));
    const { t, lang } = c.var;
    const path = appointmentPath(row.appointment);
    if (row.appointment.status !== "booked") {
      return detailPage(c, row, { refusal: refuse("not_active").title[lang], status: 409 });
    }
    return renderPage(c, {
      title: t("appointments.cancel.title"),
      body: html`<p><a class="back-link" href="${path}">${t("appointments.detail.title")}</a></p>
<h1>${t("appointments.cancel.title")}</h1>
${appointmentSummary(c, row.appointment, row.type, statusLabels[row.appointment.status][lang])}
<p>${t("appointments.cancel.lead")}</p>
<form method="post" action="${path}/cancel">${csrfField(c)}
<div class="button-row"><button type="submit">${t("appointments.cancel.submit")}</button>
<a class="button button-secondary" href="${path}">${t("appointments.cancel.keep")}</a></div></form>`,
    });
  })
  .post(`/appointments/a/:id${ID}/cancel`, async (c) => {
    const resident = requireResident(c);
    const row = await ownAppointment(c, resident.id, c.req.param("id"));
    try {
      await inTransaction(c, (tx) =>
        cancelAppointment({
          tx,
          tenant: c.var.tenant,
          actor: c.var.actor,
          appointmentId: row.appointment.id,
          residentId: resident.id,
          requestId: c.var.requestId,
        }),
      );
    } catch (error) {
      const refusal = refusalOf(error, c.var.lang);
      if (!refusal) {
        throw error;
      }
      return detailPage(c, row, { refusal: refusal.message, status: refusal.status });
    }
    return c.redirect(`${appointmentPath(row.appointment)}?cancelled=1`, 303);
  });
