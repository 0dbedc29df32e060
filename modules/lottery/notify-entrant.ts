import { eq } from "drizzle-orm";
import type { Db } from "../../core/db/database.ts";
import { residents } from "../../core/identity/schema.ts";
import { ensureTemplate } from "../../core/notifications/save-template.ts";
import { sendNotification } from "../../core/notifications/send-notification.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import { roundTitle, slotLabel, tokyoDateTime } from "./presenters.ts";
import type { Entry, LotterySlot, Round } from "./schema.ts";

type Template = { subject: string; body: string };

/** The built-in messages; a city's own edits are new template versions. */
export const lotteryTemplates: Record<
  "lottery.won" | "lottery.lost" | "lottery.promoted",
  Record<"ja" | "en", Template>
> = {
  "lottery.won": {
    ja: {
      subject: "【((city))】抽選結果のお知らせ：当選（((title))）",
      body: "「((title))」の抽選に当選しました。\n\n((slots))\n\n((deadline))までに、次のページで予約を確定し、使用料をお支払いください。期限を過ぎると当選は取り消されます。\n((link))",
    },
    en: {
      subject: "[((city))] Lottery result: you won (((title)))",
      body: "You won in the lottery “((title))”.\n\n((slots))\n\nPlease confirm the booking and pay by ((deadline)) on the page below, or the win lapses.\n((link))",
    },
  },
  "lottery.promoted": {
    ja: {
      subject: "【((city))】繰り上げ当選のお知らせ（((title))）",
      body: "「((title))」で当選者の辞退・失効により、次の枠が繰り上げ当選となりました。\n\n((slots))\n\n((deadline))までに、次のページで予約を確定し、使用料をお支払いください。期限を過ぎると当選は取り消されます。\n((link))",
    },
    en: {
      subject: "[((city))] You moved up from the waiting list (((title)))",
      body: "A win in the lottery “((title))” was given up or lapsed, and the following slot is now yours.\n\n((slots))\n\nPlease confirm the booking and pay by ((deadline)) on the page below, or the win lapses.\n((link))",
    },
  },
  "lottery.lost": {
    ja: {
      subject: "【((city))】抽選結果のお知らせ（((title))）",
      body: "「((title))」の抽選の結果、今回はご希望の枠に当選しませんでした。\n抽選の記録（シードと全手順）は次のページで公開しています。\n((link))",
    },
    en: {
      subject: "[((city))] Lottery result (((title)))",
      body: "The lottery “((title))” has been drawn, and this time none of your choices won.\nThe draw (seed and every step) is published here:\n((link))",
    },
  },
};

/**
 * Tells an entrant the result, in the inbox and by email in their language. Runs in the draw's transaction,
 * so the messages exist only if the draw committed; email delivery is the notifications job's.
 */
export async function notifyEntrant(
  tx: Db,
  o: {
    round: Round;
    entry: Entry;
    won: { slot: LotterySlot; path: string }[];
    origin: string | null;
    /** A 繰り上げ当選 with its own confirm-by deadline, instead of the draw's result. */
    promotedUntil?: Date;
  },
): Promise<void> {
  const [resident] = await tx.select().from(residents).where(eq(residents.id, o.entry.residentId));
  if (!resident || resident.deletedAt) {
    return;
  }
  const language = resident.preferredLanguage ?? "ja";
  const key = o.promotedUntil ? "lottery.promoted" : o.won.length > 0 ? "lottery.won" : "lottery.lost";
  for (const lang of new Set(["ja", language] as const)) {
    await ensureTemplate(tx, {
      tenantId: o.round.tenantId,
      key,
      language: lang,
      ...lotteryTemplates[key][lang],
    });
  }
  const [tenant] = await tx.select().from(tenants).where(eq(tenants.id, o.round.tenantId));
  const origin = o.origin ?? "";
  await sendNotification(tx, {
    tenantId: o.round.tenantId,
    templateKey: key,
    residentId: resident.id,
    language,
    channels: ["email", "inbox"],
    reference: o.entry.id,
    personalisation: {
      city: language === "ja" ? tenant!.nameJa : tenant!.nameEn,
      title: roundTitle(o.round, language),
      slots: o.won.map((w) => `・${slotLabel(w.slot, language)}`).join("\n"),
      deadline: tokyoDateTime(o.promotedUntil ?? o.round.confirmBy, language),
      link:
        o.won.length > 0
          ? o.won.map((w) => `${origin}${w.path}`).join("\n")
          : `${origin}/lottery/${o.round.id}/draw`,
    },
  });
}
