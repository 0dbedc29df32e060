import { Hono } from "hono";
import type { AppEnv } from "../../core/http/app-env.ts";
import { askLinkPage, doneLinkPage, type FollowerLinkText, unknownLinkPage } from "./follower-link-pages.ts";
import { unsubscribePath } from "./follower-links.ts";
import { findUnsubscribeFollower, unsubscribeFollower } from "./operations/unsubscribe-follower.ts";

const text: FollowerLinkText = {
  title: { ja: "お知らせの停止", en: "Stop updates" },
  lead: {
    ja: "次の通報について、このメールアドレスへのお知らせを止めます。",
    en: "Updates on this report will no longer be sent to your e-mail address.",
  },
  askHint: {
    ja: "使えるのは最新のお知らせメールにあるリンクだけです。",
    en: "Only the link in the newest update e-mail works.",
  },
  button: { ja: "お知らせを止める", en: "Stop updates" },
  done: {
    ja: "お知らせを止めました。この通報についてのメールはもう届きません。",
    en: "Updates stopped. You will get no more e-mails about this report.",
  },
  unknown: {
    ja: "お知らせはすでに止まっているか、より新しいメールが届いています。最新のメールのリンクをお使いください。",
    en: "Updates were already stopped, or a newer e-mail has been sent. Please use the link in the newest e-mail.",
  },
};

/** The one-click unsubscribe of an e-mail follower, authorised by the link's secret alone. GET only asks. */
export const reportUnsubscribePages = new Hono<AppEnv>()
  .get("/reports/unsubscribe/:token", async (c) => {
    const token = c.req.param("token");
    const found = await findUnsubscribeFollower(c.var.services.database.db, c.var.tenant.id, token);
    return found
      ? askLinkPage(c, { text, reference: found.reference, action: unsubscribePath(token) })
      : unknownLinkPage(c, text);
  })
  .post("/reports/unsubscribe/:token", async (c) => {
    const removed = await unsubscribeFollower({
      db: c.var.services.database.db,
      tenantId: c.var.tenant.id,
      token: c.req.param("token"),
      // The link's secret, not a session, authorises this: whoever holds it acts as a guest.
      actor: { type: "guest", id: null },
      requestId: c.var.requestId,
    });
    return removed ? doneLinkPage(c, { text, reference: removed.reference }) : unknownLinkPage(c, text);
  });
