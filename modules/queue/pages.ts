import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { Hono } from "hono";
import { html, raw } from "hono/html";
import type { AppEnv } from "../../core/http/app-env.ts";
import { errorSummary, inputField } from "../../core/http/forms.ts";
import { csrfField, renderPage } from "../../core/http/layout.ts";
import { clientIp } from "../../core/http/middleware.ts";
import { ProblemError, problems } from "../../core/http/problem.ts";
import { publicOrigin } from "../../core/http/public-origin.ts";
import { consumeRateLimit } from "../../core/identity/rate-limit.ts";
import { qrSvg } from "../../core/qr/qr-code.ts";
import { boardOf, categoryWaits, loadOffice, type OfficeSetup, ticketPlace } from "./line.ts";
import { officeDay } from "./office-hours.ts";
import { cancelTicket } from "./operations/cancel-ticket.ts";
import { issueTicket } from "./operations/issue-ticket.ts";
import { queueProblems } from "./queue-problems.ts";
import { type QueueTicket, queueOffices, queueTickets } from "./schema.ts";
import { liveRegion, queueCss, queueLiveScript, queueStyles } from "./views.ts";

const SLUG = "{[a-z0-9][a-z0-9-]{0,39}}";
const TOKEN = "{[A-Za-z0-9_-]{32,64}}";
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Tickets one client address may take online in the window: enough for a family or a shared office
 * network, too few to flood a line. The kiosk is one device and is not counted. */
export const ONLINE_TICKETS_PER_IP = 10;
export const ONLINE_TICKET_WINDOW_SECONDS = 15 * 60;

async function officeOf(c: Context<AppEnv>): Promise<OfficeSetup> {
  const setup = await loadOffice(c.var.services.database.db, {
    tenantId: c.var.tenant.id,
    slug: c.req.param("office") ?? "",
  });
  if (!setup) {
    throw problems.notFound();
  }
  return setup;
}

const named = (lang: "ja" | "en", o: { nameJa: string; nameEn: string }) =>
  lang === "ja" ? o.nameJa : o.nameEn;

/** The office's page: today's waits per category and, while open, the form to take a ticket online. */
async function officePage(
  c: Context<AppEnv>,
  setup: OfficeSetup,
  view: { errors: Record<string, string>; email?: string; category?: string; status?: number },
) {
  const { t, lang } = c.var;
  const db = c.var.services.database.db;
  const day = officeDay(setup.office, c.var.tenant.settings, new Date());
  const waits = await categoryWaits(db, setup, day.date);
  const signedIn = c.var.resident != null;
  const title = named(lang, setup.office);
  const base = `/queue/${setup.office.slug}`;
  // The form's idempotency key is for one visitor: a cached copy would hand the next one the same ticket.
  c.header("cache-control", "no-store");
  return renderPage(c, {
    title: `${Object.keys(view.errors).length > 0 ? `${t("queue.errorPrefix")} ` : ""}${title}`,
    status: view.status ?? 200,
    body: html`${queueStyles}<p class="caption">${t("queue.caption")}</p>
<h1>${title}</h1>
${errorSummary(t("queue.errorTitle"), view.errors)}
<h2>${t("queue.office.waitsHeading")}</h2>
<table class="queue-waits">
<thead><tr><th scope="col">${t("queue.category")}</th><th scope="col">${t("queue.office.waiting")}</th><th scope="col">${t("queue.office.estimate")}</th></tr></thead>
<tbody>${waits.map(
      (w) =>
        html`<tr><th scope="row">${w.category.prefix} ${named(lang, w.category)}</th><td>${t("queue.people", {
          count: w.waiting,
        })}</td><td>${t("queue.minutes", { minutes: w.estimatedMinutes })}</td></tr>`,
    )}</tbody>
</table>
<p><a href="${base}/board">${t("queue.office.boardLink")}</a></p>
${
  day.open
    ? html`<h2>${t("queue.office.takeHeading")}</h2>
<form method="post" action="${base}/tickets" novalidate>${csrfField(c)}
<input type="hidden" name="_idempotency" value="${randomUUID()}">
<fieldset class="field${view.errors["category"] ? " field-invalid" : ""}"><legend>${t("queue.office.chooseCategory")}</legend>
${view.errors["category"] ? html`<span class="field-error" id="f-category-error">${view.errors["category"]}</span>` : ""}
${setup.categories.map(
  (category, i) =>
    html`<div class="check"><input type="radio" name="category" value="${category.prefix}" id="${
      i === 0 ? "f-category" : `f-category-${category.prefix}`
    }"${view.category === category.prefix ? " checked" : ""}><label for="${
      i === 0 ? "f-category" : `f-category-${category.prefix}`
    }">${category.prefix} ${named(lang, category)}</label></div>`,
)}
</fieldset>
${
  signedIn
    ? html`<p>${t("queue.office.signedInNotice")}</p>`
    : html`${inputField({
        name: "email",
        label: t("queue.office.email"),
        type: "email",
        autocomplete: "email",
        value: view.email ?? "",
        hint: t("queue.office.emailHint"),
        ...(view.errors["email"] ? { error: view.errors["email"] } : {}),
      })}<p><a href="/sign-in?return=${encodeURIComponent(base)}">${t("queue.office.signInForNotice")}</a></p>`
}
<div class="button-row"><button type="submit">${t("queue.office.take")}</button></div>
</form>`
    : html`<div class="notice" role="status"><p>${queueProblems.officeClosed(day.reason).title[lang]}</p></div>`
}`,
  });
}

function kioskPage(c: Context<AppEnv>, setup: OfficeSetup, error: ProblemError | null = null) {
  const { t, lang } = c.var;
  const base = `/queue/${setup.office.slug}/kiosk`;
  c.header("cache-control", "no-store");
  return renderPage(c, {
    title: `${t("queue.kiosk.title")} - ${named(lang, setup.office)}`,
    status: error?.status ?? 200,
    body: html`${queueStyles}<h1>${named(lang, setup.office)}</h1>
${error ? html`<div class="error-summary" role="alert"><p>${error.title[lang]}</p></div>` : ""}
<p class="lead">${t("queue.kiosk.lead")}</p>
<form method="post" action="${base}">${csrfField(c)}
<input type="hidden" name="_idempotency" value="${randomUUID()}">
<ul class="queue-kiosk">${setup.categories.map(
      (category) =>
        html`<li><button type="submit" name="category" value="${category.prefix}">${category.prefix} ${named(
          lang,
          category,
        )}</button></li>`,
    )}</ul>
</form>`,
  });
}

const statusKey: Record<QueueTicket["status"], string> = {
  waiting: "queue.status.waiting",
  called: "queue.status.called",
  done: "queue.status.done",
  skipped: "queue.status.skipped",
  cancelled: "queue.status.cancelled",
};

async function ticketOf(c: Context<AppEnv>): Promise<{ ticket: QueueTicket; setup: OfficeSetup }> {
  const db = c.var.services.database.db;
  const [ticket] = await db
    .select()
    .from(queueTickets)
    .where(
      and(eq(queueTickets.token, c.req.param("token") ?? ""), eq(queueTickets.tenantId, c.var.tenant.id)),
    );
  if (!ticket) {
    throw problems.notFound();
  }
  const [office] = await db.select().from(queueOffices).where(eq(queueOffices.id, ticket.officeId));
  const setup = await loadOffice(db, { tenantId: ticket.tenantId, slug: office!.slug });
  return { ticket, setup: setup! };
}

/** The ticket's live page: number, place in line, estimate, the counter to go to, and cancel. */
async function ticketPage(
  c: Context<AppEnv>,
  ticket: QueueTicket,
  setup: OfficeSetup,
  error: ProblemError | null = null,
) {
  const { t, lang } = c.var;
  const category = setup.categories.find((x) => x.id === ticket.categoryId)!;
  const counter = setup.counters.find((x) => x.id === ticket.counterId);
  const place =
    ticket.status === "waiting" ? await ticketPlace(c.var.services.database.db, setup, ticket) : null;
  const auto = c.req.query("auto") !== "off" && (ticket.status === "waiting" || ticket.status === "called");
  const path = `/queue/t/${ticket.token}`;
  const statusUrl = `${publicOrigin(c)}${path}`;
  c.header("cache-control", "no-store");
  c.header("referrer-policy", "no-referrer");
  const live = html`${
    ticket.status === "called" && counter
      ? html`<p class="queue-called">${t("queue.status.goTo", { counter: counter.number })}</p>`
      : ""
  }<dl class="summary">
<div><dt>${t("queue.status.state")}</dt><dd>${t(statusKey[ticket.status])}</dd></div>
${
  place
    ? html`<div><dt>${t("queue.status.ahead")}</dt><dd>${t("queue.people", { count: place.ahead })}</dd></div>
<div><dt>${t("queue.status.estimate")}</dt><dd>${t("queue.minutes", { minutes: place.estimatedMinutes })}</dd></div>`
    : ""
}
</dl>`;
  return renderPage(c, {
    title: `${t("queue.ticket.title")} ${ticket.displayNumber}`,
    status: error?.status ?? 200,
    body: html`${queueStyles}<p class="caption">${named(lang, setup.office)}</p>
<h1>${t("queue.ticket.title")} <span class="queue-number">${ticket.displayNumber}</span></h1>
${error ? html`<div class="error-summary" role="alert"><p>${error.title[lang]}</p></div>` : ""}
<p>${t("queue.category")}: ${category.prefix} ${named(lang, category)}</p>
${liveRegion(live, { seconds: 20, auto, label: t("queue.status.liveLabel") })}
<p><a href="${path}">${t("queue.status.reload")}</a>${
      auto ? html` · <a href="${path}?auto=off">${t("queue.status.stopAuto")}</a>` : ""
    }</p>
${
  ticket.status === "waiting"
    ? html`<form method="post" action="${path}/cancel">${csrfField(c)}
<div class="button-row"><button type="submit" class="button-secondary">${t("queue.status.cancel")}</button></div></form>`
    : ""
}
<details><summary>${t("queue.ticket.qrSummary")}</summary>${raw(qrSvg(statusUrl, t("queue.ticket.qrLabel")))}</details>`,
  });
}

export const queuePages = new Hono<AppEnv>()
  .get("/assets/queue.css", (c) =>
    c.body(queueCss, 200, {
      "content-type": "text/css; charset=utf-8",
      "cache-control": "public, max-age=300",
    }),
  )
  .get("/assets/queue-live.js", (c) =>
    c.body(queueLiveScript, 200, {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "public, max-age=300",
    }),
  )
  .get(`/queue/:office${SLUG}`, async (c) => officePage(c, await officeOf(c), { errors: {} }))
  .post(`/queue/:office${SLUG}/tickets`, async (c) => {
    const setup = await officeOf(c);
    const { t, lang } = c.var;
    const form = await c.req.parseBody();
    const category = typeof form["category"] === "string" ? form["category"] : "";
    const email = typeof form["email"] === "string" ? form["email"].trim() : "";
    const key = typeof form["_idempotency"] === "string" ? form["_idempotency"].slice(0, 100) : "";
    const errors: Record<string, string> = {};
    if (!category) {
      errors["category"] = t("queue.office.categoryMissing");
    }
    if (email && !EMAIL.test(email)) {
      errors["email"] = queueProblems.invalidEmail().title[lang];
    }
    if (Object.keys(errors).length > 0) {
      return officePage(c, setup, { errors, email, category, status: 400 });
    }
    const resident = c.var.resident;
    const ip = clientIp(c);
    try {
      if (
        ip !== null &&
        !(await consumeRateLimit(c.var.services.database.db, {
          key: `queue-online-ip:${c.var.tenant.id}:${ip}`,
          limit: ONLINE_TICKETS_PER_IP,
          windowSeconds: ONLINE_TICKET_WINDOW_SECONDS,
        }))
      ) {
        throw queueProblems.tooManyTickets(ONLINE_TICKET_WINDOW_SECONDS);
      }
      const { ticket } = await issueTicket({
        db: c.var.services.database.db,
        tenant: c.var.tenant,
        setup,
        categoryPrefix: category,
        channel: "online",
        residentId: resident?.id ?? null,
        guestEmail: email || null,
        language: lang,
        origin: publicOrigin(c),
        idempotencyKey: key || null,
        actor: resident ? { type: "resident", id: resident.id } : { type: "guest", id: null },
        requestId: c.var.requestId,
      });
      return c.redirect(`/queue/t/${ticket.token}`, 303);
    } catch (error) {
      if (error instanceof ProblemError) {
        for (const [name, value] of Object.entries(error.extra.headers ?? {})) {
          c.header(name, value);
        }
        return officePage(c, setup, {
          errors: { category: error.title[lang] },
          email,
          category,
          status: error.status,
        });
      }
      throw error;
    }
  })
  .get(`/queue/:office${SLUG}/kiosk`, async (c) => kioskPage(c, await officeOf(c)))
  .post(`/queue/:office${SLUG}/kiosk`, async (c) => {
    const setup = await officeOf(c);
    const form = await c.req.parseBody();
    try {
      const { ticket } = await issueTicket({
        db: c.var.services.database.db,
        tenant: c.var.tenant,
        setup,
        categoryPrefix: typeof form["category"] === "string" ? form["category"] : "",
        channel: "kiosk",
        residentId: null,
        guestEmail: null,
        language: c.var.lang,
        origin: publicOrigin(c),
        idempotencyKey: typeof form["_idempotency"] === "string" ? form["_idempotency"].slice(0, 100) : null,
        actor: { type: "guest", id: null },
        requestId: c.var.requestId,
      });
      return c.redirect(`/queue/${setup.office.slug}/kiosk/tickets/${ticket.token}`, 303);
    } catch (error) {
      if (error instanceof ProblemError) {
        return kioskPage(c, setup, error);
      }
      throw error;
    }
  })
  .get(`/queue/:office${SLUG}/kiosk/tickets/:token${TOKEN}`, async (c) => {
    const { t, lang } = c.var;
    const { ticket, setup } = await ticketOf(c);
    if (setup.office.slug !== c.req.param("office")) {
      throw problems.notFound();
    }
    const category = setup.categories.find((x) => x.id === ticket.categoryId)!;
    const place = await ticketPlace(c.var.services.database.db, setup, ticket);
    const statusUrl = `${publicOrigin(c)}/queue/t/${ticket.token}`;
    // The kiosk goes back to its buttons for the next person after a while.
    c.header("refresh", `30; url=/queue/${setup.office.slug}/kiosk`);
    c.header("cache-control", "no-store");
    c.header("referrer-policy", "no-referrer");
    return renderPage(c, {
      title: `${t("queue.ticket.title")} ${ticket.displayNumber}`,
      body: html`${queueStyles}<p class="caption">${named(lang, setup.office)}</p>
<h1>${t("queue.ticket.title")} <span class="queue-number">${ticket.displayNumber}</span></h1>
<p>${t("queue.category")}: ${category.prefix} ${named(lang, category)}</p>
<p>${t("queue.status.ahead")}: ${t("queue.people", { count: place.ahead })} · ${t("queue.status.estimate")}: ${t(
        "queue.minutes",
        { minutes: place.estimatedMinutes },
      )}</p>
${raw(qrSvg(statusUrl, t("queue.ticket.qrLabel")))}
<p>${t("queue.kiosk.scan")}</p>
<p class="button-row"><a class="button" href="/queue/${setup.office.slug}/kiosk">${t("queue.kiosk.next")}</a></p>`,
    });
  })
  .get(`/queue/:office${SLUG}/board`, async (c) => {
    const { t, lang } = c.var;
    const setup = await officeOf(c);
    const db = c.var.services.database.db;
    const day = officeDay(setup.office, c.var.tenant.settings, new Date());
    const board = await boardOf(db, setup, day.date);
    const live = html`<div class="queue-board">
<h2>${t("queue.board.calling")}</h2>
<table><thead><tr><th scope="col">${t("queue.board.counter")}</th><th scope="col">${t("queue.board.number")}</th></tr></thead>
<tbody>${board.rows.map(
      (row) =>
        html`<tr><th scope="row">${t("queue.counterName", { number: row.counter.number })}</th><td class="queue-board-number">${
          row.ticket?.displayNumber ?? "—"
        }</td></tr>`,
    )}</tbody></table>
<h2>${t("queue.board.next")}</h2>
${
  board.next.length > 0
    ? html`<ul>${board.next.map((ticket) => html`<li>${ticket.displayNumber}</li>`)}</ul>`
    : html`<p>${t("queue.board.nobody")}</p>`
}
</div>`;
    return renderPage(c, {
      title: `${t("queue.board.title")} - ${named(lang, setup.office)}`,
      body: html`${queueStyles}<h1>${named(lang, setup.office)} ${t("queue.board.title")}</h1>
${liveRegion(live, { seconds: 10, auto: c.req.query("auto") !== "off", label: t("queue.board.title") })}`,
    });
  })
  .get(`/queue/t/:token${TOKEN}`, async (c) => {
    const { ticket, setup } = await ticketOf(c);
    return ticketPage(c, ticket, setup);
  })
  .post(`/queue/t/:token${TOKEN}/cancel`, async (c) => {
    const { ticket, setup } = await ticketOf(c);
    const resident = c.var.resident;
    try {
      await cancelTicket({
        db: c.var.services.database.db,
        tenantId: c.var.tenant.id,
        token: ticket.token,
        actor: resident ? { type: "resident", id: resident.id } : { type: "guest", id: null },
        requestId: c.var.requestId,
      });
      return c.redirect(`/queue/t/${ticket.token}`, 303);
    } catch (error) {
      if (error instanceof ProblemError) {
        return ticketPage(c, ticket, setup, error);
      }
      throw error;
    }
  });
