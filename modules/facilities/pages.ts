import { randomUUID } from "node:crypto";
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { isCalendarDate, tokyoDate } from "../../core/calendar/business-days.ts";
import type { AppEnv } from "../../core/http/app-env.ts";
import { csrfField, renderPage } from "../../core/http/layout.ts";
import { ProblemError, problems } from "../../core/http/problem.ts";
import { requireResident } from "../../core/identity/resident-session.ts";
import { bookingPath } from "./booking-changes.ts";
import { addDays, withinWindow } from "./calendar.ts";
import { calendarPages } from "./calendar-pages.ts";
import { rulesOf } from "./data.ts";
import { groupPages } from "./group-pages.ts";
import { myBookingPages } from "./my-booking-pages.ts";
import { createBooking, quoteBooking } from "./operations/create-booking.ts";
import { findFacilities } from "./operations/find-facilities.ts";
import { groupOfResident } from "./operations/group-of-resident.ts";
import { listUnitSlots } from "./operations/list-unit-slots.ts";
import { readUnitAvailability } from "./operations/read-unit-availability.ts";
import { userCategoryOfResident } from "./operations/user-category-of-resident.ts";
import { formFields, orProblem, pick, problemNotice, say, UUID } from "./page-kit.ts";
import { formatDate, formatSlot, yen } from "./present.ts";
import { bookingProblems } from "./problems.ts";
import type { Facility, FacilityUnit } from "./schema.ts";
import { testLockPages } from "./test-lock-pages.ts";

const SLUG = "{[a-z0-9][a-z0-9-]{0,60}}";

async function facilityBySlug(c: Context<AppEnv>, slug: string) {
  const [found] = await findFacilities({ db: c.var.services.database.db, tenantId: c.var.tenant.id, slug });
  if (!found) {
    throw problems.notFound();
  }
  return found;
}

function unitName(c: Context<AppEnv>, unit: FacilityUnit) {
  return c.var.lang === "ja" ? unit.nameJa : unit.nameEn;
}

function facilityName(c: Context<AppEnv>, facility: Facility) {
  return c.var.lang === "ja" ? facility.nameJa : facility.nameEn;
}

const closedLabels = {
  weekly: { ja: "休館日", en: "Closed (weekly closing day)" },
  year_end: { ja: "休館日（年末年始）", en: "Closed (New Year holidays)" },
  closure: { ja: "臨時休館", en: "Closed (temporary closure)" },
} as const;

/** The week grid of one unit: a day per section, each block with its state in words, free ones linked. */
async function facilityPage(c: Context<AppEnv>, slug: string) {
  const { facility, units } = await facilityBySlug(c, slug);
  const db = c.var.services.database.db;
  const requestedUnit = c.req.query("unit");
  const unit = units.find((u) => u.id === requestedUnit) ?? units[0];
  const today = tokyoDate(new Date());
  const weekParam = c.req.query("week") ?? "";
  // Past weeks are not bookable, and nothing is bookable more than a year ahead: either is shown as today's.
  const week =
    isCalendarDate(weekParam) && weekParam >= today && weekParam <= addDays(today, 366) ? weekParam : today;
  const base = `/facilities/${facility.slug}`;
  const unitLinks = html`<nav aria-label="${say(c, "部屋・面", "Rooms and courts")}"><ul class="entry-list">${units.map(
    (u) =>
      html`<li><a class="entry" href="${base}?unit=${u.id}&amp;week=${week}" ${u.id === unit?.id ? html`aria-current="page"` : ""}>${unitName(c, u)}<span class="meta"> ${say(c, `定員${u.capacity}人`, `up to ${u.capacity} people`)}</span></a></li>`,
  )}</ul></nav>`;
  if (!unit) {
    return renderPage(c, {
      title: facilityName(c, facility),
      body: html`<h1>${facilityName(c, facility)}</h1><p>${say(c, "予約できる部屋はありません。", "There is nothing to book here.")}</p>`,
    });
  }
  const { days } = await readUnitAvailability({
    db,
    tenantId: c.var.tenant.id,
    unitId: unit.id,
    from: week,
    to: addDays(week, 6),
  });
  const rules = await rulesOf(db, c.var.tenant.id);
  const category = c.var.resident
    ? await userCategoryOfResident(db, { tenantId: c.var.tenant.id, residentId: c.var.resident.id })
    : rules.defaultUserCategory;
  const now = new Date();
  const prev = addDays(week, -7);
  const weekNav = html`<p class="button-row">${
    week > today
      ? html`<a class="button button-secondary" href="${base}?unit=${unit.id}&amp;week=${[prev, today].sort()[1]}">${say(c, "前の週", "Previous week")}</a>`
      : ""
  }<a class="button button-secondary" href="${base}?unit=${unit.id}&amp;week=${addDays(week, 7)}">${say(c, "次の週", "Next week")}</a></p>`;
  const dayList = days.map((day) => {
    const heading = formatDate(day.date, c.var.lang);
    if (day.closed) {
      return html`<section class="day"><h3>${heading}</h3><p>${pick(c, closedLabels[day.closed])}</p></section>`;
    }
    return html`<section class="day"><h3>${heading}</h3><ul class="entry-list">${day.slots.map((slot) => {
      const label = pick(c, slot.label);
      const window = withinWindow(rules, category, slot.startsAt, now);
      if (slot.state === "taken") {
        return html`<li class="entry">${label}: <strong>${say(c, "予約済み", "Taken")}</strong></li>`;
      }
      if (window !== "ok") {
        return html`<li class="entry">${label}: ${window === "past" ? say(c, "受付終了", "Closed for booking") : say(c, "受付前", "Not open for booking yet")}</li>`;
      }
      const href = `${base}/book?${new URLSearchParams({ unit: unit.id, start: slot.startsAt.toISOString(), end: slot.endsAt.toISOString() })}`;
      return html`<li><a class="entry" href="${href}">${label}: <strong>${say(c, "空き", "Free")}</strong> — ${say(c, "この時間を選ぶ", "Choose this time")}</a></li>`;
    })}</ul></section>`;
  });
  return renderPage(c, {
    title: `${facilityName(c, facility)} ${unitName(c, unit)}`,
    body: html`<p><a class="back-link" href="/facilities">${say(c, "施設の一覧", "All facilities")}</a></p>
<h1>${facilityName(c, facility)}</h1>
<p class="meta">${c.var.lang === "ja" ? facility.addressJa : facility.addressEn}</p>
${unitLinks}
<h2>${unitName(c, unit)}: ${say(c, `${formatDate(week, "ja")}からの1週間`, `Week from ${formatDate(week, "en")}`)}</h2>
${weekNav}
${dayList}
${weekNav}`,
  });
}

type BookingRequest = {
  unitId: string;
  startsAt: Date;
  endsAt: Date;
  admissionCharged: boolean;
  asGroup: boolean;
};

function parseBookingRequest(get: (name: string) => string | undefined): BookingRequest | null {
  const unitId = get("unit") ?? "";
  const startsAt = new Date(get("start") ?? "");
  const endsAt = new Date(get("end") ?? "");
  if (!UUID.test(unitId) || Number.isNaN(startsAt.getTime()) || Number.isNaN(endsAt.getTime())) {
    return null;
  }
  return {
    unitId,
    startsAt,
    endsAt,
    admissionCharged: get("admission") === "1",
    asGroup: get("as") === "group",
  };
}

/** The confirmation page: what, when, the category and the fee the server computed; the form books it. */
async function confirmationPage(
  c: Context<AppEnv>,
  slug: string,
  request: BookingRequest,
  view: { problem?: ProblemError; status?: number } = {},
) {
  const resident = requireResident(c);
  const db = c.var.services.database.db;
  const tenantId = c.var.tenant.id;
  const { facility, units } = await facilityBySlug(c, slug);
  const unit = units.find((u) => u.id === request.unitId);
  if (!unit) {
    throw problems.notFound();
  }
  const group = await groupOfResident(db, { tenantId, residentId: resident.id });
  const asGroup = request.asGroup && group !== null;
  const quote = await orProblem(() =>
    quoteBooking(db, {
      tenantId,
      residentId: resident.id,
      unitId: unit.id,
      startsAt: request.startsAt,
      endsAt: request.endsAt,
      groupId: asGroup ? group!.id : null,
      admissionCharged: request.admissionCharged,
    }),
  );
  const problem = view.problem;
  const back = `/facilities/${facility.slug}?unit=${unit.id}&week=${tokyoDate(request.startsAt)}`;
  const title = say(c, "予約内容の確認", "Check your booking");
  const refusal = (shown: ProblemError) =>
    renderPage(c, {
      title,
      status: view.status ?? shown.status,
      body: html`<h1>${title}</h1>${problemNotice(c, shown)}<p><a href="${back}">${say(c, "空き状況に戻る", "Back to availability")}</a></p>`,
    });
  if (quote instanceof ProblemError) {
    return refusal(quote);
  }
  // A slot someone else holds cannot be booked from here: say so instead of offering the form.
  const date = tokyoDate(request.startsAt);
  const taken = (await listUnitSlots(db, { tenantId, unitId: unit.id, from: date, to: date })).some(
    (s) => s.startsAt.getTime() === request.startsAt.getTime() && s.state === "taken",
  );
  if (taken || view.problem?.slug === "slot_taken") {
    return refusal(view.problem ?? bookingProblems.slotTaken());
  }
  const rules = await rulesOf(db, tenantId);
  const categoryName = rules.userCategories.find((u) => u.code === quote.userCategory)?.name;
  const self = `/facilities/${facility.slug}/book`;
  const query = (changes: Partial<Record<string, string>>) =>
    `${self}?${new URLSearchParams({
      unit: unit.id,
      start: request.startsAt.toISOString(),
      end: request.endsAt.toISOString(),
      ...(request.admissionCharged ? { admission: "1" } : {}),
      ...(asGroup ? { as: "group" } : {}),
      ...changes,
    } as Record<string, string>)}`;
  return renderPage(c, {
    title,
    status: view.status ?? 200,
    body: html`<h1>${title}</h1>
${problem ? problemNotice(c, problem) : ""}
<dl class="summary">
<div><dt>${say(c, "施設", "Facility")}</dt><dd>${facilityName(c, facility)} ${unitName(c, unit)}</dd></div>
<div><dt>${say(c, "日時", "Date and time")}</dt><dd>${formatSlot(request.startsAt, request.endsAt, c.var.lang)}</dd></div>
<div><dt>${say(c, "利用区分", "User category")}</dt><dd>${categoryName ? pick(c, categoryName) : quote.userCategory}${asGroup ? ` (${group!.name})` : ""}</dd></div>
<div><dt>${say(c, "入場料の徴収", "Admission charged")}</dt><dd>${request.admissionCharged ? say(c, "あり", "Yes") : say(c, "なし", "No")}</dd></div>
<div><dt>${say(c, "使用料", "Fee")}</dt><dd class="fee" id="fee">${yen(quote.fee, c.var.lang)}</dd></div>
</dl>
<p class="meta">${say(c, `使用料は${facility.ordinanceRef}により計算しています。`, `The fee is set by ${facility.ordinanceRef}.`)}</p>
<p class="button-row"><a href="${query({ admission: request.admissionCharged ? "0" : "1" })}">${request.admissionCharged ? say(c, "入場料を徴収しない場合の料金にする", "Show the fee without admission charged") : say(c, "入場料を徴収する場合の料金にする", "Show the fee with admission charged")}</a>${
      group
        ? html` <a href="${query({ as: asGroup ? "self" : "group" })}">${asGroup ? say(c, "個人として予約する", "Book as yourself") : say(c, `団体「${group.name}」として予約する`, `Book as the group “${group.name}”`)}</a>`
        : ""
    }</p>
<form method="post" action="${self}">${csrfField(c)}
<input type="hidden" name="_idempotency" value="${randomUUID()}">
<input type="hidden" name="unit" value="${unit.id}">
<input type="hidden" name="start" value="${request.startsAt.toISOString()}">
<input type="hidden" name="end" value="${request.endsAt.toISOString()}">
<input type="hidden" name="admission" value="${request.admissionCharged ? "1" : "0"}">
<input type="hidden" name="as" value="${asGroup ? "group" : "self"}">
<input type="hidden" name="fee" value="${quote.fee}">
<div class="field"><label for="f-purpose">${say(c, "利用目的（任意）", "Purpose (optional)")}</label>
<input id="f-purpose" name="purpose" maxlength="200"></div>
<p>${
      quote.fee > 0
        ? say(
            c,
            `仮予約になります。${rules.paymentDeadlineMinutes}分以内にお支払いいただくと予約が確定します。`,
            `This makes a provisional booking. Pay within ${rules.paymentDeadlineMinutes} minutes to confirm it.`,
          )
        : say(
            c,
            "使用料は無料です。予約はすぐに確定します。",
            "There is no fee: the booking is confirmed at once.",
          )
    }</p>
<div class="button-row"><button type="submit">${quote.fee > 0 ? say(c, "仮予約してお支払いへ進む", "Book and go to payment") : say(c, "予約する", "Book")}</button></div>
</form>
<p><a href="${back}">${say(c, "空き状況に戻る", "Back to availability")}</a></p>`,
  });
}

export const facilitiesPages = new Hono<AppEnv>()
  .route("/", testLockPages)
  .route("/", myBookingPages)
  .route("/", calendarPages)
  .route("/", groupPages)
  .get("/facilities", async (c) => {
    const list = await findFacilities({ db: c.var.services.database.db, tenantId: c.var.tenant.id });
    const title = say(c, "施設予約", "Book a facility");
    return renderPage(c, {
      title,
      body: html`<h1>${title}</h1>
<p class="lead">${say(c, "空き状況を見て、部屋やコートを予約できます。", "See when rooms and courts are free and book them.")}</p>
<ul class="entry-list">${list.map(
        ({ facility, units }) =>
          html`<li><a class="entry" href="/facilities/${facility.slug}">${facilityName(c, facility)}<span class="meta"><br>${c.var.lang === "ja" ? facility.addressJa : facility.addressEn}<br>${units.map((u) => unitName(c, u)).join(" / ")}</span></a></li>`,
      )}</ul>
<p><a href="/my/bookings">${say(c, "予約の確認・取消", "Your bookings")}</a> · <a href="/facilities/groups">${say(c, "団体登録", "Group registration")}</a></p>`,
    });
  })
  .get(`/facilities/:slug${SLUG}`, (c) => facilityPage(c, c.req.param("slug")))
  .get(`/facilities/:slug${SLUG}/book`, async (c) => {
    const request = parseBookingRequest((name) => c.req.query(name));
    if (!request) {
      throw problems.notFound();
    }
    return confirmationPage(c, c.req.param("slug"), request);
  })
  .post(`/facilities/:slug${SLUG}/book`, async (c) => {
    const resident = requireResident(c);
    const get = await formFields(c);
    const request = parseBookingRequest(get);
    const slug = c.req.param("slug");
    if (!request) {
      throw problems.notFound();
    }
    const key = get("_idempotency");
    if (!key || key.length > 100) {
      throw problems.invalidRequest([
        { pointer: "/_idempotency", detail: "Missing submit key", detailJa: "送信キーがありません" },
      ]);
    }
    const db = c.var.services.database.db;
    const tenantId = c.var.tenant.id;
    const { units } = await facilityBySlug(c, slug);
    if (!units.some((u) => u.id === request.unitId)) {
      throw problems.notFound();
    }
    const group = request.asGroup ? await groupOfResident(db, { tenantId, residentId: resident.id }) : null;
    const created = await orProblem(() =>
      createBooking({
        db,
        tenantId,
        actor: c.var.actor,
        residentId: resident.id,
        unitId: request.unitId,
        startsAt: request.startsAt,
        endsAt: request.endsAt,
        groupId: group?.id ?? null,
        admissionCharged: request.admissionCharged,
        purpose: get("purpose").slice(0, 200),
        idempotencyKey: key,
        // The fee shown is only compared, never charged: a page whose fee differs from the tables is refused.
        expectedFee: /^\d+$/.test(get("fee")) ? Number(get("fee")) : -1,
        locale: c.var.lang,
        requestId: c.var.requestId,
      }),
    );
    if (created instanceof ProblemError) {
      return confirmationPage(c, slug, request, { problem: created, status: created.status });
    }
    return c.redirect(created.payPath ?? bookingPath(created.booking.id), 303);
  });
