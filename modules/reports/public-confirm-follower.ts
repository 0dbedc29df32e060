import { Hono } from "hono";
import type { AppEnv } from "../../core/http/app-env.ts";
import { askLinkPage, doneLinkPage, type FollowerLinkText, unknownLinkPage } from "./follower-link-pages.ts";
import { CONFIRM_FOLLOWER_PATH } from "./follower-links.ts";
import { CONFIRM_LINK_DAYS, confirmFollower, findConfirmFollower } from "./operations/confirm-follower.ts";

const text: FollowerLinkText = {
  title: { ja: "メールアドレスの確認", en: "Confirm your e-mail address" },
  lead: {
    ja: "次の通報の対応の状況を、このメールアドレスにお知らせします。よろしければ「確認する」を押してください。",
    en: "Updates on this report will be sent to your e-mail address. If that is what you want, press Confirm.",
  },
  button: { ja: "確認する", en: "Confirm" },
  done: {
    ja: "確認しました。この通報の状況が変わるとメールでお知らせします。",
    en: "Confirmed. You will get an e-mail when this report changes.",
  },
  doneHint: {
    ja: "お知らせのメールにあるリンクから、いつでも止められます。",
    en: "You can stop them at any time by the link in each update e-mail.",
  },
  unknown: {
    ja: `このリンクは期限切れ（${CONFIRM_LINK_DAYS}日）か、不明なリンクです。確認がすでに済んでいるか、リンクが正しくない可能性があります。メールにあるリンクをそのままお使いください。`,
    en: `This link has expired (after ${CONFIRM_LINK_DAYS} days) or is unknown. The address may already be confirmed, or the link is not complete. Please use the link exactly as it is in the e-mail.`,
  },
};

/** The double opt-in of an address typed into a report, authorised by the mailed link's secret alone. */
export const reportConfirmFollowerPages = new Hono<AppEnv>()
  .get(CONFIRM_FOLLOWER_PATH, async (c) => {
    const token = c.req.query("token") ?? "";
    const found = token
      ? await findConfirmFollower(c.var.services.database.db, c.var.tenant.id, token)
      : null;
    // The secret travels on in the form's body, not its address.
    return found
      ? askLinkPage(c, {
          text,
          reference: found.reference,
          action: CONFIRM_FOLLOWER_PATH,
          hiddenToken: token,
        })
      : unknownLinkPage(c, text);
  })
  .post(CONFIRM_FOLLOWER_PATH, async (c) => {
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
    return confirmed ? doneLinkPage(c, { text, reference: confirmed.reference }) : unknownLinkPage(c, text);
  });
