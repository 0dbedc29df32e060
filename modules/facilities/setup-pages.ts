import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../../core/http/app-env.ts";
import { errorSummary, type FieldErrors, inputField } from "../../core/http/forms.ts";
import { csrfField, type Html, renderPage } from "../../core/http/layout.ts";
import { authorizeStaff } from "../../core/http/middleware.ts";
import { ProblemError, problems } from "../../core/http/problem.ts";
import { rulesOf } from "./data.ts";
import { addFacilityClosure } from "./operations/add-facility-closure.ts";
import { type FacilitySetupView, readFacilitySetup } from "./operations/read-facility-setup.ts";
import { removeFacilityClosure } from "./operations/remove-facility-closure.ts";
import { saveFacility } from "./operations/save-facility.ts";
import { saveFacilityRules } from "./operations/save-facility-rules.ts";
import { saveFacilityUnit } from "./operations/save-facility-unit.ts";
import { ID, orProblem, pick, say } from "./page-kit.ts";
import { formatSlot } from "./present.ts";
import type { FacilityRules } from "./rules.ts";
import type { Booking, FacilityUnit } from "./schema.ts";
import { AffectedBookingsProblem } from "./setup-guards.ts";

/**
 * Staff set the city's facilities up without SQL: facilities, closures, units with their schedule and fees,
 * and the booking rules. Every form posts plain fields named after the settings' paths (`name.ja`,
 * `schedule.blocks.0.start`), so an error the module's schema reports lands on the field that caused it.
 */

const VERB = "facilities.facility.manage";
const BASE = "/staff/facilities/setup";

type Values = Record<string, string>;
type FormState = { values: Values; errors: FieldErrors; problem?: ProblemError };
const empty: FormState = { values: {}, errors: {} };

async function bodyOf(c: Context<AppEnv>): Promise<Values> {
  const body = await c.req.parseBody();
  return Object.fromEntries(
    Object.entries(body).flatMap(([k, v]) => (typeof v === "string" ? [[k, v.trim()]] : [])),
  );
}

/** A number typed in a field; an unreadable one stays a string so the schema names the field. */
function num(value: string | undefined): number | string | undefined {
  if (value === undefined || value === "") {
    return undefined;
  }
  const n = Number(value);
  return Number.isFinite(n) ? n : value;
}

/** The row indices of a repeated group of fields (`prefix.N.…`) in the order they were posted. */
function rowIndices(values: Values, prefix: string): number[] {
  const pattern = new RegExp(`^${prefix.replaceAll(".", "\\.")}\\.(\\d+)\\.`);
  const found = new Set<number>();
  for (const key of Object.keys(values)) {
    const match = pattern.exec(key);
    if (match) {
      found.add(Number(match[1]));
    }
  }
  return [...found].sort((a, b) => a - b);
}

/**
 * Rows of a repeated group that carry something: blank rows (and rows marked for removal) are left out, and
 * `formIndex` maps an index in the settings back to the row on the form, for the errors.
 */
function filledRows(values: Values, prefix: string, fields: readonly string[]) {
  const rows: { index: number; get: (field: string) => string }[] = [];
  for (const index of rowIndices(values, prefix)) {
    const get = (field: string) => values[`${prefix}.${index}.${field}`] ?? "";
    if (get("remove") === "1" || fields.every((f) => get(f) === "")) {
      continue;
    }
    rows.push({ index, get });
  }
  return { rows, formIndex: rows.map((r) => r.index) };
}

/** A refusal's field errors keyed by form field name, in the page's language; row indices mapped back. */
function errorsOf(
  c: Context<AppEnv>,
  problem: ProblemError,
  formIndexOf: Record<string, number[]> = {},
): FieldErrors {
  const errors: FieldErrors = {};
  for (const error of problem.extra.errors ?? []) {
    let name = error.pointer.replace(/^\//, "").replaceAll("/", ".") || "form";
    for (const [prefix, formIndex] of Object.entries(formIndexOf)) {
      const match = new RegExp(`^${prefix.replaceAll(".", "\\.")}\\.(\\d+)(\\..*)?$`).exec(name);
      if (match) {
        name = `${prefix}.${formIndex[Number(match[1])] ?? match[1]}${match[2] ?? ""}`;
      }
    }
    errors[name] ??= c.var.lang === "ja" ? (error.detailJa ?? error.detail) : error.detail;
  }
  if (Object.keys(errors).length === 0 && !(problem instanceof AffectedBookingsProblem)) {
    errors["form"] = c.var.lang === "ja" ? problem.title.ja : problem.title.en;
  }
  return errors;
}

function field(
  state: FormState,
  name: string,
  label: string,
  options: { type?: "text" | "number" | "date"; hint?: string; required?: boolean } = {},
): Html {
  return inputField({
    name,
    label,
    value: state.values[name] ?? "",
    error: state.errors[name],
    hint: options.hint,
    required: options.required,
    type: options.type === "number" ? "text" : options.type,
    inputmode: options.type === "number" ? "numeric" : undefined,
  });
}

function timeField(c: Context<AppEnv>, state: FormState, name: string, label: string): Html {
  // A text box, not type="time": the same keys work in every browser and locale (no AM/PM segment).
  return inputField({
    name,
    label,
    value: state.values[name] ?? "",
    error: state.errors[name],
    hint: say(c, "24時間制 HH:MM（例 09:00）", "24-hour HH:MM (e.g. 09:00)"),
    inputmode: "numeric",
    maxlength: 5,
  });
}

/** "9:00" as "09:00", so a time typed without its leading zero is not refused. */
function time(value: string | undefined): string {
  const text = value ?? "";
  return /^\d:\d\d$/.test(text) ? `0${text}` : text;
}

function selectField(
  state: FormState,
  name: string,
  label: string,
  choices: readonly { value: string; label: string }[],
): Html {
  const id = `f-${name}`;
  const error = state.errors[name];
  const chosen = state.values[name] ?? "";
  return html`<div class="field${error ? " field-invalid" : ""}"><label for="${id}">${label}</label>${
    error ? html`<span class="field-error" id="${id}-error">${error}</span>` : ""
  }<select id="${id}" name="${name}"${error ? html` aria-describedby="${id}-error" aria-invalid="true"` : ""}>${choices.map(
    (choice) =>
      html`<option value="${choice.value}"${choice.value === chosen ? html` selected` : ""}>${choice.label}</option>`,
  )}</select></div>`;
}

/** The explicit choice a change that falls on bookings needs; unchecked unless the manager ticked it. */
function cancelAffectedField(c: Context<AppEnv>, state: FormState, id: string): Html {
  return html`<div class="field"><input type="checkbox" id="${id}" name="cancelAffected" value="1"${
    state.values["cancelAffected"] === "1" ? html` checked` : ""
  }> <label for="${id}">${say(
    c,
    "重なる予約があれば取り消し、全額返金して利用者に通知する",
    "If bookings are affected, cancel them with a full refund and notice",
  )}</label></div>`;
}

function summary(c: Context<AppEnv>, state: FormState): Html {
  const affected = state.problem instanceof AffectedBookingsProblem ? state.problem.affected : [];
  return html`${errorSummary(say(c, "入力内容を確認してください", "Please check the form"), state.errors)}${
    affected.length > 0
      ? html`<div class="error-summary" role="alert" tabindex="-1"><h2>${pick(c, state.problem!.title)}</h2><ul>${affected.map(
          (b) => html`<li>${b.reference} ${formatSlot(b.startsAt, b.endsAt, c.var.lang)}</li>`,
        )}</ul></div>`
      : ""
  }`;
}

function cancelledNotice(c: Context<AppEnv>, cancelled: readonly Booking[]): string {
  return cancelled.length === 0
    ? ""
    : `?cancelled=${cancelled.length}${c.var.lang === "en" ? "&lang=en" : ""}`;
}

function doneNotice(c: Context<AppEnv>): Html {
  const cancelled = Number(c.req.query("cancelled") ?? "0");
  return cancelled > 0
    ? html`<div class="panel-done" role="status"><p>${say(
        c,
        `${cancelled} 件の予約を取り消し、全額返金と通知を行いました。`,
        `${cancelled} booking(s) were cancelled with a full refund and notice.`,
      )}</p></div>`
    : html``;
}

const weekdays = [
  { ja: "日曜日", en: "Sunday" },
  { ja: "月曜日", en: "Monday" },
  { ja: "火曜日", en: "Tuesday" },
  { ja: "水曜日", en: "Wednesday" },
  { ja: "木曜日", en: "Thursday" },
  { ja: "金曜日", en: "Friday" },
  { ja: "土曜日", en: "Saturday" },
];

async function setupOf(c: Context<AppEnv>) {
  return readFacilitySetup({ db: c.var.services.database.db, tenantId: c.var.tenant.id });
}

async function facilityOf(c: Context<AppEnv>): Promise<FacilitySetupView> {
  const facility = (await setupOf(c)).find((f) => f.id === c.req.param("facilityId"));
  if (!facility) {
    throw problems.notFound();
  }
  return facility;
}

function actorOf(staff: { id: string }) {
  return { type: "staff" as const, id: staff.id };
}

// ───────────── the list ─────────────

async function listPage(c: Context<AppEnv>) {
  await authorizeStaff(c, VERB);
  const setup = await setupOf(c);
  const title = say(c, "施設の設定", "Facility setup");
  return renderPage(c, {
    title,
    body: html`<h1>${title}</h1>
<ul class="entry-list">${setup.map(
      (f) =>
        html`<li class="entry"><a href="${BASE}/${f.id}">${pick(c, { ja: f.nameJa, en: f.nameEn })}</a> (${f.units
          .map((u) => pick(c, { ja: u.nameJa, en: u.nameEn }))
          .join(", ")})</li>`,
    )}</ul>
<p><a href="${BASE}/new">${say(c, "施設を追加する", "Add a facility")}</a></p>
<p><a href="${BASE}/rules">${say(c, "利用区分・使用料・キャンセル等の規則", "User categories, fees, cancellations and penalties")}</a></p>
<p><a href="/staff/facilities">${say(c, "予約の管理へ", "Back to bookings")}</a></p>`,
  });
}

// ───────────── a facility ─────────────

function facilityValues(f: FacilitySetupView): Values {
  return {
    slug: f.slug,
    "name.ja": f.nameJa,
    "name.en": f.nameEn,
    "address.ja": f.addressJa,
    "address.en": f.addressEn,
    ordinanceRef: f.ordinanceRef,
    weeklyClosedDay: f.weeklyClosedDay === null ? "" : String(f.weeklyClosedDay),
    closedDayOnHoliday: f.closedDayOnHoliday,
    "yearEndClosure.from": f.yearEndClosure?.from ?? "",
    "yearEndClosure.to": f.yearEndClosure?.to ?? "",
  };
}

function facilitySettingsOf(v: Values) {
  const from = v["yearEndClosure.from"] ?? "";
  const to = v["yearEndClosure.to"] ?? "";
  return {
    slug: v["slug"] ?? "",
    name: { ja: v["name.ja"] ?? "", en: v["name.en"] ?? "" },
    address: { ja: v["address.ja"] ?? "", en: v["address.en"] ?? "" },
    ordinanceRef: v["ordinanceRef"] ?? "",
    weeklyClosedDay: v["weeklyClosedDay"] ? num(v["weeklyClosedDay"]) : null,
    closedDayOnHoliday: v["closedDayOnHoliday"] ?? "next_day",
    yearEndClosure: from === "" && to === "" ? null : { from, to },
  };
}

function facilityForm(c: Context<AppEnv>, state: FormState, action: string, existing: boolean): Html {
  return html`<form method="post" action="${action}" novalidate>${csrfField(c)}
${field(state, "slug", say(c, "URL名（英小文字・数字・-）", "URL name (a-z, 0-9, -)"), { required: true })}
${field(state, "name.ja", say(c, "名称（日本語）", "Name (Japanese)"), { required: true })}
${field(state, "name.en", say(c, "名称（英語）", "Name (English)"), { required: true })}
${field(state, "address.ja", say(c, "所在地（日本語）", "Address (Japanese)"))}
${field(state, "address.en", say(c, "所在地（英語）", "Address (English)"))}
${field(state, "ordinanceRef", say(c, "使用料を定める条例", "Ordinance setting the fees"))}
${selectField(state, "weeklyClosedDay", say(c, "定休日", "Weekly closed day"), [
  { value: "", label: say(c, "なし", "None") },
  ...weekdays.map((d, i) => ({ value: String(i), label: pick(c, d) })),
])}
${selectField(
  state,
  "closedDayOnHoliday",
  say(c, "定休日が祝日に当たるとき", "When the closed day is a holiday"),
  [
    {
      value: "next_day",
      label: say(c, "翌日（祝日でない日）を休館", "Close the next non-holiday day instead"),
    },
    { value: "open", label: say(c, "開館する", "Open on the holiday") },
    { value: "closed", label: say(c, "休館する", "Stay closed") },
  ],
)}
${field(state, "yearEndClosure.from", say(c, "年末年始の休館 開始（MM-DD、空欄は市の設定）", "Year-end closure from (MM-DD, empty = the city's)"))}
${field(state, "yearEndClosure.to", say(c, "年末年始の休館 終了（MM-DD）", "Year-end closure to (MM-DD)"))}
${existing ? cancelAffectedField(c, state, "f-facility-cancel") : ""}
<div class="button-row"><button type="submit">${say(c, "保存する", "Save")}</button></div></form>`;
}

async function newFacilityPage(c: Context<AppEnv>, state: FormState = empty) {
  await authorizeStaff(c, VERB);
  const title = say(c, "施設を追加", "Add a facility");
  return renderPage(c, {
    title,
    status: state.problem?.status ?? 200,
    body: html`<h1>${title}</h1>${summary(c, state)}${facilityForm(c, { ...state, values: { closedDayOnHoliday: "next_day", ...state.values } }, `${BASE}/new`, false)}
<p><a href="${BASE}">${say(c, "施設の設定へ", "Back to facility setup")}</a></p>`,
  });
}

async function facilityPage(c: Context<AppEnv>, states: { facility?: FormState; closure?: FormState } = {}) {
  await authorizeStaff(c, VERB);
  const facility = await facilityOf(c);
  const facilityState = states.facility ?? { values: facilityValues(facility), errors: {} };
  const closureState = states.closure ?? empty;
  const name = pick(c, { ja: facility.nameJa, en: facility.nameEn });
  return renderPage(c, {
    title: name,
    status: (states.facility ?? states.closure)?.problem?.status ?? 200,
    body: html`<h1>${name}</h1>${doneNotice(c)}
<h2>${say(c, "施設の情報", "Facility")}</h2>${summary(c, facilityState)}
${facilityForm(c, facilityState, `${BASE}/${facility.id}`, true)}
<h2>${say(c, "部屋・面", "Rooms and courts")}</h2>
<ul class="entry-list">${facility.units.map(
      (u) =>
        html`<li class="entry"><a href="${BASE}/${facility.id}/units/${u.id}">${pick(c, { ja: u.nameJa, en: u.nameEn })}</a></li>`,
    )}</ul>
<p><a href="${BASE}/${facility.id}/units/new">${say(c, "部屋・面を追加する", "Add a room or court")}</a></p>
<h2>${say(c, "臨時休館", "Closures")}</h2>
${
  facility.closures.length === 0
    ? html`<p>${say(c, "臨時休館はありません。", "No closures.")}</p>`
    : html`<ul class="entry-list">${facility.closures.map(
        (cl) =>
          html`<li class="entry">${cl.fromDate} – ${cl.toDate} ${pick(c, { ja: cl.reasonJa, en: cl.reasonEn })}
<form class="inline-form" method="post" action="${BASE}/${facility.id}/closures/${cl.id}/remove">${csrfField(c)}<button type="submit" class="button-secondary">${say(c, `${cl.fromDate}からの休館を取り消す`, `Remove the closure from ${cl.fromDate}`)}</button></form></li>`,
      )}</ul>`
}
<h3>${say(c, "臨時休館を追加", "Add a closure")}</h3>${summary(c, closureState)}
<form method="post" action="${BASE}/${facility.id}/closures" novalidate>${csrfField(c)}
${field(closureState, "fromDate", say(c, "開始日", "First day"), { type: "date", required: true })}
${field(closureState, "toDate", say(c, "終了日", "Last day"), { type: "date", required: true })}
${field(closureState, "reason.ja", say(c, "理由（日本語）", "Reason (Japanese)"), { required: true })}
${field(closureState, "reason.en", say(c, "理由（英語）", "Reason (English)"), { required: true })}
${cancelAffectedField(c, closureState, "f-closure-cancel")}
<div class="button-row"><button type="submit">${say(c, "休館を追加する", "Add the closure")}</button></div></form>
<p><a href="${BASE}">${say(c, "施設の設定へ", "Back to facility setup")}</a></p>`,
  });
}

// ───────────── a unit ─────────────

const BLOCK_FIELDS = ["label.ja", "label.en", "start", "end", "fee"] as const;

function unitValues(u: FacilityUnit): Values {
  const values: Values = {
    "name.ja": u.nameJa,
    "name.en": u.nameEn,
    capacity: String(u.capacity),
    "schedule.kind": u.schedule.kind,
  };
  if (u.schedule.kind === "blocks") {
    u.schedule.blocks.forEach((b, i) => {
      Object.assign(values, {
        [`schedule.blocks.${i}.code`]: b.code,
        [`schedule.blocks.${i}.label.ja`]: b.label.ja,
        [`schedule.blocks.${i}.label.en`]: b.label.en,
        [`schedule.blocks.${i}.start`]: b.start,
        [`schedule.blocks.${i}.end`]: b.end,
        [`schedule.blocks.${i}.fee`]: String(b.fee),
      });
    });
  } else {
    Object.assign(values, {
      "schedule.opens": u.schedule.opens,
      "schedule.closes": u.schedule.closes,
      "schedule.feePerHour": String(u.schedule.feePerHour),
    });
  }
  return values;
}

function unitSettingsOf(v: Values) {
  const blocks = filledRows(v, "schedule.blocks", BLOCK_FIELDS);
  const used = new Set(blocks.rows.map((r) => r.get("code")).filter(Boolean));
  const freshCode = () => {
    let n = 1;
    while (used.has(`b${n}`)) {
      n++;
    }
    used.add(`b${n}`);
    return `b${n}`;
  };
  const schedule =
    v["schedule.kind"] === "hourly"
      ? {
          kind: "hourly",
          opens: time(v["schedule.opens"]),
          closes: time(v["schedule.closes"]),
          feePerHour: num(v["schedule.feePerHour"]),
        }
      : {
          kind: "blocks",
          blocks: blocks.rows.map((r) => ({
            code: r.get("code") || freshCode(),
            label: { ja: r.get("label.ja"), en: r.get("label.en") },
            start: time(r.get("start")),
            end: time(r.get("end")),
            fee: num(r.get("fee")),
          })),
        };
  return {
    settings: {
      name: { ja: v["name.ja"] ?? "", en: v["name.en"] ?? "" },
      capacity: num(v["capacity"]),
      schedule,
    },
    formIndexOf: { "schedule.blocks": blocks.formIndex },
  };
}

function unitForm(c: Context<AppEnv>, state: FormState, action: string, existing: boolean): Html {
  const rows = rowIndices(state.values, "schedule.blocks");
  const next = rows.length === 0 ? 0 : Math.max(...rows) + 1;
  // Room for new time blocks: four on a new unit, two more on an existing one.
  const shown = [...rows, ...Array.from({ length: rows.length === 0 ? 4 : 2 }, (_, i) => next + i)];
  const kind = state.values["schedule.kind"] === "hourly" ? "hourly" : "blocks";
  return html`<form method="post" action="${action}" novalidate>${csrfField(c)}
${field(state, "name.ja", say(c, "名称（日本語）", "Name (Japanese)"), { required: true })}
${field(state, "name.en", say(c, "名称（英語）", "Name (English)"), { required: true })}
${field(state, "capacity", say(c, "定員（人）", "Capacity (people)"), { type: "number", required: true })}
<fieldset><legend>${say(c, "予約の単位", "How it is booked")}</legend>
<div class="field"><input type="radio" id="f-kind-blocks" name="schedule.kind" value="blocks"${kind === "blocks" ? html` checked` : ""}> <label for="f-kind-blocks">${say(c, "時間帯ごと（午前・午後など）", "By time block (morning, afternoon…)")}</label></div>
<div class="field"><input type="radio" id="f-kind-hourly" name="schedule.kind" value="hourly"${kind === "hourly" ? html` checked` : ""}> <label for="f-kind-hourly">${say(c, "1時間ごと", "By the hour")}</label></div>
</fieldset>
<fieldset><legend>${say(c, "時間帯と使用料（時間帯ごとの場合。空欄の行は使いません）", "Time blocks and fees (when booked by block; empty rows are ignored)")}</legend>
${shown.map((i) => {
  const n = i + 1;
  const code = state.values[`schedule.blocks.${i}.code`];
  return html`<fieldset><legend>${say(c, `時間帯 ${n}`, `Time block ${n}`)}</legend>${
    code ? html`<input type="hidden" name="schedule.blocks.${i}.code" value="${code}">` : ""
  }
${field(state, `schedule.blocks.${i}.label.ja`, say(c, `時間帯 ${n} の名称（日本語）`, `Block ${n} name (Japanese)`))}
${field(state, `schedule.blocks.${i}.label.en`, say(c, `時間帯 ${n} の名称（英語）`, `Block ${n} name (English)`))}
${timeField(c, state, `schedule.blocks.${i}.start`, say(c, `時間帯 ${n} の開始`, `Block ${n} starts`))}
${timeField(c, state, `schedule.blocks.${i}.end`, say(c, `時間帯 ${n} の終了`, `Block ${n} ends`))}
${field(state, `schedule.blocks.${i}.fee`, say(c, `時間帯 ${n} の使用料（円）`, `Block ${n} fee (yen)`), { type: "number" })}</fieldset>`;
})}</fieldset>
<fieldset><legend>${say(c, "1時間ごとの場合", "When booked by the hour")}</legend>
${timeField(c, state, "schedule.opens", say(c, "開館", "Opens"))}
${timeField(c, state, "schedule.closes", say(c, "閉館", "Closes"))}
${field(state, "schedule.feePerHour", say(c, "1時間の使用料（円）", "Fee per hour (yen)"), { type: "number" })}
</fieldset>
${existing ? cancelAffectedField(c, state, "f-unit-cancel") : ""}
<div class="button-row"><button type="submit">${say(c, "保存する", "Save")}</button></div></form>`;
}

async function unitPage(c: Context<AppEnv>, state?: FormState) {
  await authorizeStaff(c, VERB);
  const facility = await facilityOf(c);
  const param = c.req.param("unitId");
  const unitId = param && param !== "new" ? param : null;
  const unit = unitId ? facility.units.find((u) => u.id === unitId) : null;
  if (unitId && !unit) {
    throw problems.notFound();
  }
  const shown = state ?? { values: unit ? unitValues(unit) : {}, errors: {} };
  const facilityName = pick(c, { ja: facility.nameJa, en: facility.nameEn });
  const title = unit
    ? `${facilityName} ${pick(c, { ja: unit.nameJa, en: unit.nameEn })}`
    : say(c, `${facilityName} に部屋・面を追加`, `Add a room or court to ${facilityName}`);
  return renderPage(c, {
    title,
    status: state?.problem?.status ?? 200,
    body: html`<h1>${title}</h1>${doneNotice(c)}${summary(c, shown)}
${unitForm(c, shown, unit ? `${BASE}/${facility.id}/units/${unit.id}` : `${BASE}/${facility.id}/units/new`, unit !== null && unit !== undefined)}
<p><a href="${BASE}/${facility.id}">${say(c, `${facilityName} の設定へ`, `Back to ${facilityName}`)}</a></p>`,
  });
}

// ───────────── the rules ─────────────

const CATEGORY_FIELDS = ["code", "name.ja", "name.en", "feeCoefficient", "bookingWindowDays"] as const;
const REFUND_FIELDS = ["minDaysBefore", "percent"] as const;
const PENALTY_FIELDS = [
  ["noShowPoints", "無断欠席の点数", "Points for a no-show"],
  ["lateCancelPoints", "直前取消の点数", "Points for a late cancellation"],
  [
    "lateCancelDaysBefore",
    "直前取消とみなす日数（利用日の何日前より後）",
    "Late cancellation: fewer days before than",
  ],
  ["windowDays", "点数を数える期間（日）", "Points counted over (days)"],
  ["suspensionThreshold", "利用停止になる点数", "Points that suspend booking"],
  ["suspensionDays", "利用停止の期間（日）", "Suspension (days)"],
] as const;

/** The rules as the form posts them; the tests post changed copies of it. */
export function rulesValues(rules: FacilityRules): Values {
  const values: Values = {
    defaultUserCategory: rules.defaultUserCategory,
    weekendHolidayMultiplier: String(rules.weekendHolidayMultiplier),
    admissionChargedMultiplier: String(rules.admissionChargedMultiplier),
    feeRoundingYen: String(rules.feeRoundingYen),
    paymentDeadlineMinutes: String(rules.paymentDeadlineMinutes),
  };
  rules.userCategories.forEach((cat, i) => {
    Object.assign(values, {
      [`userCategories.${i}.code`]: cat.code,
      [`userCategories.${i}.name.ja`]: cat.name.ja,
      [`userCategories.${i}.name.en`]: cat.name.en,
      [`userCategories.${i}.feeCoefficient`]: String(cat.feeCoefficient),
      [`userCategories.${i}.bookingWindowDays`]: String(cat.bookingWindowDays),
    });
  });
  rules.refundTable.forEach((step, i) => {
    values[`refundTable.${i}.minDaysBefore`] = String(step.minDaysBefore);
    values[`refundTable.${i}.percent`] = String(step.percent);
  });
  for (const [key] of PENALTY_FIELDS) {
    values[`penalties.${key}`] = String(rules.penalties[key]);
  }
  return values;
}

function rulesOfForm(v: Values) {
  const categories = filledRows(v, "userCategories", CATEGORY_FIELDS);
  const refunds = filledRows(v, "refundTable", REFUND_FIELDS);
  return {
    rules: {
      userCategories: categories.rows.map((r) => ({
        code: r.get("code"),
        name: { ja: r.get("name.ja"), en: r.get("name.en") },
        feeCoefficient: num(r.get("feeCoefficient")),
        bookingWindowDays: num(r.get("bookingWindowDays")),
      })),
      defaultUserCategory: v["defaultUserCategory"] ?? "",
      weekendHolidayMultiplier: num(v["weekendHolidayMultiplier"]),
      admissionChargedMultiplier: num(v["admissionChargedMultiplier"]),
      feeRoundingYen: num(v["feeRoundingYen"]),
      refundTable: refunds.rows.map((r) => ({
        minDaysBefore: num(r.get("minDaysBefore")),
        percent: num(r.get("percent")),
      })),
      paymentDeadlineMinutes: num(v["paymentDeadlineMinutes"]),
      penalties: Object.fromEntries(PENALTY_FIELDS.map(([key]) => [key, num(v[`penalties.${key}`])])),
    },
    formIndexOf: { userCategories: categories.formIndex, refundTable: refunds.formIndex },
  };
}

async function rulesPage(c: Context<AppEnv>, state?: FormState) {
  await authorizeStaff(c, VERB);
  const saved = c.req.query("saved") === "1";
  const shown = state ?? {
    values: rulesValues(await rulesOf(c.var.services.database.db, c.var.tenant.id)),
    errors: {},
  };
  const categoryRows = rowIndices(shown.values, "userCategories");
  const refundRows = rowIndices(shown.values, "refundTable");
  const nextOf = (rows: number[]) => (rows.length === 0 ? 0 : Math.max(...rows) + 1);
  const title = say(c, "施設予約の規則", "Facility booking rules");
  return renderPage(c, {
    title,
    status: state?.problem?.status ?? 200,
    body: html`<h1>${title}</h1>${
      saved
        ? html`<div class="panel-done" role="status"><p>${say(c, "保存しました。", "Saved.")}</p></div>`
        : ""
    }${summary(c, shown)}
<form method="post" action="${BASE}/rules" novalidate>${csrfField(c)}
<fieldset><legend>${say(c, "利用区分（空欄の行は使いません）", "User categories (empty rows are ignored)")}</legend>
${[...categoryRows, nextOf(categoryRows)].map((i) => {
  const n = i + 1;
  const p = `userCategories.${i}`;
  return html`<fieldset><legend>${say(c, `利用区分 ${n}`, `Category ${n}`)}</legend>
${field(shown, `${p}.code`, say(c, `区分 ${n} のコード（英小文字）`, `Category ${n} code (a-z)`))}
${field(shown, `${p}.name.ja`, say(c, `区分 ${n} の名称（日本語）`, `Category ${n} name (Japanese)`))}
${field(shown, `${p}.name.en`, say(c, `区分 ${n} の名称（英語）`, `Category ${n} name (English)`))}
${field(shown, `${p}.feeCoefficient`, say(c, `区分 ${n} の使用料の倍率`, `Category ${n} fee coefficient`), { type: "number" })}
${field(shown, `${p}.bookingWindowDays`, say(c, `区分 ${n} の予約受付（何日前から）`, `Category ${n} booking opens (days ahead)`), { type: "number" })}
${
  categoryRows.includes(i)
    ? html`<div class="field"><input type="checkbox" id="f-${p}.remove" name="${p}.remove" value="1"${shown.values[`${p}.remove`] === "1" ? html` checked` : ""}> <label for="f-${p}.remove">${say(c, `区分 ${n} を削除する`, `Remove category ${n}`)}</label></div>`
    : ""
}</fieldset>`;
})}</fieldset>
${field(shown, "defaultUserCategory", say(c, "既定の利用区分（コード）", "Default user category (code)"), { required: true })}
${field(shown, "weekendHolidayMultiplier", say(c, "土日祝の倍率", "Weekend and holiday multiplier"), { type: "number" })}
${field(shown, "admissionChargedMultiplier", say(c, "入場料を徴収する利用の倍率", "Multiplier when admission is charged"), { type: "number" })}
${field(shown, "feeRoundingYen", say(c, "端数の切り捨て単位（円）", "Round fees down to (yen)"), { type: "number" })}
<fieldset><legend>${say(c, "キャンセル時の返金（空欄の行は使いません）", "Refunds on cancellation (empty rows are ignored)")}</legend>
${[...refundRows, nextOf(refundRows), nextOf(refundRows) + 1].map((i) => {
  const n = i + 1;
  return html`${field(shown, `refundTable.${i}.minDaysBefore`, say(c, `返金 ${n}: 利用日の何日前まで`, `Refund ${n}: at least days before`), { type: "number" })}
${field(shown, `refundTable.${i}.percent`, say(c, `返金 ${n}: 返金率（％）`, `Refund ${n}: percent refunded`), { type: "number" })}`;
})}</fieldset>
${field(shown, "paymentDeadlineMinutes", say(c, "仮予約の支払期限（分）", "Payment deadline of a provisional booking (minutes)"), { type: "number" })}
<fieldset><legend>${say(c, "ペナルティと利用停止", "Penalties and suspension")}</legend>
${PENALTY_FIELDS.map(([key, ja, en]) => field(shown, `penalties.${key}`, say(c, ja, en), { type: "number" }))}
</fieldset>
<div class="button-row"><button type="submit">${say(c, "保存する", "Save")}</button></div></form>
<p><a href="${BASE}">${say(c, "施設の設定へ", "Back to facility setup")}</a></p>`,
  });
}

// ───────────── routes ─────────────

const langQuery = (c: Context<AppEnv>, first: "?" | "&") => (c.var.lang === "en" ? `${first}lang=en` : "");

function refused(c: Context<AppEnv>, values: Values, problem: ProblemError, formIndexOf = {}): FormState {
  return { values, errors: errorsOf(c, problem, formIndexOf), problem };
}

const F = `/:facilityId${ID}`;

export const facilitySetupPages = new Hono<AppEnv>()
  .get(BASE, (c) => listPage(c))
  .get(`${BASE}/new`, (c) => newFacilityPage(c))
  .post(`${BASE}/new`, async (c) => {
    const staff = await authorizeStaff(c, VERB);
    const values = await bodyOf(c);
    const result = await orProblem(() =>
      saveFacility({
        db: c.var.services.database.db,
        tenantId: c.var.tenant.id,
        actor: actorOf(staff),
        facilityId: null,
        settings: facilitySettingsOf(values),
        cancelAffected: false,
        requestId: c.var.requestId,
      }),
    );
    if (result instanceof ProblemError) {
      return newFacilityPage(c, refused(c, values, result));
    }
    return c.redirect(`${BASE}/${result.facility.id}${langQuery(c, "?")}`, 303);
  })
  .get(`${BASE}/rules`, (c) => rulesPage(c))
  .post(`${BASE}/rules`, async (c) => {
    const staff = await authorizeStaff(c, VERB);
    const values = await bodyOf(c);
    const { rules, formIndexOf } = rulesOfForm(values);
    const result = await orProblem(() =>
      saveFacilityRules({
        db: c.var.services.database.db,
        tenantId: c.var.tenant.id,
        actor: actorOf(staff),
        rules,
        requestId: c.var.requestId,
      }),
    );
    if (result instanceof ProblemError) {
      return rulesPage(c, refused(c, values, result, formIndexOf));
    }
    return c.redirect(`${BASE}/rules?saved=1${langQuery(c, "&")}`, 303);
  })
  .get(`${BASE}${F}`, (c) => facilityPage(c))
  .post(`${BASE}${F}`, async (c) => {
    const staff = await authorizeStaff(c, VERB);
    const values = await bodyOf(c);
    const result = await orProblem(() =>
      saveFacility({
        db: c.var.services.database.db,
        tenantId: c.var.tenant.id,
        actor: actorOf(staff),
        facilityId: c.req.param("facilityId"),
        settings: facilitySettingsOf(values),
        cancelAffected: values["cancelAffected"] === "1",
        requestId: c.var.requestId,
      }),
    );
    if (result instanceof ProblemError) {
      return facilityPage(c, { facility: refused(c, values, result) });
    }
    return c.redirect(
      `${BASE}/${result.facility.id}${cancelledNotice(c, result.cancelled) || langQuery(c, "?")}`,
      303,
    );
  })
  .post(`${BASE}${F}/closures`, async (c) => {
    const staff = await authorizeStaff(c, VERB);
    const values = await bodyOf(c);
    const result = await orProblem(() =>
      addFacilityClosure({
        db: c.var.services.database.db,
        tenantId: c.var.tenant.id,
        actor: actorOf(staff),
        facilityId: c.req.param("facilityId"),
        closure: {
          fromDate: values["fromDate"] ?? "",
          toDate: values["toDate"] ?? "",
          reason: { ja: values["reason.ja"] ?? "", en: values["reason.en"] ?? "" },
        },
        cancelAffected: values["cancelAffected"] === "1",
        requestId: c.var.requestId,
      }),
    );
    if (result instanceof ProblemError) {
      return facilityPage(c, { closure: refused(c, values, result) });
    }
    return c.redirect(
      `${BASE}/${c.req.param("facilityId")}${cancelledNotice(c, result.cancelled) || langQuery(c, "?")}`,
      303,
    );
  })
  .post(`${BASE}${F}/closures/:closureId${ID}/remove`, async (c) => {
    const staff = await authorizeStaff(c, VERB);
    await removeFacilityClosure({
      db: c.var.services.database.db,
      tenantId: c.var.tenant.id,
      actor: actorOf(staff),
      facilityId: c.req.param("facilityId"),
      closureId: c.req.param("closureId"),
      requestId: c.var.requestId,
    });
    return c.redirect(`${BASE}/${c.req.param("facilityId")}${langQuery(c, "?")}`, 303);
  })
  .get(`${BASE}${F}/units/new`, (c) => unitPage(c))
  .get(`${BASE}${F}/units/:unitId${ID}`, (c) => unitPage(c))
  .post(`${BASE}${F}/units/:unitId{new|[0-9a-f-]{36}}`, async (c) => {
    const staff = await authorizeStaff(c, VERB);
    const values = await bodyOf(c);
    const unitId = c.req.param("unitId");
    const { settings, formIndexOf } = unitSettingsOf(values);
    const result = await orProblem(() =>
      saveFacilityUnit({
        db: c.var.services.database.db,
        tenantId: c.var.tenant.id,
        actor: actorOf(staff),
        facilityId: c.req.param("facilityId"),
        unitId: unitId === "new" ? null : unitId,
        settings,
        cancelAffected: values["cancelAffected"] === "1",
        requestId: c.var.requestId,
      }),
    );
    if (result instanceof ProblemError) {
      return unitPage(c, refused(c, values, result, formIndexOf));
    }
    return c.redirect(
      `${BASE}/${c.req.param("facilityId")}/units/${result.unit.id}${cancelledNotice(c, result.cancelled) || langQuery(c, "?")}`,
      303,
    );
  });
