import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { recordAudit } from "../../core/audit/record-audit.ts";
import { encodeCsv } from "../../core/exports/csv.ts";
import type { AppEnv } from "../../core/http/app-env.ts";
import { contentDisposition } from "../../core/http/content-disposition.ts";
import { errorSummary, inputField } from "../../core/http/forms.ts";
import { csrfField, renderPage } from "../../core/http/layout.ts";
import { authorizeStaff, clientIp, type StaffMember } from "../../core/http/middleware.ts";
import { ProblemError, problems } from "../../core/http/problem.ts";
import { publicOrigin } from "../../core/http/public-origin.ts";
import { type FacilitySlot, listFacilityUnits, listUnitSlots } from "../facilities/index.ts";
import { createRound, type RoundRules } from "./operations/create-round.ts";
import { releaseLeftovers } from "./operations/release-leftovers.ts";
import { runRoundDraw } from "./operations/run-draw.ts";
import { tierLabel } from "./pages.ts";
import { breakable, roundPhase, roundTitle, slotLabel, tokyoDateTime } from "./presenters.ts";
import { entriesOfRound, findRound, listRounds, slotsOfRound } from "./queries.ts";
import type { Round } from "./schema.ts";

const ID = "{[0-9a-f-]{36}}";
const READ = "lottery.round.read";
const MANAGE = "lottery.round.manage";

/** "2026-12-01T09:00" typed in Tokyo time; anything else is not a time. */
function tokyoInput(value: string): Date {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? new Date(`${value}:00+09:00`) : new Date(Number.NaN);
}

/** The value a datetime-local input shows for a moment, in Tokyo time. */
function tokyoInputValue(at: Date): string {
  return new Date(at.getTime() + 9 * 3600_000).toISOString().slice(0, 16);
}

function isoDate(at: Date): string {
  return new Date(at.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
}

type NewRoundForm = Record<string, string> & { unitId: string; from: string; to: string };

function defaultForm(c: Context<AppEnv>): NewRoundForm {
  const now = new Date();
  const day = 24 * 3600_000;
  const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  const endOfNextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 0));
  return {
    unitId: c.req.query("unitId") ?? "",
    from: c.req.query("from") ?? isoDate(nextMonth),
    to: c.req.query("to") ?? isoDate(endOfNextMonth),
    titleJa: "",
    titleEn: "",
    opensAt: tokyoInputValue(new Date(Math.ceil(now.getTime() / 3600_000) * 3600_000)),
    closesAt: tokyoInputValue(new Date(now.getTime() + 7 * day)),
    drawAt: tokyoInputValue(new Date(now.getTime() + 8 * day)),
    confirmBy: tokyoInputValue(new Date(now.getTime() + 15 * day)),
    firstComeAt: tokyoInputValue(new Date(now.getTime() + 16 * day)),
    maxEntries: "8",
    maxWins: "1",
    choices: "3",
    promotionDays: "3",
    tiers: "resident\nnon_resident",
  };
}

async function newRoundPage(
  c: Context<AppEnv>,
  form: NewRoundForm,
  chosen: Set<string>,
  errors: Record<string, string>,
  status = 200,
) {
  const { t, lang } = c.var;
  const db = c.var.services.database.db;
  const units = await listFacilityUnits(db, { tenantId: c.var.tenant.id });
  const unit = units.find((u) => u.id === form.unitId);
  const dated = /^\d{4}-\d{2}-\d{2}$/;
  const blocks =
    unit && dated.test(form.from) && dated.test(form.to)
      ? await listUnitSlots(db, { tenantId: c.var.tenant.id, unitId: unit.id, from: form.from, to: form.to })
      : [];
  const unitName = (u: (typeof units)[number]) =>
    `${lang === "ja" ? u.facilityName.ja : u.facilityName.en} ${lang === "ja" ? u.name.ja : u.name.en}`;
  const field = (name: string, label: string, type: "text" | "number" = "text") =>
    inputField({ name, label, value: form[name] ?? "", type, error: errors[name] });
  const timeField = (name: string, label: string) =>
    html`<div class="field"><label for="f-${name}">${label}</label>
<input id="f-${name}" name="${name}" type="datetime-local" value="${form[name] ?? ""}"></div>`;
  return renderPage(c, {
    title: t("lottery.staff.new"),
    status,
    body: html`<p><a class="back-link" href="/staff/lottery">${t("lottery.staff.title")}</a></p>
<h1>${t("lottery.staff.new")}</h1>
${errorSummary(t("lottery.staff.errorTitle"), errors)}
<form method="get" action="/staff/lottery/new">
<h2>${t("lottery.staff.pickUnit")}</h2>
<div class="field"><label for="f-unitId">${t("lottery.staff.unit")}</label>
<select id="f-unitId" name="unitId">${units.map(
      (u) => html`<option value="${u.id}"${u.id === form.unitId ? " selected" : ""}>${unitName(u)}</option>`,
    )}</select></div>
${inputField({ name: "from", label: t("lottery.staff.from"), type: "date", value: form.from })}
${inputField({ name: "to", label: t("lottery.staff.to"), type: "date", value: form.to })}
<div class="button-row"><button type="submit" class="button-secondary">${t("lottery.staff.showSlots")}</button></div>
</form>
${
  unit
    ? html`<form method="post" action="/staff/lottery">${csrfField(c)}
<input type="hidden" name="unitId" value="${unit.id}"><input type="hidden" name="from" value="${form.from}"><input type="hidden" name="to" value="${form.to}">
<fieldset class="field" id="f-slots"><legend>${t("lottery.staff.slotsLegend")}: ${unitName(unit)}</legend>
${blocks.map((block, i) => {
  const value = `${block.startsAt.toISOString()}/${block.endsAt.toISOString()}`;
  const label = slotLabel(
    { startsAt: block.startsAt, endsAt: block.endsAt, labelJa: block.label.ja, labelEn: block.label.en },
    lang,
  );
  return html`<div class="check"><input type="checkbox" id="f-slot-${i}" name="slot" value="${value}"${
    chosen.has(value) ? " checked" : ""
  }${block.state === "taken" ? " disabled" : ""}><label for="f-slot-${i}">${label}${
    block.state === "taken" ? ` (${t("lottery.staff.taken")})` : ""
  }</label></div>`;
})}
</fieldset>
${field("titleJa", t("lottery.staff.titleJa"))}
${field("titleEn", t("lottery.staff.titleEn"))}
${timeField("opensAt", t("lottery.staff.opensAt"))}
${timeField("closesAt", t("lottery.staff.closesAt"))}
${timeField("drawAt", t("lottery.staff.drawAt"))}
${timeField("confirmBy", t("lottery.staff.confirmBy"))}
${timeField("firstComeAt", t("lottery.staff.firstComeAt"))}
${field("maxEntries", t("lottery.staff.maxEntries"), "number")}
${field("maxWins", t("lottery.staff.maxWins"), "number")}
${field("choices", t("lottery.staff.choices"), "number")}
${field("promotionDays", t("lottery.staff.promotionDays"), "number")}
<div class="field"><label for="f-tiers">${t("lottery.staff.tiers")}</label>
<textarea id="f-tiers" name="tiers" rows="3">${form["tiers"] ?? ""}</textarea></div>
<div class="button-row"><button type="submit">${t("lottery.staff.create")}</button></div>
</form>`
    : ""
}`,
  });
}

async function roundOr404(c: Context<AppEnv>, id: string): Promise<Round> {
  const round = await findRound(c.var.services.database.db, c.var.tenant.id, id);
  if (!round) {
    throw problems.notFound();
  }
  return round;
}

async function roundPage(
  c: Context<AppEnv>,
  staff: StaffMember,
  round: Round,
  view: { error?: string; status?: number } = {},
): Promise<Response> {
  const { t, lang } = c.var;
  const db = c.var.services.database.db;
  const roundSlots = await slotsOfRound(db, round.id);
  const all = await entriesOfRound(db, { tenantId: round.tenantId, roundId: round.id });
  // Entrants' names are personal data: the read is recorded.
  await recordAudit(db, {
    tenantId: round.tenantId,
    actor: { type: "staff", id: staff.id },
    action: "lottery.entries.read",
    resource: { type: "lottery_round", id: round.id },
    after: { entries: all.length },
    requestId: c.var.requestId,
    ip: clientIp(c),
  });
  const canManage = c.var.policy.can(staff.role, MANAGE);
  const phase = roundPhase(round, new Date());
  const done = c.req.query("done");
  const slotName = new Map(roundSlots.map((s) => [s.id, slotLabel(s, lang)]));
  const allWins = all.flatMap((entry) => entry.won.map((win) => ({ win, entry })));
  return renderPage(c, {
    title: roundTitle(round, lang),
    status: view.status ?? 200,
    body: html`<p><a class="back-link" href="/staff/lottery">${t("lottery.staff.title")}</a></p>
<h1>${roundTitle(round, lang)}</h1>
${view.error ? html`<div class="error-summary" role="alert"><p>${view.error}</p></div>` : ""}
${done === "drawn" ? html`<div class="panel-done" role="status"><p>${t("lottery.staff.drawn")}</p></div>` : ""}
${
  done?.startsWith("released-")
    ? html`<div class="panel-done" role="status"><p>${t("lottery.staff.released", { count: done.slice(9) })}</p></div>`
    : ""
}
<dl class="summary">
<div><dt>${t("lottery.status")}</dt><dd>${t(`lottery.phase.${phase}`)}</dd></div>
<div><dt>${t("lottery.round.period")}</dt><dd>${t("lottery.round.periodValue", {
      from: tokyoDateTime(round.applicationsOpenAt, lang),
      to: tokyoDateTime(round.applicationsCloseAt, lang),
    })}</dd></div>
<div><dt>${t("lottery.round.drawAt")}</dt><dd>${tokyoDateTime(round.drawAt, lang)}</dd></div>
<div><dt>${t("lottery.round.confirmBy")}</dt><dd>${tokyoDateTime(round.confirmBy, lang)}</dd></div>
<div><dt>${t("lottery.round.firstComeAt")}</dt><dd>${tokyoDateTime(round.firstComeAt, lang)}</dd></div>
<div><dt>${t("lottery.staff.promotionDays")}</dt><dd>${round.promotionConfirmDays}</dd></div>
<div><dt>${t("lottery.round.tiers")}</dt><dd>${round.priorityTiers.map((tier, i) => `${i + 1}: ${tierLabel(c, tier)}`).join("、")}</dd></div>
<div><dt>${t("lottery.round.seedHash")}</dt><dd><code>${breakable(round.seedHash)}</code></dd></div>
</dl>
<p><a href="/lottery/${round.id}">/lottery/${round.id}</a> · <a href="/lottery/${round.id}/draw">${t("lottery.round.drawRecord")}</a>${
      round.status === "accepting"
        ? ""
        : html` · <a href="/lottery/${round.id}/promotions">${t("lottery.staff.promotions")}</a>`
    }</p>
${
  canManage && round.status === "accepting"
    ? html`<form method="post" action="/staff/lottery/${round.id}/draw">${csrfField(c)}
<p class="hint">${t("lottery.staff.drawHint")}</p>
<div class="button-row"><button type="submit">${t("lottery.staff.draw")}</button></div></form>`
    : ""
}
${
  canManage && round.status === "drawn"
    ? html`<form method="post" action="/staff/lottery/${round.id}/release">${csrfField(c)}
<div class="button-row"><button type="submit" class="button-secondary">${t("lottery.staff.release")}</button></div></form>`
    : ""
}
<p><a class="button button-secondary" href="/staff/lottery/${round.id}/export.csv">${t("lottery.staff.export")}</a></p>
<h2>${t("lottery.staff.entriesPerSlot")}</h2>
<ul>${roundSlots.map(
      (slot) =>
        html`<li>${slotLabel(slot, lang)}: ${t("lottery.staff.entryCount", {
          first: all.filter((e) => e.choiceIds[0] === slot.id).length,
          all: all.filter((e) => e.choiceIds.includes(slot.id)).length,
        })}</li>`,
    )}</ul>
<h2>${t("lottery.staff.entries")} (${all.length})</h2>
<ol>${all.map(
      (entry) => html`<li><code>${entry.id}</code> ${entry.residentName}${
        entry.groupId ? ` [${entry.applicantKey}]` : ""
      } · ${entry.userCategory} · ${t("lottery.tier", { n: entry.tier + 1 })}
<ol>${entry.choiceIds.map((id) => html`<li>${slotName.get(id) ?? id}</li>`)}</ol></li>`,
    )}</ol>
${
  round.status === "accepting"
    ? ""
    : html`<h2>${t("lottery.staff.results")}</h2>
<ul id="lottery-results">${allWins.map(
        ({ win, entry }) =>
          html`<li>${slotName.get(win.slotId) ?? win.slotId}: ${entry.residentName} (<code>${entry.id}</code>) · ${t(
            `lottery.staff.winStatus.${win.status}`,
          )}</li>`,
      )}</ul>`
}`,
  });
}

function asProblem(error: unknown): ProblemError {
  if (error instanceof ProblemError) {
    return error;
  }
  throw error;
}

/** Staff screens: create a round over facility slots, follow entries, run the draw, release, export. */
export const lotteryStaffPages = new Hono<AppEnv>()
  .get("/staff/lottery", async (c) => {
    const staff = await authorizeStaff(c, READ);
    const { t, lang } = c.var;
    const all = await listRounds(c.var.services.database.db, c.var.tenant.id);
    const now = new Date();
    return renderPage(c, {
      title: t("lottery.staff.title"),
      body: html`<h1>${t("lottery.staff.title")}</h1>
${c.var.policy.can(staff.role, MANAGE) ? html`<p><a class="button" href="/staff/lottery/new">${t("lottery.staff.new")}</a></p>` : ""}
<ul class="entry-list">${all.map(
        (round) => html`<li class="entry"><a href="/staff/lottery/${round.id}">${roundTitle(round, lang)}</a>
<p class="meta">${t(`lottery.phase.${roundPhase(round, now)}`)} · ${tokyoDateTime(round.drawAt, lang)}</p></li>`,
      )}</ul>`,
    });
  })
  .get("/staff/lottery/new", async (c) => {
    await authorizeStaff(c, MANAGE);
    return newRoundPage(c, defaultForm(c), new Set(), {});
  })
  .post("/staff/lottery", async (c) => {
    const staff = await authorizeStaff(c, MANAGE);
    const body = await c.req.parseBody({ all: true });
    const text = (name: string) => (typeof body[name] === "string" ? (body[name] as string) : "");
    const rawSlots = body["slot"];
    const chosen = (Array.isArray(rawSlots) ? rawSlots : rawSlots === undefined ? [] : [rawSlots]).filter(
      (v): v is string => typeof v === "string",
    );
    const form: NewRoundForm = {
      unitId: text("unitId"),
      from: text("from"),
      to: text("to"),
      ...Object.fromEntries(
        [
          "titleJa",
          "titleEn",
          "opensAt",
          "closesAt",
          "drawAt",
          "confirmBy",
          "firstComeAt",
          "maxEntries",
          "maxWins",
          "choices",
          "promotionDays",
          "tiers",
        ].map((name) => [name, text(name)]),
      ),
    };
    const slots: FacilitySlot[] = chosen.map((value) => {
      const [startsAt = "", endsAt = ""] = value.split("/");
      return { unitId: form.unitId, startsAt: new Date(startsAt), endsAt: new Date(endsAt) };
    });
    const rules: RoundRules = {
      title: { ja: form["titleJa"] ?? "", en: form["titleEn"] ?? "" },
      applicationsOpenAt: tokyoInput(form["opensAt"] ?? ""),
      applicationsCloseAt: tokyoInput(form["closesAt"] ?? ""),
      drawAt: tokyoInput(form["drawAt"] ?? ""),
      confirmBy: tokyoInput(form["confirmBy"] ?? ""),
      firstComeAt: tokyoInput(form["firstComeAt"] ?? ""),
      maxEntriesPerApplicant: Number(form["maxEntries"]),
      maxWinsPerApplicant: Number(form["maxWins"]),
      choicesPerEntry: Number(form["choices"]),
      promotionConfirmDays: Number(form["promotionDays"]),
      priorityTiers: (form["tiers"] ?? "")
        .split(/\r?\n/)
        .map((line) =>
          line
            .split(/[,、]/)
            .map((category) => category.trim())
            .filter(Boolean),
        )
        .filter((tier) => tier.length > 0),
    };
    if (slots.some((s) => Number.isNaN(s.startsAt.getTime()) || Number.isNaN(s.endsAt.getTime()))) {
      return newRoundPage(c, form, new Set(chosen), { slots: c.var.t("lottery.staff.slotsLegend") }, 400);
    }
    try {
      const round = await c.var.services.database.db.transaction((tx) =>
        createRound({
          tx,
          tenantId: c.var.tenant.id,
          actor: { type: "staff", id: staff.id },
          rules,
          slots,
          requestId: c.var.requestId,
        }),
      );
      return c.redirect(`/staff/lottery/${round.id}`, 303);
    } catch (error) {
      const problem = asProblem(error);
      return newRoundPage(c, form, new Set(chosen), { slots: problem.title[c.var.lang] }, problem.status);
    }
  })
  .get(`/staff/lottery/:id${ID}`, async (c) => {
    const staff = await authorizeStaff(c, READ);
    return roundPage(c, staff, await roundOr404(c, c.req.param("id")));
  })
  .post(`/staff/lottery/:id${ID}/draw`, async (c) => {
    const staff = await authorizeStaff(c, MANAGE);
    const round = await roundOr404(c, c.req.param("id"));
    try {
      await c.var.services.database.db.transaction((tx) =>
        runRoundDraw({
          tx,
          tenantId: c.var.tenant.id,
          actor: { type: "staff", id: staff.id },
          roundId: round.id,
          now: new Date(),
          origin: publicOrigin(c),
          requestId: c.var.requestId,
        }),
      );
    } catch (error) {
      const problem = asProblem(error);
      return roundPage(c, staff, round, { error: problem.title[c.var.lang], status: problem.status });
    }
    return c.redirect(`/staff/lottery/${round.id}?done=drawn`, 303);
  })
  .post(`/staff/lottery/:id${ID}/release`, async (c) => {
    const staff = await authorizeStaff(c, MANAGE);
    const round = await roundOr404(c, c.req.param("id"));
    let released: number;
    try {
      ({ released } = await c.var.services.database.db.transaction((tx) =>
        releaseLeftovers({
          tx,
          tenantId: c.var.tenant.id,
          actor: { type: "staff", id: staff.id },
          roundId: round.id,
          now: new Date(),
          requestId: c.var.requestId,
        }),
      ));
    } catch (error) {
      const problem = asProblem(error);
      return roundPage(c, staff, round, { error: problem.title[c.var.lang], status: problem.status });
    }
    return c.redirect(`/staff/lottery/${round.id}?done=released-${released}`, 303);
  })
  .get(`/staff/lottery/:id${ID}/export.csv`, async (c) => {
    const staff = await authorizeStaff(c, READ);
    const round = await roundOr404(c, c.req.param("id"));
    const db = c.var.services.database.db;
    const roundSlots = await slotsOfRound(db, round.id);
    const slotName = new Map(roundSlots.map((s) => [s.id, slotLabel(s, "ja")]));
    const all = await entriesOfRound(db, { tenantId: round.tenantId, roundId: round.id });
    const steps = round.publishedDraw?.log ?? [];
    const rows = all.flatMap((entry) =>
      entry.choiceIds.map((slotId, i) => {
        const step = steps.find((s) => s.entry === entry.id && s.rank === i + 1);
        const win = entry.won.find((w) => w.slotId === slotId);
        return [
          round.id,
          entry.id,
          entry.residentName,
          entry.groupId ?? "",
          entry.userCategory,
          entry.tier + 1,
          entry.createdAt.toISOString(),
          i + 1,
          slotId,
          slotName.get(slotId) ?? "",
          step?.step ?? null,
          step ? step.outcome : "",
          step?.reason ?? "",
          win?.bookingId ?? "",
          win?.status ?? "",
        ];
      }),
    );
    const { bytes } = encodeCsv({
      header: [
        "抽選ID",
        "申込番号",
        "申込者",
        "団体ID",
        "利用区分",
        "優先順位",
        "申込日時",
        "希望順位",
        "枠ID",
        "枠",
        "抽選手順",
        "結果",
        "落選理由",
        "予約ID",
        "確定状況",
      ],
      rows,
      encoding: "utf-8",
    });
    await recordAudit(db, {
      tenantId: round.tenantId,
      actor: { type: "staff", id: staff.id },
      action: "lottery.round.export",
      resource: { type: "lottery_round", id: round.id },
      after: { rows: rows.length },
      requestId: c.var.requestId,
      ip: clientIp(c),
    });
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": contentDisposition(`抽選_${isoDate(round.drawAt)}_${round.id.slice(0, 8)}.csv`),
      "cache-control": "private, no-store",
    });
  });
