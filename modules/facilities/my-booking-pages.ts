import type { Context } from "hono";
import { Hono } from "hono";
import { html, raw } from "hono/html";
import type { AppEnv } from "../../core/http/app-env.ts";
import { csrfField, renderPage } from "../../core/http/layout.ts";
import { ProblemError } from "../../core/http/problem.ts";
import { requireResident } from "../../core/identity/resident-session.ts";
import { qrSvg } from "../../core/qr/qr-code.ts";
import { daysBefore, refundAmount, refundPercent } from "./calendar.ts";
import { calendarResponse } from "./calendar-pages.ts";
import { rulesOf } from "./data.ts";
import { cancelBooking } from "./operations/cancel-booking.ts";
import { confirmFreeBooking } from "./operations/confirm-free-booking.ts";
import { createCalendarFeed } from "./operations/create-calendar-feed.ts";
import {
  type ResidentBookingDetail,
  readResidentBooking,
  readResidentBookings,
} from "./operations/read-resident-bookings.ts";
import { formFields, ID, orProblem, pick, problemNotice, say } from "./page-kit.ts";
import { bookingStatusLabels, formatDateTime, formatSlot, yen } from "./present.ts";

const place = (c: Context<AppEnv>, d: Pick<ResidentBookingDetail, "unit" | "facility">) =>
  c.var.lang === "ja" ? `${d.facility.nameJa} ${d.unit.nameJa}` : `${d.facility.nameEn} ${d.unit.nameEn}`;

async function detailOf(c: Context<AppEnv>) {
  const resident = requireResident(c);
  const detail = await readResidentBooking({
    db: c.var.services.database.db,
    tenantId: c.var.tenant.id,
    residentId: resident.id,
    bookingId: c.req.param("id") ?? "",
  });
  return { resident, detail };
}

/** The booking page: status, payment, door code (owner only), calendar file, and cancelling with its refund. */
async function bookingPage(c: Context<AppEnv>, view: { problem?: ProblemError; notice?: string } = {}) {
  const { detail } = await detailOf(c);
  const { booking, key } = detail;
  const lang = c.var.lang;
  const rules = await rulesOf(c.var.services.database.db, c.var.tenant.id);
  const now = new Date();
  const base = `/my/bookings/${booking.id}`;
  const paid = detail.payments.find((p) => p.state === "success");
  const open = detail.payments.find((p) => !p.finished || ["failed", "expired", "error"].includes(p.state));
  const cancellable = ["provisional", "confirmed"].includes(booking.status) && booking.startsAt > now;
  const refund = paid ? refundAmount(rules, paid.amount, booking.startsAt, now) : 0;
  const percent = refundPercent(rules, daysBefore(booking.startsAt, now));
  const title = say(c, "予約の詳細", "Your booking");
  return renderPage(c, {
    title,
    status: view.problem?.status ?? 200,
    body: html`<p><a class="back-link" href="/my/bookings">${say(c, "予約の一覧", "All your bookings")}</a></p>
<h1>${title}</h1>
${view.problem ? problemNotice(c, view.problem) : ""}
${view.notice ? html`<div class="panel-done" role="status"><p>${view.notice}</p></div>` : ""}
<dl class="summary">
<div><dt>${say(c, "予約番号", "Reference")}</dt><dd class="reference">${booking.reference}</dd></div>
<div><dt>${say(c, "状態", "Status")}</dt><dd id="booking-status">${pick(c, bookingStatusLabels[booking.status])}</dd></div>
<div><dt>${say(c, "施設", "Facility")}</dt><dd>${place(c, detail)}</dd></div>
<div><dt>${say(c, "日時", "Date and time")}</dt><dd>${formatSlot(booking.startsAt, booking.endsAt, lang)}</dd></div>
<div><dt>${say(c, "使用料", "Fee")}</dt><dd class="fee">${yen(booking.fee, lang)}</dd></div>
${
  booking.refundAmount !== null
    ? html`<div><dt>${say(c, "返金額", "Refund")}</dt><dd id="refund-amount">${yen(booking.refundAmount, lang)}</dd></div>`
    : ""
}
${
  booking.status === "provisional" && booking.confirmBy
    ? html`<div><dt>${say(c, "お支払い期限", "Pay by")}</dt><dd>${formatDateTime(booking.confirmBy, lang)}</dd></div>`
    : ""
}
</dl>
${
  booking.status === "provisional" && booking.fee > 0 && open
    ? html`<p class="button-row"><a class="button" href="/payments/${open.id}">${say(c, "使用料を支払う", "Pay the fee")}</a></p>`
    : ""
}
${
  booking.status === "provisional" && booking.fee === 0
    ? html`<form method="post" action="${base}/confirm">${csrfField(c)}<div class="button-row"><button type="submit">${say(c, "この予約を確定する", "Confirm this booking")}</button></div></form>`
    : ""
}
${paid ? html`<p><a href="/payments/${paid.id}/receipt.pdf">${say(c, "領収書（PDF）", "Receipt (PDF)")}</a></p>` : ""}
${
  booking.status === "confirmed"
    ? key && key.status === "issued"
      ? html`<section aria-labelledby="key-heading"><h2 id="key-heading">${say(c, "デジタルキー", "Door code")}</h2>
<p>${say(c, "入口の鍵の暗証番号です。利用時間の前後15分だけ使えます。", "The door code of the entrance. It works from 15 minutes before to 15 minutes after your booking.")}</p>
<p class="reference" id="door-pin">${key.pin}</p>
<p>${say(c, "QRコードを読み取る鍵では、こちらをかざしてください。", "For a lock with a QR reader, hold up this code.")}</p>
${raw(qrSvg(key.pin, lang === "ja" ? "暗証番号のQRコード" : "QR code of the door code", { className: "door-qr", size: 160 }))}</section>`
      : html`<p>${say(c, "デジタルキーを発行しています。しばらくしてから再読み込みしてください。", "Your door code is being issued. Reload this page in a moment.")}</p>`
    : ""
}
${
  ["provisional", "confirmed"].includes(booking.status)
    ? html`<p><a href="${base}/booking.ics">${say(c, "カレンダーに追加（.ics）", "Add to your calendar (.ics)")}</a></p>`
    : ""
}
${
  cancellable
    ? html`<section aria-labelledby="cancel-heading"><h2 id="cancel-heading">${say(c, "予約の取消", "Cancel this booking")}</h2>
<p id="refund-preview">${
        paid
          ? say(
              c,
              `今取り消すと、${yen(paid.amount, "ja")}のうち${percent}%の${yen(refund, "ja")}を返金します。`,
              `If you cancel now, ${percent}% of ${yen(paid.amount, "en")} is refunded: ${yen(refund, "en")}.`,
            )
          : say(
              c,
              "お支払い前のため、取り消しても料金はかかりません。",
              "Nothing has been paid, so cancelling costs nothing.",
            )
      }</p>
<p class="meta">${rules.refundTable
        .map((s) =>
          say(
            c,
            `利用日の${s.minDaysBefore}日前まで: ${s.percent}%返金`,
            `${s.minDaysBefore}+ days before: ${s.percent}% refunded`,
          ),
        )
        .join(" / ")} / ${say(c, "それ以降: 返金なし", "later: no refund")}</p>
<form method="post" action="${base}/cancel">${csrfField(c)}
<input type="hidden" name="expected_refund" value="${refund}">
<div class="button-row"><button type="submit" class="button-secondary">${say(c, "予約を取り消す", "Cancel the booking")}</button></div></form></section>`
    : ""
}`,
  });
}

export const myBookingPages = new Hono<AppEnv>()
  .get("/my/bookings", async (c) => {
    const resident = requireResident(c);
    const items = await readResidentBookings({
      db: c.var.services.database.db,
      tenantId: c.var.tenant.id,
      residentId: resident.id,
    });
    const title = say(c, "施設の予約", "Your facility bookings");
    return renderPage(c, {
      title,
      body: html`<h1>${title}</h1>
${
  items.length === 0
    ? html`<p>${say(c, "予約はありません。", "You have no bookings.")} <a href="/facilities">${say(c, "施設を予約する", "Book a facility")}</a></p>`
    : html`<ul class="entry-list">${items.map(
        (item) =>
          html`<li><a class="entry" href="/my/bookings/${item.booking.id}">${place(c, item)}<span class="meta"><br>${formatSlot(item.booking.startsAt, item.booking.endsAt, c.var.lang)} — ${pick(c, bookingStatusLabels[item.booking.status])}</span></a></li>`,
      )}</ul>`
}
<section aria-labelledby="feed-heading"><h2 id="feed-heading">${say(c, "カレンダーと同期", "Sync with your calendar")}</h2>
<p>${say(c, "予約をカレンダーアプリで購読できる、あなた専用のURLを発行します。URLを知っている人は予約を見られるので、他の人に教えないでください。発行し直すと前のURLは使えなくなります。", "Get a private URL your calendar app can subscribe to. Anyone with the URL can see your bookings, so keep it to yourself. A new URL stops the old one.")}</p>
<form method="post" action="/my/bookings/calendar-feed">${csrfField(c)}<div class="button-row"><button type="submit" class="button-secondary">${say(c, "カレンダー用URLを発行する", "Get a calendar URL")}</button></div></form></section>`,
    });
  })
  .post("/my/bookings/calendar-feed", async (c) => {
    const resident = requireResident(c);
    const { path } = await createCalendarFeed({
      db: c.var.services.database.db,
      tenantId: c.var.tenant.id,
      actor: c.var.actor,
      residentId: resident.id,
    });
    const url = `${new URL(c.req.url).origin}${path}`;
    const title = say(c, "カレンダー用URL", "Your calendar URL");
    return renderPage(c, {
      title,
      body: html`<h1>${title}</h1>
<p>${say(c, "このURLをカレンダーアプリの「URLで購読」に登録してください。この画面を離れると再表示できません。", "Add this URL to your calendar app as a subscription. It is not shown again after you leave this page.")}</p>
<p><a id="feed-url" href="${path}">${url}</a></p>
<p><a href="/my/bookings">${say(c, "予約の一覧に戻る", "Back to your bookings")}</a></p>`,
    });
  })
  .get(`/my/bookings/:id${ID}`, (c) =>
    bookingPage(
      c,
      c.req.query("cancelled")
        ? { notice: say(c, "予約を取り消しました。", "The booking was cancelled.") }
        : {},
    ),
  )
  .get(`/my/bookings/:id${ID}/booking.ics`, async (c) => {
    const { detail } = await detailOf(c);
    return calendarResponse(
      c,
      say(c, "施設予約", "Facility booking"),
      [detail],
      `booking-${detail.booking.reference}.ics`,
    );
  })
  .post(`/my/bookings/:id${ID}/cancel`, async (c) => {
    const { resident, detail } = await detailOf(c);
    const get = await formFields(c);
    const expected = Number.parseInt(get("expected_refund"), 10);
    const result = await orProblem(() =>
      cancelBooking({
        db: c.var.services.database.db,
        tenantId: c.var.tenant.id,
        actor: c.var.actor,
        residentId: resident.id,
        bookingId: detail.booking.id,
        expectedRefund: Number.isSafeInteger(expected) ? expected : null,
        requestId: c.var.requestId,
      }),
    );
    if (result instanceof ProblemError) {
      return bookingPage(c, { problem: result });
    }
    return c.redirect(`/my/bookings/${detail.booking.id}?cancelled=1`, 303);
  })
  .post(`/my/bookings/:id${ID}/confirm`, async (c) => {
    const { resident, detail } = await detailOf(c);
    const result = await orProblem(() =>
      confirmFreeBooking({
        db: c.var.services.database.db,
        tenantId: c.var.tenant.id,
        actor: c.var.actor,
        residentId: resident.id,
        bookingId: detail.booking.id,
        requestId: c.var.requestId,
      }),
    );
    if (result instanceof ProblemError) {
      return bookingPage(c, { problem: result });
    }
    return c.redirect(`/my/bookings/${detail.booking.id}`, 303);
  });
