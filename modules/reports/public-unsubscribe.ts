import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../../core/http/app-env.ts";
import { csrfField, renderPage } from "../../core/http/layout.ts";
import { findUnsubscribeFollower, unsubscribeFollower } from "./operations/unsubscribe-follower.ts";
import { unsubscribePath } from "./unsubscribe-token.ts";

const text = {
  title: { ja: "お知らせの停止", en: "Stop updates" },
  lead: {
    ja: "次の通報について、このメールアドレスへのお知らせを止めます。",
    en: "Updates on this report will no longer be sent to your e-mail address.",
  },
  reference: { ja: "受付番号", en: "Reference" },
  newest: {
    ja: "使えるのは最新のお知らせメールにあるリンクだけです。",
    en: "Only the link in the newest update e-mail works.",
  },
  button: { ja: "お知らせを止める", en: "Stop updates" },
  done: {
    ja: "お知らせを止めました。この通報についてのメールはもう届きません。",
    en: "Updates stopped. You will get no more e-mails about this report.",
  },
  report: { ja: "通報の状況を見る", en: "See the report" },
  unknownTitle: { ja: "このリンクは使えません", en: "This link cannot be used" },
  unknown: {
    ja: "お知らせはすでに止まっているか、より新しいメールが届いています。最新のメールのリンクをお使いください。",
    en: "Updates were already stopped, or a newer e-mail has been sent. Please use the link in the newest e-mail.",
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
 * The one-click unsubscribe of an e-mail follower, authorised by the link's secret alone. GET only asks:
 * mail scanners fetch links, so only the button's POST stops anything.
 */
export const reportUnsubscribePages = new Hono<AppEnv>()
  .get("/reports/unsubscribe/:token", async (c) => {
    const say = (key: keyof typeof text) => text[key][c.var.lang];
    const token = c.req.param("token");
    const found = await findUnsubscribeFollower(c.var.services.database.db, c.var.tenant.id, token);
    if (!found) {
      return unknownLink(c);
    }
    const action = `${unsubscribePath(token)}${c.var.lang === "en" ? "?lang=en" : ""}`;
    return renderPage(c, {
      title: say("title"),
      body: html`<h1>${say("title")}</h1><p>${say("lead")}</p>
<dl class="summary"><div><dt>${say("reference")}</dt><dd><span class="reference">${found.reference}</span></dd></div></dl>
<p class="hint">${say("newest")}</p>
<form method="post" action="${action}">${csrfField(c)}<button type="submit">${say("button")}</button></form>`,
    });
  })
  .post("/reports/unsubscribe/:token", async (c) => {
    const say = (key: keyof typeof text) => text[key][c.var.lang];
    const removed = await unsubscribeFollower({
      db: c.var.services.database.db,
      tenantId: c.var.tenant.id,
      token: c.req.param("token"),
      // The link's secret, not a session, authorises this: whoever holds it acts as a guest.
      actor: { type: "guest", id: null },
      requestId: c.var.requestId,
    });
    if (!removed) {
      return unknownLink(c);
    }
    // Shown directly rather than redirected: the token is used up, so its address would only answer 404.
    return renderPage(c, {
      title: say("title"),
      body: html`<h1>${say("title")}</h1><p class="notice panel-done" role="status">${say("done")}</p>
<p><a href="/reports/${removed.reference}">${say("report")}</a> <span class="reference">${removed.reference}</span></p>`,
    });
  });
