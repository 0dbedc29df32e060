import type { Context } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../../core/http/app-env.ts";
import { csrfField, renderPage } from "../../core/http/layout.ts";

type Bilingual = { ja: string; en: string };

/** The words of one kind of mailed link's pages (confirm the address, stop updates). */
export type FollowerLinkText = {
  title: Bilingual;
  lead: Bilingual;
  button: Bilingual;
  done: Bilingual;
  /** More to say above the ask page's button, and under the done page's notice. */
  askHint?: Bilingual;
  doneHint?: Bilingual;
  unknown: Bilingual;
};

const shared = {
  reference: { ja: "受付番号", en: "Reference" },
  report: { ja: "通報の状況を見る", en: "See the report" },
  unknownTitle: { ja: "このリンクは使えません", en: "This link cannot be used" },
};

const hint = (text: Bilingual | undefined, lang: "ja" | "en") =>
  text ? html`<p class="hint">${text[lang]}</p>` : html``;

/** The answer to a link that is unknown, used up or expired: 404, saying why in the reader's language. */
export function unknownLinkPage(c: Context<AppEnv>, text: FollowerLinkText) {
  const lang = c.var.lang;
  return renderPage(c, {
    title: shared.unknownTitle[lang],
    status: 404,
    body: html`<h1>${shared.unknownTitle[lang]}</h1><p>${text.unknown[lang]}</p>`,
  });
}

/**
 * What GET shows: the report and one button. Mail scanners fetch links, so only the button's POST acts.
 * `hiddenToken` carries a secret that came in the query in the form's body instead of its address.
 */
export function askLinkPage(
  c: Context<AppEnv>,
  o: { text: FollowerLinkText; reference: string; action: string; hiddenToken?: string },
) {
  const lang = c.var.lang;
  const action = `${o.action}${lang === "en" ? "?lang=en" : ""}`;
  const token =
    o.hiddenToken === undefined ? html`` : html`<input type="hidden" name="token" value="${o.hiddenToken}">`;
  return renderPage(c, {
    title: o.text.title[lang],
    body: html`<h1>${o.text.title[lang]}</h1><p>${o.text.lead[lang]}</p>
<dl class="summary"><div><dt>${shared.reference[lang]}</dt><dd><span class="reference">${o.reference}</span></dd></div></dl>
${hint(o.text.askHint, lang)}
<form method="post" action="${action}">${csrfField(c)}${token}<button type="submit">${o.text.button[lang]}</button></form>`,
  });
}

/** What the POST shows, directly rather than by redirect: the token is used up, so its page would answer 404. */
export function doneLinkPage(c: Context<AppEnv>, o: { text: FollowerLinkText; reference: string }) {
  const lang = c.var.lang;
  return renderPage(c, {
    title: o.text.title[lang],
    body: html`<h1>${o.text.title[lang]}</h1><p class="notice panel-done" role="status">${o.text.done[lang]}</p>
${hint(o.text.doneHint, lang)}
<p><a href="/reports/${o.reference}">${shared.report[lang]}</a> <span class="reference">${o.reference}</span></p>`,
  });
}
