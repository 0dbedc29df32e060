import type { Context } from "hono";
import { html } from "hono/html";
import type { CalendarDate } from "../../core/calendar/business-days.ts";
import type { AppEnv } from "../../core/http/app-env.ts";
import { errorSummary } from "../../core/http/forms.ts";
import { csrfField, type Html } from "../../core/http/layout.ts";
import type { SlotAvailability } from "./counter.ts";
import { formatDay, formatSlot, formatTime, typeName, typePlace } from "./presenters.ts";
import type { Appointment, AppointmentType, DisplayedAnswer } from "./schema.ts";

/** Facts about a type a resident reads before choosing: length, place, window. */
export function typeFacts(c: Context<AppEnv>, type: AppointmentType): Html {
  const { t, lang } = c.var;
  return html`<dl class="summary">
<div><dt>${t("appointments.type.duration")}</dt><dd>${t("appointments.type.minutes", { minutes: type.durationMinutes })}</dd></div>
${typePlace(type, lang) ? html`<div><dt>${t("appointments.type.place")}</dt><dd>${typePlace(type, lang)}</dd></div>` : ""}
<div><dt>${t("appointments.type.window")}</dt><dd>${t("appointments.type.windowText", {
    lead: type.leadBusinessDays,
    horizon: type.horizonDays,
  })}</dd></div>
</dl>`;
}

/** The appointment's facts: kind, time, place, reference, status. */
export function appointmentSummary(
  c: Context<AppEnv>,
  appointment: Appointment,
  type: AppointmentType,
  statusLabel: string,
): Html {
  const { t, lang } = c.var;
  return html`<dl class="summary">
<div><dt>${t("appointments.field.type")}</dt><dd>${typeName(type, lang)}</dd></div>
<div><dt>${t("appointments.field.when")}</dt><dd>${formatSlot(appointment.startsAt, appointment.endsAt, lang)}</dd></div>
${typePlace(type, lang) ? html`<div><dt>${t("appointments.field.place")}</dt><dd>${typePlace(type, lang)}</dd></div>` : ""}
<div><dt>${t("appointments.field.reference")}</dt><dd class="reference">${appointment.reference}</dd></div>
<div><dt>${t("appointments.field.status")}</dt><dd>${statusLabel}</dd></div>
</dl>`;
}

export function answersList(c: Context<AppEnv>, answers: readonly DisplayedAnswer[]): Html {
  const { lang } = c.var;
  return html`<dl class="summary">${answers.map(
    (answer) => html`<div><dt>${answer.label[lang]}</dt><dd>${answer.value[lang]}</dd></div>`,
  )}</dl>`;
}

/**
 * Days with a free time (links), and for the chosen day its free times as radio buttons in a plain form:
 * the whole choice works without JavaScript and fits a phone.
 */
export function slotChooser(
  c: Context<AppEnv>,
  o: {
    basePath: string;
    days: readonly CalendarDate[];
    date: CalendarDate | null;
    slots: readonly SlotAvailability[];
    form: { method: "get" | "post"; action: string; submit: string; hidden?: Record<string, string> };
    errors: Record<string, string>;
  },
): Html {
  const { t, lang } = c.var;
  const separator = o.basePath.includes("?") ? "&" : "?";
  return html`${errorSummary(t("appointments.book.errorTitle"), o.errors)}
<h2 id="days">${t("appointments.days.title")}</h2>
${
  o.days.length === 0
    ? html`<p>${t("appointments.days.none")}</p>`
    : html`<ul class="entry-list" aria-labelledby="days">${o.days.map(
        (day) =>
          html`<li><a href="${o.basePath}${separator}date=${day}#slots"${day === o.date ? html` aria-current="date"` : ""}>${formatDay(day, lang)}</a></li>`,
      )}</ul>`
}
${
  o.date
    ? html`<h2 id="slots" tabindex="-1">${t("appointments.slots.title", { day: formatDay(o.date, lang) })}</h2>
${
  o.slots.length === 0
    ? html`<p>${t("appointments.slots.none")}</p>`
    : html`<form method="${o.form.method}" action="${o.form.action}">
${o.form.method === "post" ? csrfField(c) : ""}
${Object.entries(o.form.hidden ?? {}).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<div class="field${o.errors["slot"] ? " field-invalid" : ""}"><fieldset id="f-slot"${
        o.errors["slot"] ? html` aria-describedby="f-slot-error"` : ""
      }>
<legend>${t("appointments.slots.legend")}</legend>
${o.errors["slot"] ? html`<span class="field-error" id="f-slot-error">${o.errors["slot"]}</span>` : ""}
${o.slots.map(
  (slot, index) =>
    html`<div class="check"><input type="radio" id="f-slot-${index}" name="slot" value="${slot.startsAt.toISOString()}"${
      index === 0 ? " required" : ""
    }><label for="f-slot-${index}">${formatTime(slot.startsAt)}〜${formatTime(slot.endsAt)} <span class="meta">${t(
      "appointments.slots.remaining",
      { count: slot.remaining },
    )}</span></label></div>`,
)}
</fieldset></div>
<div class="button-row"><button type="submit">${o.form.submit}</button></div>
</form>`
}`
    : ""
}`;
}
