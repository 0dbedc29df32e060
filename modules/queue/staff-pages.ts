import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { tokyoDate } from "../../core/calendar/business-days.ts";
import type { AppEnv } from "../../core/http/app-env.ts";
import { csrfField, renderPage } from "../../core/http/layout.ts";
import { authorizeStaffOn, authorizeStaffScope, currentStaff } from "../../core/http/middleware.ts";
import { ProblemError, problems } from "../../core/http/problem.ts";
import { boardOf, categoryWaits, loadOffice, type OfficeSetup } from "./line.ts";
import { callNextTicket } from "./operations/call-next-ticket.ts";
import { completeTicket } from "./operations/complete-ticket.ts";
import { recallTicket } from "./operations/recall-ticket.ts";
import { requeueTicket } from "./operations/requeue-ticket.ts";
import { skipTicket } from "./operations/skip-ticket.ts";
import { queueProblems } from "./queue-problems.ts";
import { queueOffices, queueTickets } from "./schema.ts";
import { queueStyles } from "./views.ts";

const SLUG = "{[a-z0-9][a-z0-9-]{0,39}}";
/** A ticket id as PostgreSQL writes a uuid; anything else is no ticket of ours (404, not a database error). */
const UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const ID = `{${UUID_PATTERN}}`;

/** The office, if the member may perform `verb` on it (its department's subtree). */
async function officeFor(c: Context<AppEnv>, verb: "queue.ticket.read" | "queue.ticket.call") {
  await currentStaff(c);
  const setup = await loadOffice(c.var.services.database.db, {
    tenantId: c.var.tenant.id,
    slug: c.req.param("office") ?? "",
  });
  if (!setup) {
    throw problems.notFound();
  }
  const staff = await authorizeStaffOn(c, verb, {
    type: "queue_office",
    id: setup.office.id,
    departmentId: setup.office.departmentId,
  });
  return { setup, actor: { type: "staff" as const, id: staff.id } };
}

const named = (lang: "ja" | "en", o: { nameJa: string; nameEn: string }) =>
  lang === "ja" ? o.nameJa : o.nameEn;

/** Every counter with its current ticket and buttons, today's waits, and the tickets staff may put back. */
async function counterPage(c: Context<AppEnv>, setup: OfficeSetup, error: ProblemError | null = null) {
  const { t, lang } = c.var;
  const db = c.var.services.database.db;
  const today = tokyoDate(new Date());
  const board = await boardOf(db, setup, today, 20);
  const waits = await categoryWaits(db, setup, today);
  const skipped = await db
    .select()
    .from(queueTickets)
    .where(
      and(
        eq(queueTickets.officeId, setup.office.id),
        eq(queueTickets.serviceDate, today),
        inArray(queueTickets.status, ["skipped"]),
      ),
    )
    .orderBy(asc(queueTickets.number));
  const base = `/staff/queue/${setup.office.slug}`;
  const categoryOf = (id: string) => setup.categories.find((x) => x.id === id)!;
  const action = (path: string, label: string, extra = html``) =>
    html`<form method="post" action="${base}${path}">${csrfField(c)}${extra}<button type="submit">${label}</button></form>`;
  // What this screen shows at each counter goes with every counter press, so a press made on an outdated
  // screen (a double click, a second member's tab) is refused instead of acting on another ticket.
  const servingField = (counterId: string) => {
    const row = board.rows.find((r) => r.counter.id === counterId);
    return html`<input type="hidden" name="serving" value="${row?.ticket?.id ?? "none"}">`;
  };
  return renderPage(c, {
    title: `${t("queue.staff.title")} - ${named(lang, setup.office)}`,
    status: error?.status ?? 200,
    body: html`${queueStyles}<p class="caption">${t("queue.staff.title")}</p>
<h1>${named(lang, setup.office)}</h1>
${error ? html`<div class="error-summary" role="alert" tabindex="-1"><p>${error.title[lang]}</p></div>` : ""}
${board.rows.map(
  (
    row,
  ) => html`<section class="queue-staff-counter" id="counter-${row.counter.number}" aria-labelledby="counter-${row.counter.number}-h">
<h2 id="counter-${row.counter.number}-h">${t("queue.counterName", { number: row.counter.number })}</h2>
<p>${t("queue.staff.serves")}: ${row.counter.categoryIds.map((id) => `${categoryOf(id).prefix} ${named(lang, categoryOf(id))}`).join("、")}</p>
<p>${t("queue.staff.calling")}: <strong class="queue-number" data-calling>${row.ticket?.displayNumber ?? "—"}</strong></p>
${action(`/counters/${row.counter.number}/call-next`, t("queue.staff.callNext"), servingField(row.counter.id))}
${
  row.ticket
    ? html`${action(`/counters/${row.counter.number}/recall`, t("queue.staff.recall"), servingField(row.counter.id))}
${action(`/counters/${row.counter.number}/complete`, t("queue.staff.complete"), servingField(row.counter.id))}
${action(`/counters/${row.counter.number}/skip`, t("queue.staff.skip"), servingField(row.counter.id))}
${action(`/tickets/${row.ticket.id}/requeue`, t("queue.staff.requeue"))}`
    : ""
}
</section>`,
)}
<h2>${t("queue.office.waitsHeading")}</h2>
<ul>${waits.map(
      (w) =>
        html`<li>${w.category.prefix} ${named(lang, w.category)}: ${t("queue.people", { count: w.waiting })} (${t(
          "queue.minutes",
          { minutes: w.estimatedMinutes },
        )})</li>`,
    )}</ul>
<h2>${t("queue.staff.waitingHeading")}</h2>
${
  board.next.length === 0
    ? html`<p>${t("queue.board.nobody")}</p>`
    : html`<ul>${board.next.map(
        (ticket) => html`<li>${ticket.displayNumber} ${named(lang, categoryOf(ticket.categoryId))}
${setup.counters.map((counter) =>
  action(
    `/tickets/${ticket.id}/call`,
    t("queue.staff.callAt", { number: counter.number, ticket: ticket.displayNumber }),
    html`<input type="hidden" name="counter" value="${counter.number}">${servingField(counter.id)}`,
  ),
)}</li>`,
      )}</ul>`
}
<h2>${t("queue.staff.skippedHeading")}</h2>
${
  skipped.length === 0
    ? html`<p>${t("queue.staff.noneSkipped")}</p>`
    : html`<ul>${skipped.map(
        (ticket) =>
          html`<li>${ticket.displayNumber} ${action(
            `/tickets/${ticket.id}/requeue`,
            t("queue.staff.requeueNumber", { ticket: ticket.displayNumber }),
          )}</li>`,
      )}</ul>`
}
<p><a href="/queue/${setup.office.slug}/board">${t("queue.office.boardLink")}</a></p>`,
  });
}

/** Runs a staff action; a refusal re-renders the page with the reason and its 4xx status. */
async function act(c: Context<AppEnv>, run: (o: Awaited<ReturnType<typeof officeFor>>) => Promise<unknown>) {
  const office = await officeFor(c, "queue.ticket.call");
  try {
    await run(office);
  } catch (error) {
    if (error instanceof ProblemError) {
      return counterPage(c, office.setup, error);
    }
    throw error;
  }
  return c.redirect(`/staff/queue/${office.setup.office.slug}`, 303);
}

const UUID = new RegExp(`^${UUID_PATTERN}$`);

/** The ticket the posting screen showed at the counter: an id, null for "none"; anything else is stale. */
function shownServing(form: Record<string, unknown>): string | null {
  const value = form["serving"];
  if (value === "none") {
    return null;
  }
  if (typeof value === "string" && UUID.test(value)) {
    return value;
  }
  throw queueProblems.staleScreen();
}

async function counterContext(c: Context<AppEnv>, o: Awaited<ReturnType<typeof officeFor>>) {
  return {
    db: c.var.services.database.db,
    tenantId: c.var.tenant.id,
    setup: o.setup,
    counterNumber: Number(c.req.param("counter")),
    expectedServingId: shownServing(await c.req.parseBody()),
    actor: o.actor,
    requestId: c.var.requestId,
  };
}

/** The counter staff's screens (server-rendered): call, recall, finish, mark absent, put back. */
export const queueStaffPages = new Hono<AppEnv>()
  // The offices whose counters this member may see (their department's subtree; all for administrators).
  .get("/staff/queue", async (c) => {
    const { t, lang } = c.var;
    await currentStaff(c);
    const { staff, scope } = await authorizeStaffScope(c, "queue.ticket.read");
    // Settings links only for members who may manage offices (their own departments' ones).
    const manages = c.var.policy.can(staff.role, "queue.office.manage");
    const offices = await c.var.services.database.db
      .select()
      .from(queueOffices)
      .where(
        and(
          eq(queueOffices.tenantId, c.var.tenant.id),
          scope.all
            ? undefined
            : scope.departmentIds.length > 0
              ? inArray(queueOffices.departmentId, [...scope.departmentIds])
              : sql`false`,
        ),
      )
      .orderBy(asc(queueOffices.nameJa));
    return renderPage(c, {
      title: t("queue.staff.offices"),
      body: html`<h1>${t("queue.staff.offices")}</h1>
${
  offices.length === 0
    ? html`<p>${t("queue.staff.noOffices")}</p>`
    : html`<ul>${offices.map(
        (office) =>
          html`<li><a href="/staff/queue/${office.slug}">${named(lang, office)}</a>${
            manages
              ? html` (<a href="/staff/queue/${office.slug}/settings">${t("queue.admin.settingsLink", { office: named(lang, office) })}</a>)`
              : ""
          }</li>`,
      )}</ul>`
}
${manages ? html`<p><a href="/staff/queue/offices/new">${t("queue.admin.newOffice")}</a></p>` : ""}`,
    });
  })
  .get(`/staff/queue/:office${SLUG}`, async (c) => {
    const { setup } = await officeFor(c, "queue.ticket.read");
    c.header("cache-control", "no-store");
    return counterPage(c, setup);
  })
  .post(`/staff/queue/:office${SLUG}/counters/:counter{[0-9]{1,2}}/call-next`, (c) =>
    act(c, async (o) => callNextTicket(await counterContext(c, o))),
  )
  .post(`/staff/queue/:office${SLUG}/counters/:counter{[0-9]{1,2}}/recall`, (c) =>
    act(c, async (o) => recallTicket(await counterContext(c, o))),
  )
  .post(`/staff/queue/:office${SLUG}/counters/:counter{[0-9]{1,2}}/complete`, (c) =>
    act(c, async (o) => completeTicket(await counterContext(c, o))),
  )
  .post(`/staff/queue/:office${SLUG}/counters/:counter{[0-9]{1,2}}/skip`, (c) =>
    act(c, async (o) => skipTicket(await counterContext(c, o))),
  )
  .post(`/staff/queue/:office${SLUG}/tickets/:id${ID}/call`, async (c) => {
    const form = await c.req.parseBody();
    return act(c, (o) =>
      callNextTicket({
        db: c.var.services.database.db,
        tenantId: c.var.tenant.id,
        setup: o.setup,
        counterNumber: Number(form["counter"]),
        expectedServingId: shownServing(form),
        ticketId: c.req.param("id"),
        actor: o.actor,
        requestId: c.var.requestId,
      }),
    );
  })
  .post(`/staff/queue/:office${SLUG}/tickets/:id${ID}/requeue`, (c) =>
    act(c, (o) =>
      requeueTicket({
        db: c.var.services.database.db,
        tenantId: c.var.tenant.id,
        setup: o.setup,
        ticketId: c.req.param("id"),
        actor: o.actor,
        requestId: c.var.requestId,
      }),
    ),
  );
