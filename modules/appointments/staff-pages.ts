import { randomUUID } from "node:crypto";
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { type CalendarDate, isCalendarDate, tokyoDate } from "../../core/calendar/business-days.ts";
import type { AppEnv } from "../../core/http/app-env.ts";
import { errorSummary, inputField } from "../../core/http/forms.ts";
import { csrfField, renderPage } from "../../core/http/layout.ts";
import {
  authorizeStaffOn,
  authorizeStaffScope,
  clientIp,
  currentStaff,
  type StaffMember,
} from "../../core/http/middleware.ts";
import { ProblemError, problems } from "../../core/http/problem.ts";
import { residents } from "../../core/identity/schema.ts";
import {
  checkFormAnswers,
  describeFormAnswers,
  type FormQuestions,
  loadFormQuestions,
  type PageInput,
  renderFormQuestions,
} from "../forms/index.ts";
import { label } from "./admin/labels.ts";
import { TYPE_MANAGE } from "./admin-pages.ts";
import { isOpenDay, shiftDate, slotsOfDay } from "./calendar.ts";
import { type Counter, loadCounter } from "./counter.ts";
import { bookAppointment } from "./operations/book-appointment.ts";
import { markAttendance } from "./operations/mark-attendance.ts";
import { readDaySchedule } from "./operations/read-day-schedule.ts";
import { formatDay, formatTime, statusLabels, typeName } from "./presenters.ts";
import { refuse, sqlStateOf } from "./refusals.ts";
import { ID } from "./route-patterns.ts";
import { type AppointmentType, appointments, appointmentTypes, slotCounters } from "./schema.ts";
import { answersList } from "./views.ts";

const READ = "appointments.appointment.read";
const MANAGE = "appointments.appointment.manage";
const STAFF_INPUTS = new Set([
  "slot",
  "caller_name",
  "caller_phone",
  "resident_email",
  "_csrf",
  "_action",
  "lang",
]);

/** The type, if this member may do `verb` on its department's appointments. */
async function typeFor(
  c: Context<AppEnv>,
  verb: string,
  typeId: string,
): Promise<{ type: AppointmentType; staff: StaffMember }> {
  await currentStaff(c);
  const [type] = await c.var.services.database.db
    .select()
    .from(appointmentTypes)
    .where(and(eq(appointmentTypes.tenantId, c.var.tenant.id), eq(appointmentTypes.id, typeId)));
  if (!type) {
    throw problems.notFound();
  }
  const staff = await authorizeStaffOn(c, verb, {
    type: "appointments_type",
    id: type.id,
    departmentId: type.departmentId,
  });
  return { type, staff };
}

const dayViewPath = (typeId: string, date: string) => `/staff/appointments/types/${typeId}?date=${date}`;

/** Every open time of the day staff may book into for a caller: future and not full, whatever the window. */
async function staffSlotsOn(c: Context<AppEnv>, counter: Counter, date: CalendarDate) {
  if (!isOpenDay(date, counter.calendar)) {
    return [];
  }
  const now = Date.now();
  const slots = slotsOfDay(counter.type, counter.hours, date).filter((slot) => slot.startsAt.getTime() > now);
  if (slots.length === 0) {
    return [];
  }
  const counters = await c.var.services.database.db
    .select()
    .from(slotCounters)
    .where(
      and(
        eq(slotCounters.typeId, counter.type.id),
        inArray(
          slotCounters.startsAt,
          slots.map((slot) => slot.startsAt),
        ),
      ),
    );
  const taken = new Map(counters.map((row) => [row.startsAt.getTime(), row.taken]));
  return slots
    .map((slot) => ({
      ...slot,
      remaining: counter.type.capacityPerSlot - (taken.get(slot.startsAt.getTime()) ?? 0),
    }))
    .filter((slot) => slot.remaining > 0);
}

type StaffBookView = {
  type: AppointmentType;
  counter: Counter;
  questions: FormQuestions | null;
  date: CalendarDate;
  slots: Awaited<ReturnType<typeof staffSlotsOn>>;
  posted: PageInput | null;
  errors: Record<string, string>;
  idempotencyKey: string;
  status?: number;
};

function staffBookPage(c: Context<AppEnv>, view: StaffBookView) {
  const { t, lang } = c.var;
  const value = (name: string) => view.posted?.get(name)?.[0] ?? "";
  const action = `/staff/appointments/types/${view.type.id}/book`;
  const chosen = value("slot");
  return renderPage(c, {
    title: t("appointments.staff.bookTitle", { name: typeName(view.type, lang) }),
    status: view.status ?? 200,
    body: html`<p><a class="back-link" href="${dayViewPath(view.type.id, view.date)}">${t(
      "appointments.staff.dayView",
      {
        name: typeName(view.type, lang),
      },
    )}</a></p>
<h1>${t("appointments.staff.bookTitle", { name: typeName(view.type, lang) })}</h1>
${errorSummary(t("appointments.staff.errorTitle"), view.errors)}
<form method="get" action="${action}">
${inputField({ name: "date", label: t("appointments.staff.date"), type: "date", value: view.date, className: "input-medium" })}
<div class="button-row"><button type="submit" class="button-secondary">${t("appointments.staff.show")}</button></div>
</form>
${
  view.slots.length === 0
    ? html`<p>${t("appointments.staff.noSlots")}</p>`
    : html`<form method="post" action="${action}" novalidate>
${csrfField(c)}
<input type="hidden" name="_idempotency" value="${view.idempotencyKey}">
<div class="field${view.errors["slot"] ? " field-invalid" : ""}">
<label for="f-slot">${t("appointments.staff.slot")}</label>
${view.errors["slot"] ? html`<span class="field-error" id="f-slot-error">${view.errors["slot"]}</span>` : ""}
<select id="f-slot" name="slot"${view.errors["slot"] ? html` aria-describedby="f-slot-error" aria-invalid="true"` : ""}>
${view.slots.map(
  (slot) =>
    html`<option value="${slot.startsAt.toISOString()}"${chosen === slot.startsAt.toISOString() ? " selected" : ""}>${formatDay(
      view.date,
      lang,
    )} ${formatTime(slot.startsAt)}〜${formatTime(slot.endsAt)} (${t("appointments.slots.remaining", { count: slot.remaining })})</option>`,
)}
</select></div>
${inputField({
  name: "caller_name",
  label: t("appointments.staff.callerName"),
  value: value("caller_name"),
  error: view.errors["caller_name"],
  autocomplete: "off",
  maxlength: 100,
})}
${inputField({
  name: "caller_phone",
  label: t("appointments.staff.callerPhone"),
  value: value("caller_phone"),
  type: "tel",
  error: view.errors["caller_phone"],
  autocomplete: "off",
  className: "input-medium",
})}
${inputField({
  name: "resident_email",
  label: t("appointments.staff.residentEmail"),
  hint: t("appointments.staff.residentEmailHint"),
  value: value("resident_email"),
  type: "email",
  error: view.errors["resident_email"],
  autocomplete: "off",
})}
${
  view.questions
    ? html`<h2>${t("appointments.book.questions")}</h2>
${renderFormQuestions(view.questions, { lang, t, answers: {}, posted: view.posted, errors: view.errors })}`
    : ""
}
<div class="button-row"><button type="submit">${t("appointments.staff.bookSubmit")}</button></div>
</form>`
}`,
  });
}

async function bookViewData(c: Context<AppEnv>, type: AppointmentType, date: CalendarDate) {
  const counter = await loadCounter(c.var.services.database.db, c.var.tenant, type, new Date());
  const questions = type.preQuestionFormSlug
    ? await loadFormQuestions(c.var.services.database.db, {
        tenantId: c.var.tenant.id,
        slug: type.preQuestionFormSlug,
      })
    : null;
  return { counter, questions, slots: await staffSlotsOn(c, counter, date) };
}

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

/** Staff screens of counter appointments: the day view per type, attendance, and booking for a caller. */
export const appointmentsStaffPages = new Hono<AppEnv>()
  .get("/staff/appointments", async (c) => {
    const { t, lang } = c.var;
    await currentStaff(c);
    const { staff, scope } = await authorizeStaffScope(c, READ);
    const types = await c.var.services.database.db
      .select()
      .from(appointmentTypes)
      .where(
        and(
          eq(appointmentTypes.tenantId, c.var.tenant.id),
          scope.all
            ? undefined
            : scope.departmentIds.length > 0
              ? inArray(appointmentTypes.departmentId, [...scope.departmentIds])
              : sql`false`,
        ),
      )
      .orderBy(asc(appointmentTypes.nameJa));
    const today = tokyoDate(new Date());
    const canSetUp = c.var.policy.can(staff.role, TYPE_MANAGE);
    return renderPage(c, {
      title: t("appointments.staff.title"),
      body: html`<h1>${t("appointments.staff.title")}</h1>
${canSetUp ? html`<p><a class="button" href="/staff/appointments/types/new">${label("newType", lang)}</a></p>` : ""}
<h2>${t("appointments.staff.types")}</h2>
<ul>${types.map(
        (type) =>
          html`<li><a href="${dayViewPath(type.id, today)}">${typeName(type, lang)}</a>${
            canSetUp && (scope.all || scope.departmentIds.includes(type.departmentId))
              ? html` ｜ <a href="/staff/appointments/types/${type.id}/settings">${label("settingsTitle", lang, { name: typeName(type, lang) })}</a>`
              : ""
          }</li>`,
      )}</ul>`,
    });
  })
  .get(`/staff/appointments/types/:id${ID}`, async (c) => {
    const { t, lang } = c.var;
    const { type, staff } = await typeFor(c, READ, c.req.param("id"));
    const asked = c.req.query("date");
    // A date that is no real day in range (2025-02-30, 9999-12-31) is refused with a message; today is shown.
    const badDate = asked !== undefined && !isCalendarDate(asked);
    const date = isCalendarDate(asked) ? asked : tokyoDate(new Date());
    const schedule = await readDaySchedule({
      db: c.var.services.database.db,
      tenantId: c.var.tenant.id,
      actor: { type: "staff", id: staff.id },
      typeId: type.id,
      date,
      requestId: c.var.requestId,
      ip: clientIp(c),
    });
    const booked = c.req.query("booked");
    const canManage = c.var.policy.can(staff.role, MANAGE);
    return renderPage(c, {
      title: `${t("appointments.staff.dayView", { name: typeName(type, lang) })} ${date}`,
      status: badDate ? 400 : 200,
      body: html`<p><a class="back-link" href="/staff/appointments">${t("appointments.staff.title")}</a></p>
<h1>${t("appointments.staff.dayView", { name: typeName(type, lang) })}</h1>
${booked ? html`<div class="panel-done" role="status"><p>${t("appointments.staff.booked", { reference: booked })}</p></div>` : ""}
${badDate ? errorSummary(t("appointments.staff.errorTitle"), { date: t("appointments.staff.badDate") }) : ""}
<form method="get" action="/staff/appointments/types/${type.id}">
${inputField({
  name: "date",
  label: t("appointments.staff.date"),
  type: "date",
  value: date,
  className: "input-medium",
  ...(badDate ? { error: t("appointments.staff.badDate") } : {}),
})}
<div class="button-row"><button type="submit" class="button-secondary">${t("appointments.staff.show")}</button></div>
</form>
<p><a href="${dayViewPath(type.id, shiftDate(date, -1))}">${t("appointments.staff.previous")}</a>
｜ <a href="${dayViewPath(type.id, shiftDate(date, 1))}">${t("appointments.staff.next")}</a></p>
<h2>${formatDay(date, lang)}</h2>
${canManage ? html`<p><a class="button" href="/staff/appointments/types/${type.id}/book?date=${date}">${t("appointments.staff.bookForCaller")}</a></p>` : ""}
${
  schedule.length === 0
    ? html`<p>${t("appointments.staff.none")}</p>`
    : schedule.map(
        (appointment) => html`<section class="appointment" aria-labelledby="a-${appointment.id}">
<h3 id="a-${appointment.id}">${formatTime(appointment.startsAt)}〜${formatTime(appointment.endsAt)} ${
          appointment.resident?.displayName ?? appointment.callerName ?? appointment.resident?.email ?? ""
        } <span class="badge">${statusLabels[appointment.status][lang]}</span></h3>
<dl class="summary">
<div><dt>${t("appointments.field.reference")}</dt><dd>${appointment.reference}</dd></div>
<div><dt>${t("appointments.staff.contact")}</dt><dd>${[appointment.resident?.email, appointment.callerPhone].filter(Boolean).join(" / ") || "—"}</dd></div>
<div><dt>${t("appointments.staff.channel")}</dt><dd>${t(`appointments.staff.channel.${appointment.channel}`)}</dd></div>
</dl>
<h4>${t("appointments.field.answers")}</h4>
${appointment.answersDisplay.length > 0 ? answersList(c, appointment.answersDisplay) : html`<p>${t("appointments.staff.noAnswers")}</p>`}
${
  canManage && appointment.status !== "cancelled"
    ? html`<form method="post" action="/staff/appointments/${appointment.id}/attendance" class="button-row">${csrfField(c)}
<button type="submit" name="status" value="arrived">${t("appointments.staff.arrived")}</button>
<button type="submit" class="button-secondary" name="status" value="no_show">${t("appointments.staff.noShow")}</button></form>`
    : ""
}
</section>`,
      )
}`,
    });
  })
  .post(`/staff/appointments/:id${ID}/attendance`, async (c) => {
    await currentStaff(c);
    const [appointment] = await c.var.services.database.db
      .select({ id: appointments.id, typeId: appointments.typeId, startsAt: appointments.startsAt })
      .from(appointments)
      .where(and(eq(appointments.tenantId, c.var.tenant.id), eq(appointments.id, c.req.param("id"))));
    if (!appointment) {
      throw problems.notFound();
    }
    await typeFor(c, MANAGE, appointment.typeId);
    const body = await c.req.parseBody();
    const status = body["status"];
    if (status !== "arrived" && status !== "no_show") {
      throw problems.invalidRequest([
        { pointer: "/status", detail: "arrived or no_show", detailJa: "来庁か不来庁を選んでください" },
      ]);
    }
    await c.var.services.database.db.transaction((tx) =>
      markAttendance({
        tx,
        tenantId: c.var.tenant.id,
        actor: c.var.actor,
        appointmentId: appointment.id,
        status,
        requestId: c.var.requestId,
      }),
    );
    return c.redirect(dayViewPath(appointment.typeId, tokyoDate(appointment.startsAt)), 303);
  })
  .get(`/staff/appointments/types/:id${ID}/book`, async (c) => {
    const { type } = await typeFor(c, MANAGE, c.req.param("id"));
    const asked = c.req.query("date");
    if (asked !== undefined && !isCalendarDate(asked)) {
      throw problems.invalidRequest([
        {
          pointer: "/date",
          detail: "Enter a real date from 2000 to 2100 as YYYY-MM-DD",
          detailJa: "2000年から2100年までの実在する日付を YYYY-MM-DD で入力してください",
        },
      ]);
    }
    const date = asked ?? tokyoDate(new Date());
    const data = await bookViewData(c, type, date);
    return staffBookPage(c, { type, ...data, date, posted: null, errors: {}, idempotencyKey: randomUUID() });
  })
  .post(`/staff/appointments/types/:id${ID}/book`, async (c) => {
    const { t, lang } = c.var;
    const { type, staff } = await typeFor(c, MANAGE, c.req.param("id"));
    const input = await readInput(c);
    const value = (name: string) => (input.get(name)?.[0] ?? "").normalize("NFKC").trim();
    const startsAt = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(value("slot")) ? new Date(value("slot")) : null;
    const date = startsAt && !Number.isNaN(startsAt.getTime()) ? tokyoDate(startsAt) : tokyoDate(new Date());
    const data = await bookViewData(c, type, date);
    const idempotencyKey = value("_idempotency") || randomUUID();
    const errors: Record<string, string> = {};
    if (!startsAt || Number.isNaN(startsAt.getTime())) {
      errors["slot"] = t("appointments.staff.error.slot");
    }
    const callerName = value("caller_name");
    const phone = value("caller_phone").replace(/[-‐ー−() ]/g, "");
    const email = value("resident_email").toLowerCase();
    if (!callerName && !email) {
      errors["caller_name"] = t("appointments.staff.error.who");
    }
    if (callerName.length > 100) {
      errors["caller_name"] = t("appointments.staff.error.who");
    }
    if (phone && !/^0\d{9,10}$/.test(phone)) {
      errors["caller_phone"] = t("appointments.staff.error.phone");
    }
    let residentId: string | null = null;
    if (email) {
      const [found] = await c.var.services.database.db
        .select({ id: residents.id })
        .from(residents)
        .where(
          and(
            eq(residents.tenantId, c.var.tenant.id),
            eq(residents.email, email),
            isNull(residents.deletedAt),
          ),
        );
      if (found) {
        residentId = found.id;
      } else {
        errors["resident_email"] = t("appointments.staff.error.resident");
      }
    }
    const answersInput: PageInput = new Map([...input].filter(([name]) => !STAFF_INPUTS.has(name)));
    const checked = data.questions ? checkFormAnswers(data.questions, answersInput) : null;
    for (const problem of checked?.problems ?? []) {
      errors[problem.input] ??= problem.message[lang];
    }
    const again = (status: number) =>
      staffBookPage(c, { type, ...data, date, posted: input, errors, idempotencyKey, status });
    if (Object.keys(errors).length > 0 || !startsAt) {
      return again(400);
    }
    try {
      const { appointment } = await c.var.services.database.db.transaction((tx) =>
        bookAppointment({
          tx,
          tenant: c.var.tenant,
          actor: { type: "staff", id: staff.id },
          typeId: type.id,
          startsAt,
          holder: residentId ? { residentId } : { callerName, callerPhone: phone || null },
          channel: "phone",
          bookedBy: staff.id,
          locale: "ja",
          idempotencyKey,
          preQuestions:
            data.questions && checked
              ? {
                  formVersionId: data.questions.versionId,
                  answers: checked.answers,
                  display: describeFormAnswers(data.questions, checked.answers),
                }
              : null,
          requestId: c.var.requestId,
        }),
      );
      return c.redirect(
        `${dayViewPath(type.id, tokyoDate(appointment.startsAt))}&booked=${appointment.reference}`,
        303,
      );
    } catch (error) {
      const refusal =
        error instanceof ProblemError && error.slug.startsWith("appointments-")
          ? error
          : sqlStateOf(error) === "23505"
            ? refuse("duplicate_request")
            : null;
      if (!refusal) {
        throw error;
      }
      errors["slot"] = refusal.title[lang];
      return again(refusal.status);
    }
  });
