import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../../core/http/app-env.ts";
import { errorSummary } from "../../core/http/forms.ts";
import { csrfField, type Html, renderPage } from "../../core/http/layout.ts";
import { ProblemError, problems } from "../../core/http/problem.ts";
import { requireResident } from "../../core/identity/resident-session.ts";
import { groupOfResident } from "../facilities/index.ts";
import { seedHash } from "./draw-engine.ts";
import { submitEntry } from "./operations/submit-entry.ts";
import { withdrawEntry } from "./operations/withdraw-entry.ts";
import { breakable, roundPhase, roundTitle, slotLabel, tokyoDateTime } from "./presenters.ts";
import {
  type EntryView,
  entriesOfResident,
  findRound,
  listRounds,
  promotionsOfRound,
  slotsOfRound,
} from "./queries.ts";
import type { LotterySlot, Round } from "./schema.ts";

const ID = "{[0-9a-f-]{36}}";

async function roundOr404(c: Context<AppEnv>, id: string): Promise<Round> {
  const round = await findRound(c.var.services.database.db, c.var.tenant.id, id);
  if (!round) {
    throw problems.notFound();
  }
  return round;
}

/** "市内 / 市外": a tier's user categories by their names, or the category code when it has no name. */
export function tierLabel(c: Context<AppEnv>, categories: readonly string[]): string {
  return categories
    .map((category) => {
      const key = `lottery.category.${category}`;
      const label = c.var.t(key);
      return label === key ? category : label;
    })
    .join(" / ");
}

function roundSummary(c: Context<AppEnv>, round: Round): Html {
  const { t, lang } = c.var;
  return html`<dl class="summary">
<div><dt>${t("lottery.status")}</dt><dd>${t(`lottery.phase.${roundPhase(round, new Date())}`)}</dd></div>
<div><dt>${t("lottery.round.period")}</dt><dd>${t("lottery.round.periodValue", {
    from: tokyoDateTime(round.applicationsOpenAt, lang),
    to: tokyoDateTime(round.applicationsCloseAt, lang),
  })}</dd></div>
<div><dt>${t("lottery.round.drawAt")}</dt><dd>${tokyoDateTime(round.drawAt, lang)}</dd></div>
<div><dt>${t("lottery.round.confirmBy")}</dt><dd>${tokyoDateTime(round.confirmBy, lang)}</dd></div>
<div><dt>${t("lottery.round.firstComeAt")}</dt><dd>${tokyoDateTime(round.firstComeAt, lang)}</dd></div>
<div><dt>${t("lottery.round.rules")}</dt><dd>${t("lottery.round.rulesValue", {
    choices: round.choicesPerEntry,
    wins: round.maxWinsPerApplicant,
    entries: round.maxEntriesPerApplicant,
  })}</dd></div>
<div><dt>${t("lottery.round.tiers")}</dt><dd>${round.priorityTiers
    .map((tier, i) => `${t("lottery.tier", { n: i + 1 })}: ${tierLabel(c, tier)}`)
    .join("、")}</dd></div>
</dl>`;
}

function entryPanel(
  c: Context<AppEnv>,
  round: Round,
  roundSlots: LotterySlot[],
  entry: EntryView,
  group: string | null,
): Html {
  const { t, lang } = c.var;
  const slotById = new Map(roundSlots.map((s) => [s.id, s]));
  const phase = roundPhase(round, new Date());
  const drawn = phase === "drawn" || phase === "released";
  return html`<section aria-labelledby="entry-${entry.id}">
<h2 id="entry-${entry.id}">${t("lottery.entry.title")}</h2>
<dl class="summary">
<div><dt>${t("lottery.entry.number")}</dt><dd><code>${entry.id}</code></dd></div>
<div><dt>${t("lottery.entry.applicant")}</dt><dd>${
    entry.groupId ? t("lottery.entry.group", { name: group ?? "" }) : t("lottery.entry.alone")
  }</dd></div>
<div><dt>${t("lottery.entry.choices")}</dt><dd><ol>${entry.choiceIds.map(
    (id) => html`<li>${slotById.has(id) ? slotLabel(slotById.get(id)!, lang) : id}</li>`,
  )}</ol></dd></div>
</dl>
<p class="hint">${t("lottery.entry.numberHint")}</p>
${
  drawn
    ? html`<h3>${t("lottery.result.title")}</h3>${
        entry.won.length === 0
          ? html`<div class="notice" role="status"><p>${t("lottery.result.lost")}</p></div>`
          : entry.won.map(
              (win) =>
                html`<div class="panel-done" role="status"><p>${t("lottery.result.won", {
                  slot: slotById.has(win.slotId) ? slotLabel(slotById.get(win.slotId)!, lang) : win.slotId,
                })}</p>${
                  win.status === "awarded"
                    ? html`<p><a class="button" href="${win.bookingPath}">${t("lottery.result.confirm", {
                        deadline: tokyoDateTime(round.confirmBy, lang),
                      })}</a></p>`
                    : html`<p>${t(win.status === "confirmed" ? "lottery.result.confirmed" : "lottery.result.forfeited")}</p>`
                }</div>`,
            )
      }`
    : phase === "accepting"
      ? html`<form method="post" action="/lottery/${round.id}/entries/${entry.id}/withdraw">${csrfField(c)}
<div class="button-row"><button type="submit" class="button-secondary">${t("lottery.entry.withdraw")}</button></div></form>`
      : ""
}
</section>`;
}

type ApplyView = { errors: Record<string, string>; posted: string[]; forGroup: boolean };

function applyForm(
  c: Context<AppEnv>,
  round: Round,
  roundSlots: LotterySlot[],
  group: { name: string } | null,
  view: ApplyView,
): Html {
  const { t, lang } = c.var;
  return html`<section aria-labelledby="apply">
<h2 id="apply">${t("lottery.apply.title")}</h2>
<form method="post" action="/lottery/${round.id}/entries" novalidate>${csrfField(c)}
${Array.from({ length: round.choicesPerEntry }, (_, i) => {
  const chosen = view.posted[i] ?? "";
  return html`<div class="field"><label for="f-choice-${i + 1}">${t("lottery.apply.choice", { n: i + 1 })}</label>
<select id="f-choice-${i + 1}" name="choice"><option value="">${t("lottery.apply.none")}</option>${roundSlots.map(
    (slot) =>
      html`<option value="${slot.id}"${slot.id === chosen ? " selected" : ""}>${slotLabel(slot, lang)}</option>`,
  )}</select></div>`;
})}
${
  group
    ? html`<fieldset class="field"><legend>${t("lottery.apply.as")}</legend>
<span class="hint" id="f-as-hint">${t("lottery.apply.groupHint")}</span>
<div class="check"><input type="radio" id="f-as-alone" name="as" value="alone"${view.forGroup ? "" : " checked"} aria-describedby="f-as-hint"><label for="f-as-alone">${t("lottery.apply.alone")}</label></div>
<div class="check"><input type="radio" id="f-as-group" name="as" value="group"${view.forGroup ? " checked" : ""} aria-describedby="f-as-hint"><label for="f-as-group">${t("lottery.apply.forGroup", { name: group.name })}</label></div>
</fieldset>`
    : ""
}
<div class="button-row"><button type="submit">${t("lottery.apply.submit")}</button></div>
</form>
</section>`;
}

async function roundPage(c: Context<AppEnv>, round: Round, apply: ApplyView, status = 200) {
  const { t, lang } = c.var;
  const db = c.var.services.database.db;
  const roundSlots = await slotsOfRound(db, round.id);
  const resident = c.var.resident;
  const mine = resident
    ? await entriesOfResident(db, { tenantId: round.tenantId, roundId: round.id, residentId: resident.id })
    : [];
  const group = resident
    ? await groupOfResident(db, { tenantId: round.tenantId, residentId: resident.id })
    : null;
  const phase = roundPhase(round, new Date());
  const notice = c.req.query("done");
  const canApply =
    phase === "accepting" &&
    resident !== null &&
    (!mine.some((e) => e.groupId === null) || (group !== null && !mine.some((e) => e.groupId !== null)));
  const errors = Object.values(apply.errors);
  return renderPage(c, {
    title: `${Object.keys(apply.errors).length > 0 ? `${t("lottery.apply.errorTitle")}: ` : ""}${roundTitle(round, lang)}`,
    status,
    body: html`<p><a class="back-link" href="/lottery">${t("lottery.back")}</a></p>
<h1>${roundTitle(round, lang)}</h1>
${
  errors.length === 0
    ? ""
    : canApply
      ? errorSummary(t("lottery.apply.errorTitle"), apply.errors)
      : html`<div class="error-summary" role="alert" tabindex="-1"><h2>${t("lottery.apply.errorTitle")}</h2><p>${errors[0]}</p></div>`
}
${
  notice === "applied" || notice === "withdrawn"
    ? html`<div class="panel-done" role="status"><p>${t(notice === "applied" ? "lottery.apply.done" : "lottery.entry.withdrawn")}</p></div>`
    : ""
}
${roundSummary(c, round)}
<h2>${t("lottery.round.seedHash")}</h2>
<p><code>${breakable(round.seedHash)}</code></p>
<p class="hint">${t("lottery.round.seedHashHint")}</p>
<p><a href="/lottery/${round.id}/draw">${t("lottery.round.drawRecord")}</a></p>
<h2>${t("lottery.round.slots")}</h2>
<ul>${roundSlots.map((slot) => html`<li>${slotLabel(slot, lang)}</li>`)}</ul>
${mine.map((entry) => entryPanel(c, round, roundSlots, entry, group?.name ?? null))}
${
  canApply
    ? applyForm(c, round, roundSlots, group, apply)
    : phase === "upcoming"
      ? html`<p>${t("lottery.apply.notOpen")}</p>`
      : phase === "accepting" && !resident
        ? html`<p><a class="button" href="/sign-in?return=${encodeURIComponent(`/lottery/${round.id}`)}">${t("lottery.apply.signIn")}</a></p>`
        : ""
}`,
  });
}

function replyProblem(error: unknown): ProblemError {
  if (error instanceof ProblemError) {
    return error;
  }
  throw error;
}

export const lotteryPages = new Hono<AppEnv>()
  .get("/lottery", async (c) => {
    const { t, lang } = c.var;
    const all = await listRounds(c.var.services.database.db, c.var.tenant.id);
    const now = new Date();
    return renderPage(c, {
      title: t("lottery.list.title"),
      body: html`<h1>${t("lottery.list.title")}</h1>
<p class="lead">${t("lottery.list.lead")}</p>
${
  all.length === 0
    ? html`<p>${t("lottery.list.none")}</p>`
    : html`<ul class="entry-list">${all.map(
        (round) => html`<li class="entry"><a href="/lottery/${round.id}">${roundTitle(round, lang)}</a>
<p class="meta">${t(`lottery.phase.${roundPhase(round, now)}`)} · ${t("lottery.round.period")}: ${t(
          "lottery.round.periodValue",
          {
            from: tokyoDateTime(round.applicationsOpenAt, lang),
            to: tokyoDateTime(round.applicationsCloseAt, lang),
          },
        )}</p></li>`,
      )}</ul>`
}`,
    });
  })
  .get(`/lottery/:id${ID}`, async (c) => {
    const round = await roundOr404(c, c.req.param("id"));
    return roundPage(c, round, { errors: {}, posted: [], forGroup: false });
  })
  .post(`/lottery/:id${ID}/entries`, async (c) => {
    const resident = requireResident(c);
    const round = await roundOr404(c, c.req.param("id"));
    const form = await c.req.parseBody({ all: true });
    const raw = form["choice"];
    const posted = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((v) =>
      typeof v === "string" ? v : "",
    );
    const forGroup = form["as"] === "group";
    try {
      await c.var.services.database.db.transaction((tx) =>
        submitEntry({
          tx,
          tenantId: c.var.tenant.id,
          actor: { type: "resident", id: resident.id },
          residentId: resident.id,
          roundId: round.id,
          forGroup,
          slotIds: posted.filter((v) => v !== ""),
          now: new Date(),
          requestId: c.var.requestId,
        }),
      );
    } catch (error) {
      const problem = replyProblem(error);
      return roundPage(
        c,
        round,
        { errors: { "choice-1": problem.title[c.var.lang] }, posted, forGroup },
        problem.status,
      );
    }
    return c.redirect(`/lottery/${round.id}?done=applied`, 303);
  })
  .post(`/lottery/:id${ID}/entries/:entry${ID}/withdraw`, async (c) => {
    const resident = requireResident(c);
    const round = await roundOr404(c, c.req.param("id"));
    try {
      await c.var.services.database.db.transaction((tx) =>
        withdrawEntry({
          tx,
          tenantId: c.var.tenant.id,
          actor: { type: "resident", id: resident.id },
          residentId: resident.id,
          roundId: round.id,
          entryId: c.req.param("entry"),
          now: new Date(),
          requestId: c.var.requestId,
        }),
      );
    } catch (error) {
      const problem = replyProblem(error);
      return roundPage(
        c,
        round,
        { errors: { "choice-1": problem.title[c.var.lang] }, posted: [], forGroup: false },
        problem.status,
      );
    }
    return c.redirect(`/lottery/${round.id}?done=withdrawn`, 303);
  })
  .get(`/lottery/:id${ID}/draw.json`, async (c) => {
    const round = await roundOr404(c, c.req.param("id"));
    if (!round.publishedDraw) {
      throw problems.notFound();
    }
    c.header("content-disposition", `attachment; filename="lottery-${round.id}.json"`);
    return c.json(round.publishedDraw);
  })
  .get(`/lottery/:id${ID}/draw`, async (c) => {
    const { t, lang } = c.var;
    const round = await roundOr404(c, c.req.param("id"));
    const draw = round.publishedDraw;
    const title = `${t("lottery.draw.title")}: ${roundTitle(round, lang)}`;
    if (!draw) {
      return renderPage(c, {
        title,
        body: html`<h1>${title}</h1>
<div class="notice" role="status"><p>${t("lottery.draw.notYet")}</p></div>
<dl class="summary"><div><dt>${t("lottery.round.seedHash")}</dt><dd><code>${breakable(round.seedHash)}</code></dd></div></dl>
<p><a href="/lottery/${round.id}">${t("lottery.backToRound")}</a></p>`,
      });
    }
    const slotName = new Map(
      draw.slots.map((s) => [
        s.id,
        slotLabel(
          {
            startsAt: new Date(s.startsAt),
            endsAt: new Date(s.endsAt),
            labelJa: s.label.ja,
            labelEn: s.label.en,
          },
          lang,
        ),
      ]),
    );
    const matches = seedHash(draw.seed) === draw.seedHash;
    const outcome = (step: (typeof draw.log)[number]) =>
      step.outcome === "won"
        ? t("lottery.draw.won")
        : t(step.reason === "win_cap" ? "lottery.draw.lostCap" : "lottery.draw.lostTaken");
    return renderPage(c, {
      title,
      body: html`<h1>${title}</h1>
<dl class="summary">
<div><dt>${t("lottery.draw.algorithm")}</dt><dd><code>${draw.algorithm}</code></dd></div>
<div><dt>${t("lottery.draw.drawnAt")}</dt><dd>${tokyoDateTime(new Date(draw.drawnAt), lang)}</dd></div>
<div><dt>${t("lottery.round.seedHash")}</dt><dd><code id="seed-hash">${breakable(draw.seedHash)}</code></dd></div>
<div><dt>${t("lottery.draw.seed")}</dt><dd><code id="seed">${breakable(draw.seed)}</code></dd></div>
<div><dt>${t("lottery.draw.hashCheck")}</dt><dd id="hash-check">${
        matches ? t("lottery.draw.hashMatches") : t("lottery.draw.hashDiffers")
      }</dd></div>
<div><dt>${t("lottery.round.tiers")}</dt><dd>${draw.rules.tiers
        .map((tier, i) => `${t("lottery.tier", { n: i + 1 })}: ${tierLabel(c, tier)}`)
        .join("、")}</dd></div>
</dl>
<h2>${t("lottery.draw.method")}</h2>
<p>${t("lottery.draw.methodBody")}</p>
<p>${t("lottery.draw.verify")}</p>
<p><a class="button" href="/lottery/${round.id}/draw.json">${t("lottery.draw.json")}</a></p>
<p><a href="/lottery/${round.id}/promotions">${t("lottery.promotions.link")}</a></p>
<h2>${t("lottery.draw.winners")}</h2>
${
  draw.winners.length === 0
    ? html`<p>${t("lottery.draw.noEntries")}</p>`
    : html`<ul>${draw.winners.map(
        (w) => html`<li>${slotName.get(w.slot) ?? w.slot}: <code>${w.entry}</code></li>`,
      )}</ul>`
}
<h2>${t("lottery.draw.log")}</h2>
<ol id="draw-log">${draw.log.map(
        (step) =>
          html`<li>${t("lottery.draw.step", {
            step: step.step,
            entry: step.entry,
            tier: step.tier + 1,
            rank: step.rank,
            slot: slotName.get(step.slot) ?? step.slot,
            outcome: outcome(step),
          })}</li>`,
      )}</ol>
<h2>${t("lottery.draw.entries")}</h2>
<ul>${draw.entries.map(
        (entry) =>
          html`<li><code>${entry.id}</code> (${t("lottery.tier", { n: entry.tier + 1 })}): ${entry.choices
            .map((id) => slotName.get(id) ?? id)
            .join(" → ")}</li>`,
      )}</ul>
<p><a href="/lottery/${round.id}">${t("lottery.backToRound")}</a></p>`,
    });
  })
  .get(`/lottery/:id${ID}/promotions.json`, async (c) => {
    const round = await roundOr404(c, c.req.param("id"));
    if (!round.publishedDraw) {
      throw problems.notFound();
    }
    c.header("content-disposition", `attachment; filename="lottery-${round.id}-promotions.json"`);
    return c.json(
      await promotionsOfRound(c.var.services.database.db, { tenantId: round.tenantId, roundId: round.id }),
    );
  })
  .get(`/lottery/:id${ID}/promotions`, async (c) => {
    const { t, lang } = c.var;
    const round = await roundOr404(c, c.req.param("id"));
    const draw = round.publishedDraw;
    if (!draw) {
      throw problems.notFound();
    }
    const log = await promotionsOfRound(c.var.services.database.db, {
      tenantId: round.tenantId,
      roundId: round.id,
    });
    const slotName = new Map(
      draw.slots.map((s) => [
        s.id,
        slotLabel(
          {
            startsAt: new Date(s.startsAt),
            endsAt: new Date(s.endsAt),
            labelJa: s.label.ja,
            labelEn: s.label.en,
          },
          lang,
        ),
      ]),
    );
    const title = `${t("lottery.promotions.title")}: ${roundTitle(round, lang)}`;
    return renderPage(c, {
      title,
      body: html`<h1>${title}</h1>
<p>${t("lottery.promotions.intro")}</p>
<p>${t("lottery.promotions.verify")}</p>
<p><a class="button" href="/lottery/${round.id}/promotions.json">${t("lottery.promotions.json")}</a></p>
${
  log.promotions.length === 0
    ? html`<p id="promotions-empty">${t("lottery.promotions.none")}</p>`
    : html`<ol id="promotions-log">${log.promotions.map(
        (p) =>
          html`<li>${t("lottery.promotions.entry", {
            seq: p.seq,
            at: tokyoDateTime(new Date(p.at), lang),
            slot: slotName.get(p.slot) ?? p.slot,
            vacated: p.vacated.entry,
            reason: t(`lottery.promotions.${p.vacated.reason}`),
            next: p.promoted
              ? t("lottery.promotions.promoted", {
                  entry: p.promoted.entry,
                  step: p.promoted.step,
                  confirmBy: tokyoDateTime(new Date(p.promoted.confirmBy), lang),
                })
              : t("lottery.promotions.nobody"),
          })}${
            p.passedOver.length > 0
              ? html`<ul>${p.passedOver.map(
                  (passed) => html`<li>${t("lottery.promotions.passedOver", { ...passed })}</li>`,
                )}</ul>`
              : ""
          }</li>`,
      )}</ol>`
}
<p><a href="/lottery/${round.id}/draw">${t("lottery.draw.title")}</a></p>`,
    });
  });
