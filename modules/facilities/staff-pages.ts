import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { isCalendarDate, startOfTokyoDay, tokyoDate } from "../../core/calendar/business-days.ts";
import type { AppEnv } from "../../core/http/app-env.ts";
import { csrfField, renderPage } from "../../core/http/layout.ts";
import { authorizeStaff } from "../../core/http/middleware.ts";
import { ProblemError, problems } from "../../core/http/problem.ts";
import { bookOfficialUse } from "./operations/book-official-use.ts";
import { decideGroup } from "./operations/decide-group.ts";
import { listFacilityUnits } from "./operations/list-facility-units.ts";
import { markNoShow } from "./operations/mark-no-show.ts";
import { readDayBookings } from "./operations/read-day-bookings.ts";
import { readPendingGroups } from "./operations/read-pending-groups.ts";
import { formFields, ID, orProblem, pick, problemNotice, say, UUID } from "./page-kit.ts";
import { bookingStatusLabels, formatDate, formatSlot } from "./present.ts";

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

const sourceLabels = {
  resident: { ja: "個人・団体", en: "Resident" },
  lottery: { ja: "抽選", en: "Lottery" },
  official_use: { ja: "行政使用", en: "Official use" },
} as const;

/** Bookings of a day per unit, with no-show marking and the official-use form. */
async function dayPage(c: Context<AppEnv>, view: { problem?: ProblemError; notice?: string } = {}) {
  const staff = await authorizeStaff(c, "facilities.booking.read");
  const db = c.var.services.database.db;
  const tenantId = c.var.tenant.id;
  const dateParam = c.req.query("date") ?? "";
  const date = isCalendarDate(dateParam) ? dateParam : tokyoDate(new Date());
  const units = await listFacilityUnits(db, { tenantId });
  const day = await readDayBookings({ db, tenantId, date });
  const now = new Date();
  const title = say(c, "施設予約の管理", "Facility bookings");
  return renderPage(c, {
    title,
    status: view.problem?.status ?? 200,
    body: html`<h1>${title}</h1>
${view.problem ? problemNotice(c, view.problem) : ""}
${view.notice ? html`<div class="panel-done" role="status"><p>${view.notice}</p></div>` : ""}
<form method="get" action="/staff/facilities"><div class="field"><label for="f-date">${say(c, "日付", "Date")}</label>
<input id="f-date" name="date" type="date" value="${date}"></div><div class="button-row"><button type="submit">${say(c, "表示", "Show")}</button></div></form>
<h2>${formatDate(date, c.var.lang)}</h2>
${units.map((unit) => {
  const rows = day.filter((b) => b.unitId === unit.id);
  return html`<section><h3>${pick(c, unit.facilityName)} ${pick(c, unit.name)}</h3>${
    rows.length === 0
      ? html`<p>${say(c, "予約なし", "No bookings")}</p>`
      : html`<ul class="entry-list">${rows.map(
          (b) =>
            html`<li class="entry">${formatSlot(b.startsAt, b.endsAt, c.var.lang)} ${b.reference} — ${pick(c, bookingStatusLabels[b.status])} (${pick(c, sourceLabels[b.source])})${
              b.noShowAt ? html` <strong>${say(c, "無断欠席", "No-show")}</strong>` : ""
            }${
              b.status === "confirmed" && b.source !== "official_use" && !b.noShowAt && b.startsAt <= now
                ? html`<form class="inline-form" method="post" action="/staff/facilities/bookings/${b.id}/no-show">${csrfField(c)}<button type="submit" class="button-secondary">${say(c, "無断欠席にする", "Mark no-show")}</button></form>`
                : ""
            }</li>`,
        )}</ul>`
  }</section>`;
})}
<h2>${say(c, "行政使用で押さえる", "Book for official use")}</h2>
<p>${say(c, "重なる予約は取り消され、支払い済みの使用料は全額返金され、利用者に通知されます。", "Overlapping bookings are cancelled, paid fees refunded in full, and the residents told.")}</p>
<form method="post" action="/staff/facilities/official-use">${csrfField(c)}
<div class="field"><label for="f-unit">${say(c, "部屋・面", "Room or court")}</label><select id="f-unit" name="unit">${units.map(
      (u) => html`<option value="${u.id}">${pick(c, u.facilityName)} ${pick(c, u.name)}</option>`,
    )}</select></div>
<div class="field"><label for="f-odate">${say(c, "日付", "Date")}</label><input id="f-odate" name="date" type="date" value="${date}"></div>
<div class="field"><label for="f-from">${say(c, "開始", "From")}</label><input id="f-from" name="from" type="time" value="09:00"></div>
<div class="field"><label for="f-to">${say(c, "終了", "To")}</label><input id="f-to" name="to" type="time" value="12:00"></div>
<div class="field"><label for="f-purpose">${say(c, "目的", "Purpose")}</label><input id="f-purpose" name="purpose" maxlength="200" required></div>
<div class="button-row"><button type="submit">${say(c, "行政使用で押さえる", "Book for official use")}</button></div></form>
<p><a href="/staff/facilities/groups">${say(c, "団体登録の審査", "Group registrations to approve")}</a></p>
${c.get("policy").can(staff.role, "facilities.facility.manage") ? html`<p><a href="/staff/facilities/setup">${say(c, "施設の設定", "Facility setup")}</a></p>` : ""}`,
  });
}

function at(date: string, time: string): Date {
  const [h, m] = time.split(":").map(Number) as [number, number];
  return new Date(startOfTokyoDay(date).getTime() + (h * 60 + m) * 60_000);
}

export const facilitiesStaffPages = new Hono<AppEnv>()
  .get("/staff/facilities", (c) => dayPage(c))
  .post(`/staff/facilities/bookings/:id${ID}/no-show`, async (c) => {
    const staff = await authorizeStaff(c, "facilities.booking.manage");
    const result = await orProblem(() =>
      markNoShow({
        db: c.var.services.database.db,
        tenantId: c.var.tenant.id,
        actor: { type: "staff", id: staff.id },
        bookingId: c.req.param("id"),
        requestId: c.var.requestId,
      }),
    );
    if (result instanceof ProblemError) {
      return dayPage(c, { problem: result });
    }
    return c.redirect(`/staff/facilities?date=${tokyoDate(result.startsAt)}`, 303);
  })
  .post("/staff/facilities/official-use", async (c) => {
    const staff = await authorizeStaff(c, "facilities.official_use.create");
    const get = await formFields(c);
    if (
      !UUID.test(get("unit")) ||
      !isCalendarDate(get("date")) ||
      !TIME.test(get("from")) ||
      !TIME.test(get("to")) ||
      !get("purpose").trim()
    ) {
      return dayPage(c, {
        problem: problems.invalidRequest([
          { pointer: "/", detail: "Fill in every field", detailJa: "すべての項目を入力してください" },
        ]),
      });
    }
    const result = await orProblem(() =>
      bookOfficialUse({
        db: c.var.services.database.db,
        tenantId: c.var.tenant.id,
        actor: { type: "staff", id: staff.id },
        unitId: get("unit"),
        startsAt: at(get("date"), get("from")),
        endsAt: at(get("date"), get("to")),
        purpose: get("purpose").trim().slice(0, 200),
        requestId: c.var.requestId,
      }),
    );
    if (result instanceof ProblemError) {
      return dayPage(c, { problem: result });
    }
    return c.redirect(`/staff/facilities?date=${get("date")}`, 303);
  })
  .get("/staff/facilities/groups", async (c) => {
    await authorizeStaff(c, "facilities.group.approve");
    const pending = await readPendingGroups({ db: c.var.services.database.db, tenantId: c.var.tenant.id });
    const title = say(c, "団体登録の審査", "Group registrations");
    return renderPage(c, {
      title,
      body: html`<h1>${title}</h1>${
        pending.length === 0
          ? html`<p>${say(c, "審査待ちの登録はありません。", "Nothing is waiting.")}</p>`
          : html`<ul class="entry-list">${pending.map(
              (g) => html`<li class="entry">${g.name} (${g.userCategory})
<form class="inline-form" method="post" action="/staff/facilities/groups/${g.id}">${csrfField(c)}<button type="submit" name="decision" value="approved">${say(c, "承認", "Approve")}</button> <button type="submit" name="decision" value="rejected" class="button-secondary">${say(c, "却下", "Reject")}</button></form></li>`,
            )}</ul>`
      }<p><a href="/staff/facilities">${say(c, "予約の管理へ", "Back to bookings")}</a></p>`,
    });
  })
  .post(`/staff/facilities/groups/:id${ID}`, async (c) => {
    const staff = await authorizeStaff(c, "facilities.group.approve");
    const get = await formFields(c);
    const decision = get("decision");
    if (decision !== "approved" && decision !== "rejected") {
      throw problems.invalidRequest([
        { pointer: "/decision", detail: "approved or rejected", detailJa: "承認か却下を選んでください" },
      ]);
    }
    await decideGroup({
      db: c.var.services.database.db,
      tenantId: c.var.tenant.id,
      actor: { type: "staff", id: staff.id },
      groupId: c.req.param("id"),
      decision,
    });
    return c.redirect("/staff/facilities/groups", 303);
  });
