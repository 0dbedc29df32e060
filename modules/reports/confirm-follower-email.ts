import { and, eq, isNotNull, isNull } from "drizzle-orm";
import type { Logger } from "pino";
import type { Db } from "../../core/db/database.ts";
import { consumeRateLimit } from "../../core/identity/rate-limit.ts";
import { ensureTemplate } from "../../core/notifications/save-template.ts";
import { sendNotification } from "../../core/notifications/send-notification.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import { confirmFollowerPath, newLinkToken } from "./follower-links.ts";
import { type ReportChannel, reportFollowers, reports } from "./schema.ts";

export const CONFIRM_TEMPLATE_KEY = "reports.follower_confirm";
/** Japanese and English in one mail, for an address whose owner chose no language (see languageKnown). */
export const CONFIRM_BOTH_TEMPLATE_KEY = "reports.follower_confirm_both";

/** Confirmation mails one address gets per city in a day: typing a stranger's address cannot flood them. */
export const CONFIRM_MAIL_LIMIT = { limit: 3, windowSeconds: 24 * 60 * 60 };

/**
 * On the web and LINE the reporter picked the page's language, which the follower row keeps. Staff entering a
 * call and Open311 apps pass none, so 'ja' there may be a default an English-speaking caller never chose.
 */
const languageKnown = (channel: ReportChannel) => channel === "web" || channel === "line";

/** The built-in confirmation message; a city's own edits are new template versions. */
export const confirmTemplates: Record<"ja" | "en", { subject: string; body: string }> = {
  ja: {
    subject: "【((city))】メールアドレスの確認（受付番号 ((reference))）",
    body: "通報（受付番号 ((reference))）を受け付けました。\n\nこのメールアドレスに対応の状況をお知らせするには、次のページを開き「確認する」を押してください:\n((link))\n\n心当たりがなければ、このメールは無視してください。お知らせは届きません。",
  },
  en: {
    subject: "[((city))] Confirm your e-mail address for report ((reference))",
    body: "We received report ((reference)).\n\nTo get updates on it at this address, open this page and press Confirm:\n((link))\n\nIf you did not make this report, ignore this e-mail: no updates will be sent.",
  },
};

const confirmBothTemplate = {
  subject: "【((city))】メールアドレスの確認 / Confirm your e-mail address（((reference))）",
  body: `${confirmTemplates.ja.body}\n\n----------\n\n${confirmTemplates.en.body.replace("((link))", "((link_en))")}`,
};

/**
 * Mails each unconfirmed e-mail follower of a report one link to confirm the address. A follower is picked only
 * while it has neither a confirmation nor a pending link, and the link's hash is stored in the transaction
 * that queues the message: a retried job finds the hash and sends nothing again. An address over its daily
 * limit gets no mail and stays pending, without updates.
 */
export async function sendFollowerConfirmations(
  db: Db,
  options: { tenantId: string; reportId: string; origin?: string | null; logger?: Logger },
): Promise<number> {
  return db.transaction(async (tx) => {
    const [report] = await tx
      .select({ reference: reports.reference, channel: reports.channel })
      .from(reports)
      .where(and(eq(reports.tenantId, options.tenantId), eq(reports.id, options.reportId)));
    if (!report) {
      return 0;
    }
    const pending = await tx
      .select()
      .from(reportFollowers)
      .where(
        and(
          eq(reportFollowers.tenantId, options.tenantId),
          eq(reportFollowers.reportId, options.reportId),
          isNotNull(reportFollowers.email),
          isNull(reportFollowers.confirmedAt),
          isNull(reportFollowers.confirmTokenHash),
        ),
      )
      .for("update");
    if (pending.length === 0) {
      return 0;
    }
    const [tenant] = await tx.select().from(tenants).where(eq(tenants.id, options.tenantId));
    let sent = 0;
    for (const follower of pending) {
      const email = follower.email!;
      const allowed = await consumeRateLimit(tx, {
        key: `report-confirm:${options.tenantId}:${email.toLowerCase()}`,
        ...CONFIRM_MAIL_LIMIT,
      });
      if (!allowed) {
        // The address is personal data: the row id identifies it.
        options.logger?.warn(
          { tenantId: options.tenantId, followerId: follower.id },
          "report follower confirmation not mailed: the address's daily limit is reached",
        );
        continue;
      }
      const { token, hash } = newLinkToken();
      const claimed = await tx
        .update(reportFollowers)
        .set({ confirmTokenHash: hash })
        .where(
          and(
            eq(reportFollowers.tenantId, options.tenantId),
            eq(reportFollowers.id, follower.id),
            isNull(reportFollowers.confirmTokenHash),
          ),
        )
        .returning({ id: reportFollowers.id });
      if (claimed.length === 0) {
        continue;
      }
      const language = follower.locale;
      const both = language === "ja" && !languageKnown(report.channel);
      const link = `${options.origin ?? ""}${confirmFollowerPath(token)}`;
      if (both) {
        await ensureTemplate(tx, {
          tenantId: options.tenantId,
          key: CONFIRM_BOTH_TEMPLATE_KEY,
          language: "ja",
          ...confirmBothTemplate,
        });
      } else {
        for (const lang of new Set(["ja", language] as const)) {
          await ensureTemplate(tx, {
            tenantId: options.tenantId,
            key: CONFIRM_TEMPLATE_KEY,
            language: lang,
            ...confirmTemplates[lang],
          });
        }
      }
      await sendNotification(tx, {
        tenantId: options.tenantId,
        templateKey: both ? CONFIRM_BOTH_TEMPLATE_KEY : CONFIRM_TEMPLATE_KEY,
        email,
        language,
        channels: ["email"],
        reference: report.reference,
        personalisation: {
          city: both
            ? `${tenant!.nameJa} / ${tenant!.nameEn}`
            : language === "ja"
              ? tenant!.nameJa
              : tenant!.nameEn,
          reference: report.reference,
          link: language === "en" ? `${link}&lang=en` : link,
          link_en: `${link}&lang=en`,
        },
      });
      sent++;
    }
    return sent;
  });
}
