import { and, eq } from "drizzle-orm";
import type { Db } from "../../core/db/database.ts";
import { domainEvents } from "../../core/events/schema.ts";
import { residents } from "../../core/identity/schema.ts";
import { ensureTemplate } from "../../core/notifications/save-template.ts";
import { sendNotification } from "../../core/notifications/send-notification.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import { newLinkToken, unsubscribePath } from "./follower-links.ts";
import { reportEntries, reportFollowers, reportStatuses, reports } from "./schema.ts";

export const FOLLOWER_TEMPLATE_KEY = "reports.follower_update";

/** The built-in message to followers; a city's own edits are new template versions. */
export const followerTemplates: Record<"ja" | "en", { subject: string; body: string }> = {
  ja: {
    subject: "【((city))】通報の状況のお知らせ（受付番号 ((reference))）",
    body: "通報（受付番号 ((reference))）の状況は「((status))」です。\n\n((message))\n\n詳しくはこちら:\n((link))((unsubscribe??\n\nこの通報のお知らせを止めるには（最新のメールのリンクだけが使えます）:\n))((unsubscribe))",
  },
  en: {
    subject: "[((city))] Update on report ((reference))",
    body: "Report ((reference)) is now: ((status)).\n\n((message))\n\nDetails:\n((link))((unsubscribe??\n\nTo stop updates on this report, use the link in the newest e-mail:\n))((unsubscribe))",
  },
};

export type FollowerUpdate = {
  eventId: number;
  eventName: string;
  /** The city the event belongs to: every row read is of this city. */
  tenantId: string;
  reportId: string;
  /** The status the change moved it to (the event's `to`); otherwise the entry's, then the report's. */
  toStatus?: string | null;
  /** The reply or status entry the event is about; its public text goes into the message. */
  entryId?: number | null;
  /** For a merge: the report it now belongs to. */
  intoId?: string | null;
  /** The site's origin for the link; without it the link is a path. */
  origin?: string | null;
};

/**
 * Tells every follower of a report what changed: the status it moved to, the public reply text, and where to
 * see it. Residents get inbox and email in their own language setting, e-mail followers (once they have
 * confirmed their address) an email in the language they followed in. The one who made the change (a resident reopening it) is not told about their
 * own action. The status named is the one of the event, not the report's current one, so a message delivered
 * after a later change still tells what this change did.
 */
export async function notifyFollowers(db: Db, update: FollowerUpdate): Promise<number> {
  return db.transaction(async (tx) => {
    const [report] = await tx
      .select()
      .from(reports)
      .where(and(eq(reports.tenantId, update.tenantId), eq(reports.id, update.reportId)));
    if (!report) {
      return 0;
    }
    const [event] = await tx.select().from(domainEvents).where(eq(domainEvents.id, update.eventId));
    const [entry] = update.entryId
      ? await tx
          .select()
          .from(reportEntries)
          .where(
            and(
              eq(reportEntries.tenantId, report.tenantId),
              eq(reportEntries.id, update.entryId),
              eq(reportEntries.reportId, report.id),
            ),
          )
      : [];
    const statusKey = update.toStatus ?? entry?.toStatus ?? report.statusKey;
    const [status] = await tx
      .select()
      .from(reportStatuses)
      .where(and(eq(reportStatuses.tenantId, report.tenantId), eq(reportStatuses.key, statusKey)));
    const [tenant] = await tx.select().from(tenants).where(eq(tenants.id, report.tenantId));
    const [into] = update.intoId
      ? await tx
          .select()
          .from(reports)
          .where(and(eq(reports.tenantId, report.tenantId), eq(reports.id, update.intoId)))
      : [];
    const followers = await tx
      .select({ follower: reportFollowers, resident: residents })
      .from(reportFollowers)
      .leftJoin(residents, eq(residents.id, reportFollowers.residentId))
      .where(and(eq(reportFollowers.tenantId, report.tenantId), eq(reportFollowers.reportId, report.id)));
    const actorResident = event?.actorType === "resident" ? event.actorId : null;
    const actorEmail = actorResident
      ? followers.find((f) => f.resident?.id === actorResident)?.resident?.email?.toLowerCase()
      : undefined;
    const reply = entry?.public && entry.body ? entry.body : null;
    const message = (lang: "ja" | "en") => {
      if (into) {
        return lang === "ja"
          ? `同じ場所の通報（受付番号 ${into.reference}）とまとめて対応します。今後はそちらの状況をお知らせします。`
          : `It is being handled together with report ${into.reference} of the same place; you will hear about that one from now on.`;
      }
      if (update.eventName === "reports.report_reopened") {
        return lang === "ja" ? "通報が再開されました。" : "The report was reopened.";
      }
      return reply ?? "";
    };
    let sent = 0;
    for (const { follower, resident } of followers) {
      if (resident?.deletedAt) {
        continue;
      }
      if (follower.residentId && follower.residentId === actorResident) {
        continue;
      }
      if (!follower.residentId && actorEmail && follower.email?.toLowerCase() === actorEmail) {
        continue;
      }
      // An address nobody has confirmed as theirs gets nothing: anyone can type a stranger's address.
      if (!follower.residentId && (!follower.email || !follower.confirmedAt)) {
        continue;
      }
      const language = follower.residentId ? (resident?.preferredLanguage ?? "ja") : follower.locale;
      // The raw token exists only in this message; the row keeps the hash of the newest one, so links in
      // older e-mails stop working (residents unfollow on the report page instead).
      let unsubscribe = "";
      if (!follower.residentId) {
        const { token, hash } = newLinkToken();
        await tx
          .update(reportFollowers)
          .set({ unsubscribeTokenHash: hash })
          .where(and(eq(reportFollowers.tenantId, report.tenantId), eq(reportFollowers.id, follower.id)));
        unsubscribe = `${update.origin ?? ""}${unsubscribePath(token)}`;
      }
      for (const lang of new Set(["ja", language] as const)) {
        await ensureTemplate(tx, {
          tenantId: report.tenantId,
          key: FOLLOWER_TEMPLATE_KEY,
          language: lang,
          ...followerTemplates[lang],
        });
      }
      await sendNotification(tx, {
        tenantId: report.tenantId,
        templateKey: FOLLOWER_TEMPLATE_KEY,
        ...(follower.residentId ? { residentId: follower.residentId } : { email: follower.email! }),
        language,
        channels: follower.residentId ? ["email", "inbox"] : ["email"],
        reference: report.reference,
        personalisation: {
          city: language === "ja" ? tenant!.nameJa : tenant!.nameEn,
          reference: report.reference,
          status: status ? (language === "ja" ? status.labelJa : status.labelEn) : statusKey,
          message: message(language),
          link: `${update.origin ?? ""}/reports/${report.reference}`,
          unsubscribe,
        },
      });
      sent++;
    }
    return sent;
  });
}
