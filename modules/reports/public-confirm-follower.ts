import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../../core/http/app-env.ts";
import { csrfField, renderPage } from "../../core/http/layout.ts";
import { CONFIRM_LINK_DAYS, confirmFollower, findConfirmFollower } from "./operations/confirm-follower.ts";
import { CONFIRM_FOLLOWER_PATH } from "./unsubscribe-token.ts";

const text = {
  title: { ja: "メールアドレスの確認", en: "Confirm your e-mail address" },
  lead: {
    ja: "次の通報の対応の状況を、このメールアドレスにお知らせします。よろしければ「確認する」を押してください。",
    en: "Updates on this report will be sent to your e-mail address. If that is what you want, press Confirm.",
  },
  reference: { ja: "受付番号", en: "Reference" },
  button: { ja: "確認する", en: "Confirm" },
  done: {
    ja: "確認しました。この通報の状況が変わるとメールでお知らせします。",
    en: "Confirmed. You will get an e-mail when this report changes.",
  },
  stop: {
    ja: "お知らせのメールにあるリンクから、いつでも止められます。",
    en: "You can stop them at any time by the link in each update e-mail.",
  },
  report: { ja: "通報の状況を見る", en: "See the report" },
  unknownTitle: { ja: "このリンクは使えません", en: "This link cannot be used" },
  unknown: {
    ja: `このリンクは期限切れ（${CONFIRM_LINK_DAYS}日）か、不明なリンクです。確認がすでに済んでいるか、リンクが正しくない可能性があります。メールにあるリンクをそのままお使いください。`,
    en: `This link has expired (after ${CONFIRM_LINK_DAYS} days) or is unknown. The address may already be confirmed, or the link is not complete. Please use the link exactly as it is in the e-mail.`,
  },
} satisfies Record<string, { ja: string; en: string }>;

function unknownLink(c: Context<AppEnv>) {
  const say = (key: keyof typeof text) => text[key][c.var.lang];
  return renderPage(c, {
    title: say("unknownTitle"),
    status: 404,
    body: html`<h1>${say("unknownTitle")}</h1><p>${say("unknown")}</p>`,
  });
}

/**
 * The double opt-in of an address typed into a report, authorised by the mailed link's secret alone. GET only
 * asks: mail scanners fetch links, so only the button's POST confirms anything.
 */
export const reportConfirmFollowerPages = new Hono<AppEnv>()
  .get(CONFIRM_FOLLOWER_PATH, async (c) => {
    const say = (key: keyof typeof text) => text[key][c.var.lang];
    const token = c.req.query("token") ?? "";
    const found = token
      ? await findConfirmFollower(c.var.services.database.db, c.var.tenant.id, token)
      : null;
    if (!found) {
      return unknownLink(c);
    }
    // The secret travels in the form's body, not its address.
    const action = `${CONFIRM_FOLLOWER_PATH}${c.var.lang === "en" ? "?lang=en" : ""}`;
    return renderPage(c, {
      title: say("title"),
      body: html`<h1>${say("title")}</h1><p>${say("lead")}</p>
<dl class="summary"><div><dt>${say("reference")}</dt><dd><span class="reference">${found.reference}</span></dd></div></dl>
<form method="post" action="${action}">${csrfField(c)}<input type="hidden" name="token" value="${token}"><button type="submit">${say("button")}</button></form>`,
    });
  })
  .post(CONFIRM_FOLLOWER_PATH, async (c) => {
    const say = (key: keyof typeof text) => text[key][c.var.lang];
    const form = await c.req.parseBody();
    const token = typeof form["token"] === "string" ? form["token"] : "";
    const confirmed = token
      ? await confirmFollower({
          db: c.var.services.database.db,
          tenantId: c.var.tenant.id,
          token,
          // The link's secret, not a session, authorises this: whoever holds it acts as a guest.
          actor: { type: "guest", id: null },
          requestId: c.var.requestId,
        })
      : null;
    if (!confirmed) {
      return unknownLink(c);
    }
    // Shown directly rather than redirected: the token is used up, so its page would only answer 404.
    return renderPage(c, {
      title: say("title"),
      body: html`<h1>${say("title")}</h1><p class="notice panel-done" role="status">${say("done")}</p>
<p>${say("stop")}</p>
<p><a href="/reports/${confirmed.reference}">${say("report")}</a> <span class="reference">${confirmed.reference}</span></p>`,
    });
  });
