import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../http/app-env.ts";
import { errorSummary } from "../http/forms.ts";
import { csrfField, type Html, renderPage } from "../http/layout.ts";
import { clientIp } from "../http/middleware.ts";
import type { Bilingual } from "../http/problem.ts";
import { publicOrigin } from "../http/public-origin.ts";
import { requireResident } from "../identity/resident-session.ts";
import { changeCaseStatus, MAX_REASON_LENGTH } from "./operations/change-case-status.ts";
import { getResidentCase, type ResidentCase } from "./operations/get-resident-case.ts";
import { MAX_MESSAGE_LENGTH, postResidentMessage } from "./operations/post-resident-message.ts";
import { MAX_COMMENT_LENGTH, rateCase } from "./operations/rate-case.ts";
import type { CaseEntryRow } from "./schema.ts";
import { allowedTransitions, caseStatusLabels } from "./status.ts";

const ID = "{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}}";
const MAX_WITHDRAW_REASON = Math.min(1000, MAX_REASON_LENGTH);

const casePath = (id: string) => `/my/cases/${id}`;

/** What a posted form left behind when it was refused: the messages and what the resident typed. */
type FormState = {
  errors?: Record<string, string>;
  values?: { body?: string; comment?: string; score?: string };
  status?: number;
};

const doneKeys: Record<string, string> = {
  message: "cases.message.sent",
  withdrawn: "cases.withdraw.done",
  rated: "cases.rating.thanks",
};

function when(date: Date, lang: "ja" | "en"): string {
  return new Intl.DateTimeFormat(lang === "ja" ? "ja-JP" : "en-GB", {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: "Asia/Tokyo",
  }).format(date);
}

/** Text as paragraphs' lines: staff and residents write with line breaks, and the page keeps them. */
function lines(text: string): Html {
  return html`${text.split(/\r?\n/).map((line, i) => (i === 0 ? html`${line}` : html`<br>${line}`))}`;
}

function textarea(o: {
  name: string;
  label: string;
  hint?: string;
  error?: string;
  value?: string;
  maxlength: number;
}): Html {
  const id = `f-${o.name}`;
  const described = [o.hint ? `${id}-hint` : "", o.error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return html`<div class="field${o.error ? " field-invalid" : ""}">
<label for="${id}">${o.label}</label>
${o.hint ? html`<span class="hint" id="${id}-hint">${o.hint}</span>` : ""}
${o.error ? html`<span class="field-error" id="${id}-error">${o.error}</span>` : ""}
<textarea id="${id}" name="${o.name}" rows="5" maxlength="${o.maxlength}"${
    described ? html` aria-describedby="${described}"` : ""
  }${o.error ? html` aria-invalid="true"` : ""}>${o.value ?? ""}</textarea>
</div>`;
}

function entryLine(c: Context<AppEnv>, entry: CaseEntryRow): Html {
  const { t, lang } = c.var;
  const heading =
    entry.kind === "status_changed" && entry.toStatus
      ? t("cases.timeline.status_changed", { status: caseStatusLabels[entry.toStatus].resident[lang] })
      : entry.kind === "rated"
        ? t("cases.timeline.rated", { score: String(entry.data?.["score"] ?? "") })
        : t(`cases.timeline.${entry.kind}`);
  return html`<div>
<dt>${heading}</dt>
<dd><span class="meta"><time datetime="${entry.createdAt.toISOString()}">${when(entry.createdAt, lang)}</time></span>
${entry.body ? html`<p>${lines(entry.body)}</p>` : ""}</dd>
</div>`;
}

function ratingSection(c: Context<AppEnv>, found: ResidentCase, state: FormState): Html {
  const { t } = c.var;
  if (found.rating) {
    return html`<section aria-labelledby="rating-title">
<h2 id="rating-title">${t("cases.rating.title")}</h2>
<p>${t("cases.rating.given", { score: found.rating.score })}</p>
</section>`;
  }
  const errors = state.errors ?? {};
  const chosen = state.values?.score;
  return html`<section aria-labelledby="rating-title">
<h2 id="rating-title">${t("cases.rating.title")}</h2>
<p>${t("cases.rating.lead")}</p>
<form method="post" action="${casePath(found.case.id)}/rating" novalidate>
${csrfField(c)}
<fieldset class="field${errors["score"] ? " field-invalid" : ""}"${errors["score"] ? html` aria-describedby="f-score-error"` : ""}>
<legend>${t("cases.rating.legend")}</legend>
${errors["score"] ? html`<span class="field-error" id="f-score-error">${errors["score"]}</span>` : ""}
${[1, 2, 3, 4, 5].map((score) => {
  // The first radio carries the id the error summary links to.
  const id = score === 1 ? "f-score" : `f-score-${score}`;
  return html`<div class="check"><input type="radio" id="${id}" name="score" value="${score}"${
    chosen === String(score) ? html` checked` : ""
  }><label for="${id}">${t(`cases.rating.score${score}`)}</label></div>`;
})}
</fieldset>
${textarea({ name: "comment", label: t("cases.rating.comment"), error: errors["comment"], value: state.values?.comment, maxlength: MAX_COMMENT_LENGTH })}
<div class="button-row"><button type="submit">${t("cases.rating.submit")}</button></div>
</form>
</section>`;
}

async function showCase(c: Context<AppEnv>, residentId: string, caseId: string, state: FormState = {}) {
  const { t, lang } = c.var;
  const found = await getResidentCase({
    db: c.var.services.database.db,
    tenantId: c.var.tenant.id,
    residentId,
    caseId,
  });
  const record = found.case;
  const title = lang === "ja" ? record.titleJa : record.titleEn;
  const doneKey = doneKeys[c.req.query("done") ?? ""];
  const errors = state.errors ?? {};
  const next =
    record.nextAction && record.status !== "rejected" && record.status !== "withdrawn"
      ? record.nextAction
      : null;
  const canWithdraw = allowedTransitions(record.status, "resident").includes("withdrawn");
  return renderPage(c, {
    title,
    status: state.status ?? 200,
    body: html`${errorSummary(t("form.errorSummary"), errors)}
${doneKey ? html`<div class="notice" role="status"><p>${t(doneKey)}</p></div>` : ""}
<h1>${title}</h1>
<dl class="summary">
<div><dt>${t("cases.page.reference")}</dt><dd>${record.reference}</dd></div>
<div><dt>${t("cases.page.status")}</dt><dd><strong>${caseStatusLabels[record.status].resident[lang]}</strong></dd></div>
${record.statusReason ? html`<div><dt>${t("cases.page.reason")}</dt><dd>${lines(record.statusReason)}</dd></div>` : ""}
<div><dt>${t("cases.page.received")}</dt><dd>${when(record.receivedAt, lang)}</dd></div>
</dl>
${
  next
    ? html`<section aria-labelledby="next-title">
<h2 id="next-title">${t("cases.page.nextTitle")}</h2>
<p class="button-row"><a class="button" href="${next.href}">${next.label?.[lang] ?? t(`cases.next.${next.kind}`)}</a></p>
</section>`
    : ""
}
${record.status === "completed" ? ratingSection(c, found, state) : ""}
<section aria-labelledby="timeline-title">
<h2 id="timeline-title">${t("cases.timeline.title")}</h2>
<dl class="summary">${found.entries.map((entry) => entryLine(c, entry))}</dl>
</section>
<section aria-labelledby="message-title" id="messages">
<h2 id="message-title">${t("cases.message.title")}</h2>
<form method="post" action="${casePath(record.id)}/messages" novalidate>
${csrfField(c)}
${textarea({ name: "body", label: t("cases.message.label"), hint: t("cases.message.hint"), error: errors["body"], value: state.values?.body, maxlength: MAX_MESSAGE_LENGTH })}
<div class="button-row"><button type="submit">${t("cases.message.submit")}</button></div>
</form>
</section>
${
  canWithdraw
    ? html`<p class="button-row"><a class="button button-secondary" href="${casePath(record.id)}/withdraw">${t("cases.withdraw.start")}</a></p>`
    : ""
}
<p><a href="/my">${t("cases.backToMy")}</a></p>`,
  });
}

function withdrawPage(c: Context<AppEnv>, found: ResidentCase, state: FormState = {}) {
  const { t, lang } = c.var;
  const record = found.case;
  const errors = state.errors ?? {};
  return renderPage(c, {
    title: t("cases.withdraw.title"),
    status: state.status ?? 200,
    body: html`${errorSummary(t("form.errorSummary"), errors)}
<h1>${t("cases.withdraw.title")}</h1>
<dl class="summary">
<div><dt>${t("cases.page.reference")}</dt><dd>${record.reference}</dd></div>
<div><dt>${t("cases.page.application")}</dt><dd>${lang === "ja" ? record.titleJa : record.titleEn}</dd></div>
</dl>
<p>${t("cases.withdraw.lead")}</p>
<form method="post" action="${casePath(record.id)}/withdraw" novalidate>
${csrfField(c)}
<input type="hidden" name="confirm" value="yes">
${textarea({ name: "reason", label: t("cases.withdraw.reason"), error: errors["reason"], value: state.values?.body, maxlength: MAX_WITHDRAW_REASON })}
<div class="button-row"><button type="submit">${t("cases.withdraw.confirm")}</button>
<a class="button button-secondary" href="${casePath(record.id)}">${t("cases.withdraw.cancel")}</a></div>
</form>`,
  });
}

function refusedPage(c: Context<AppEnv>, caseId: string, reason: Bilingual) {
  const { t, lang } = c.var;
  return renderPage(c, {
    title: t("cases.refused.title"),
    status: 409,
    body: html`<h1>${t("cases.refused.title")}</h1>
<div class="notice" role="alert"><p>${reason[lang]}</p></div>
<p><a href="${casePath(caseId)}">${t("cases.backToCase")}</a></p>`,
  });
}

const text = (form: Record<string, string | File>, name: string) => {
  const value = form[name];
  return typeof value === "string" ? value.trim() : "";
};

/**
 * The resident's own case (申請の状況): status, history, what to do next, messages with the city, withdrawal
 * with a confirmation step, and the rating once completed. Server-rendered; every form works without
 * JavaScript and answers with a redirect (303) or the page again with what was wrong.
 */
export const casesResidentPages = new Hono<AppEnv>()
  .get(`/my/cases/:id${ID}`, async (c) => {
    const resident = requireResident(c, "email");
    return showCase(c, resident.id, c.req.param("id"));
  })
  .post(`/my/cases/:id${ID}/messages`, async (c) => {
    const resident = requireResident(c, "email");
    const caseId = c.req.param("id");
    const body = text(await c.req.parseBody(), "body");
    const error = !body
      ? c.var.t("cases.message.empty")
      : body.length > MAX_MESSAGE_LENGTH
        ? c.var.t("cases.message.tooLong")
        : null;
    if (error) {
      return showCase(c, resident.id, caseId, { errors: { body: error }, values: { body }, status: 400 });
    }
    await c.var.services.database.db.transaction((tx) =>
      postResidentMessage({
        tx,
        tenantId: c.var.tenant.id,
        residentId: resident.id,
        caseId,
        body,
        requestId: c.var.requestId,
        ip: clientIp(c),
      }),
    );
    return c.redirect(`${casePath(caseId)}?done=message#messages`, 303);
  })
  .get(`/my/cases/:id${ID}/withdraw`, async (c) => {
    const resident = requireResident(c, "email");
    const found = await getResidentCase({
      db: c.var.services.database.db,
      tenantId: c.var.tenant.id,
      residentId: resident.id,
      caseId: c.req.param("id"),
    });
    if (!allowedTransitions(found.case.status, "resident").includes("withdrawn")) {
      return c.redirect(casePath(found.case.id), 303);
    }
    return withdrawPage(c, found);
  })
  .post(`/my/cases/:id${ID}/withdraw`, async (c) => {
    const resident = requireResident(c, "email");
    const caseId = c.req.param("id");
    const form = await c.req.parseBody();
    const db = c.var.services.database.db;
    // Only the confirmation page's form says yes: anything else goes to that page first.
    if (form["confirm"] !== "yes") {
      return c.redirect(`${casePath(caseId)}/withdraw`, 303);
    }
    const reason = text(form, "reason");
    if (reason.length > MAX_WITHDRAW_REASON) {
      const found = await getResidentCase({ db, tenantId: c.var.tenant.id, residentId: resident.id, caseId });
      return withdrawPage(c, found, {
        errors: { reason: c.var.t("cases.withdraw.reasonTooLong") },
        values: { body: reason },
        status: 400,
      });
    }
    const result = await db.transaction(async (tx) => {
      // Only the case's own resident: anyone else's id is 404 before anything changes.
      await getResidentCase({ db: tx, tenantId: c.var.tenant.id, residentId: resident.id, caseId });
      return changeCaseStatus({
        tx,
        tenantId: c.var.tenant.id,
        actor: { type: "resident", id: resident.id },
        caseId,
        to: "withdrawn",
        reason: reason || null,
        by: "resident",
        origin: publicOrigin(c),
        requestId: c.var.requestId,
      });
    });
    if (!result.ok) {
      return refusedPage(c, caseId, result.reason);
    }
    return c.redirect(`${casePath(caseId)}?done=withdrawn`, 303);
  })
  .post(`/my/cases/:id${ID}/rating`, async (c) => {
    const resident = requireResident(c, "email");
    const caseId = c.req.param("id");
    const form = await c.req.parseBody();
    const scoreText = text(form, "score");
    const comment = text(form, "comment");
    const result = await c.var.services.database.db.transaction((tx) =>
      rateCase({
        tx,
        tenantId: c.var.tenant.id,
        residentId: resident.id,
        caseId,
        score: /^[1-5]$/.test(scoreText) ? Number(scoreText) : Number.NaN,
        comment: comment || null,
        requestId: c.var.requestId,
        ip: clientIp(c),
      }),
    );
    if (!result.ok && result.field) {
      return showCase(c, resident.id, caseId, {
        errors: { [result.field]: result.reason[c.var.lang] },
        values: { score: scoreText, comment },
        status: 400,
      });
    }
    if (!result.ok) {
      return refusedPage(c, caseId, result.reason);
    }
    return c.redirect(`${casePath(caseId)}?done=rated`, 303);
  });
