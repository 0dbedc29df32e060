import { html } from "hono/html";
import type { Html } from "../../../core/http/layout.ts";
import type { Translator } from "../../../core/i18n/i18n.ts";
import type { AnswerRow } from "../answer-rows.ts";
import type { Answers } from "../definition/answers.ts";
import { type Lang, localized, yen } from "../definition/display-answer.ts";
import type { FormDefinition, Page } from "../definition/form-definition.ts";
import { computeValues, type PageInput } from "../definition/validate-page.ts";
import type { PaymentStatus } from "../schema.ts";
import { paragraphs, renderField } from "./render-field.ts";

export type PageView = {
  lang: Lang;
  t: Translator;
  definition: FormDefinition;
  page: Page;
  /** 1-based position on the resident's route, and the route's length. */
  step: number;
  steps: number;
  answers: Answers;
  posted: PageInput | null;
  errors: Record<string, string>;
  action: string;
  backHref: string | null;
  csrf: Html;
  /** Guests can ask for a resume link; residents' drafts save themselves. */
  guest: boolean;
  /** Preview for staff: the form does not post. */
  preview?: boolean;
};

/** A page of questions: a caption with the form and step, the questions, and next / save buttons. */
export function formPageView(view: PageView): Html {
  const { t, lang, definition, page } = view;
  const multipart = page.fields.some((f) => f.type === "file" || f.type === "signature");
  const computed = computeValues(definition, view.answers);
  const state = {
    lang,
    t,
    posted: view.posted,
    errors: view.errors,
    // Conditions on this page's answers (and, inside a group item, on its sibling members) run in the browser.
    pageKeys: new Set(
      page.fields.flatMap((f) => [f.key, ...(f.type === "group" ? f.fields.map((m) => m.key) : [])]),
    ),
    computed,
  };
  return html`${view.backHref ? html`<p><a class="back-link" href="${view.backHref}">${t("forms.runner.back")}</a></p>` : ""}
<p class="caption">${localized(definition.title, lang)} <span class="step">${t("forms.runner.step", {
    step: view.step,
    steps: view.steps,
  })}</span></p>
<h1>${localized(page.title, lang)}</h1>
${errorList(t, view.errors)}
<form method="post" action="${view.action}" novalidate class="runner"${
    multipart ? html` enctype="multipart/form-data"` : ""
  } data-runner>
${view.csrf}
${page.fields.map((field) =>
  renderField(field, {
    ...state,
    value: field.type === "computed" ? null : (view.answers[field.key] ?? null),
  }),
)}
${
  view.preview
    ? html`<p class="notice">${t("forms.preview.notice")}</p>`
    : html`<div class="button-row">
<button type="submit" name="_action" value="next">${t("forms.runner.continue")}</button>
<button type="submit" name="_action" value="save" class="button-secondary">${t(
        view.guest ? "forms.runner.saveGuest" : "forms.runner.saveLater",
      )}</button>
</div>`
}
</form>
<script src="/assets/forms.js" defer></script>`;
}

export function errorList(t: Translator, errors: Record<string, string>): Html {
  const entries = Object.entries(errors);
  if (entries.length === 0) {
    return html``;
  }
  return html`<div class="error-summary" role="alert" tabindex="-1" id="error-summary">
<h2>${t("forms.runner.errorTitle")}</h2>
<ul>${entries.map(([name, message]) => html`<li><a href="#f-${name}">${message}</a></li>`)}</ul>
</div>`;
}

/** Check your answers (確認画面): every answer with a link to change it, the fee, then one submit button. */
export function checkView(view: {
  lang: Lang;
  t: Translator;
  definition: FormDefinition;
  rows: AnswerRow[];
  pages: Page[];
  baseHref: string;
  fee: number | null;
  submitKey: string;
  csrf: Html;
  notice: string | null;
  /** Returned by staff for correction: what to correct, and the page submits again instead. */
  correction: { returnReason: string | null } | null;
}): Html {
  const { t, lang } = view;
  return html`<p><a class="back-link" href="${view.baseHref}/p/${view.pages.at(-1)?.key ?? ""}">${t("forms.runner.back")}</a></p>
<p class="caption">${localized(view.definition.title, lang)}</p>
<h1>${t(view.correction ? "forms.correction.title" : "forms.check.title")}</h1>
${view.notice ? html`<div class="error-summary" id="error-summary" role="alert" tabindex="-1"><p>${view.notice}</p></div>` : ""}
${
  view.correction
    ? html`<div class="notice" role="status"><p>${t("forms.correction.intro")}</p>${
        view.correction.returnReason
          ? html`<p><strong>${t("forms.correction.reason")}</strong> ${multiline(view.correction.returnReason)}</p>`
          : ""
      }</div>`
    : ""
}
${view.pages.map((page) => {
  const rows = view.rows.filter((row) => row.pageKey === page.key);
  return html`<h2>${localized(page.title, lang)}</h2>
<dl class="summary answers">${rows.map(
    (row) =>
      html`<div><dt>${row.label}</dt><dd>${multiline(row.value)}${
        row.provenance?.source === "prefilled" && !row.provenance.changed
          ? html` <span class="badge">${t(row.provenance.prefilledFrom === "card" ? "forms.check.fromCard" : "forms.check.fromProfile")}</span>`
          : ""
      }</dd>${
        row.provenance?.source === "computed"
          ? ""
          : html`<dd class="change"><a href="${view.baseHref}/p/${page.key}#f-${row.key}">${t("forms.check.change")}<span class="visually-hidden"> ${row.label}</span></a></dd>`
      }</div>`,
  )}</dl>`;
})}
${
  view.fee !== null
    ? html`<h2>${localized(view.definition.fee?.label, lang)}</h2><p class="fee">${yen(view.fee)}</p><p>${t(
        view.definition.fee?.timing === "deferred" ? "forms.check.feeDeferred" : "forms.check.feeNote",
      )}</p>`
    : ""
}
<h2>${t("forms.check.declarationTitle")}</h2>
<p>${t("forms.check.declaration")}</p>
<form method="post" action="${view.baseHref}/${view.correction ? "resubmit" : "submit"}" data-submit-once>
${view.csrf}
<input type="hidden" name="_idempotency" value="${view.submitKey}">
<div class="button-row"><button type="submit">${t(view.correction ? "forms.correction.submit" : "forms.check.submit")}</button></div>
</form>
<script src="/assets/forms.js" defer></script>`;
}

/** The confirmation (申請完了) with the reference number, what happens next, and the receipt. */
export function doneView(view: {
  lang: Lang;
  t: Translator;
  definition: FormDefinition;
  referenceNumber: string;
  baseHref: string;
  fee: number | null;
  paymentStatus: PaymentStatus;
  /** The resident's payment page while the fee is unpaid (guests pay from the link they were sent). */
  payHref: string | null;
  /** The application's page on My page (status, messages). */
  caseHref: string | null;
  signedIn: boolean;
}): Html {
  const { t, lang } = view;
  return html`<div class="panel-done">
<h1>${t("forms.done.title")}</h1>
<p>${t("forms.done.reference")}</p>
<p class="reference" id="reference">${view.referenceNumber}</p>
</div>
${view.definition.confirmationText ? paragraphs(localized(view.definition.confirmationText, lang)) : ""}
${feeNotice(view)}
${doneLinks(view)}`;
}

function feeNotice(view: {
  t: Translator;
  fee: number | null;
  paymentStatus: PaymentStatus;
  payHref: string | null;
}): Html {
  const { t } = view;
  switch (view.paymentStatus) {
    case "unpaid":
      return html`<div class="notice" role="status"><p>${t("forms.done.fee", { fee: yen(view.fee ?? 0) })}</p>${
        view.payHref
          ? html`<p class="button-row"><a class="button" href="${view.payHref}">${t("forms.done.pay")}</a></p>`
          : html`<p>${t("forms.done.payFromLink")}</p>`
      }</div>`;
    case "paid":
      return html`<p>${t("forms.done.paid", { fee: yen(view.fee ?? 0) })}</p>`;
    case "awaiting_amount":
      return html`<p>${t("forms.check.feeDeferred")}</p>`;
    default:
      return html``;
  }
}

function doneLinks(view: {
  t: Translator;
  baseHref: string;
  signedIn: boolean;
  caseHref: string | null;
}): Html {
  const { t } = view;
  return html`<p>${t(view.signedIn ? "forms.done.messageResident" : "forms.done.messageGuest")}</p>
<p class="button-row"><a class="button button-secondary" href="${view.baseHref}/receipt.pdf" download>${t("forms.done.receipt")}</a></p>
${view.caseHref ? html`<p><a href="${view.caseHref}">${t("forms.done.status")}</a></p>` : ""}
${view.signedIn ? html`<p><a href="/my">${t("forms.done.myPage")}</a></p>` : ""}`;
}

function multiline(value: string): Html {
  return html`${value.split("\n").map((line, i) => html`${i > 0 ? html`<br>` : ""}${line}`)}`;
}
