import { and, eq } from "drizzle-orm";
import type { Db } from "../db/database.ts";
import { type Resident, residents } from "../identity/schema.ts";
import type { Personalisation } from "../notifications/render-template.ts";
import { ensureTemplate } from "../notifications/save-template.ts";
import { sendNotification } from "../notifications/send-notification.ts";
import { tenants } from "../tenancy/schema.ts";
import type { Case } from "./schema.ts";

type Template = { subject: string; body: string };

/** The built-in messages to residents about their cases; a city's own edits are new template versions. */
export const caseTemplates: Record<string, Record<"ja" | "en", Template>> = {
  "cases.status_changed": {
    ja: {
      subject: "【((city))】申請の状況のお知らせ（受付番号 ((reference))）",
      body: "「((title))」の状況が「((status))」になりました。\n((reason))\n((link))",
    },
    en: {
      subject: "[((city))] Update on your application (reference ((reference)))",
      body: "Your application “((title))” is now: ((status)).\n((reason))\n((link))",
    },
  },
  "cases.message": {
    ja: {
      subject: "【((city))】申請についてのメッセージ（受付番号 ((reference))）",
      body: "「((title))」について、市からのメッセージです。\n\n((message))\n\n((link))",
    },
    en: {
      subject: "[((city))] A message about your application (reference ((reference)))",
      body: "A message from the city about “((title))”:\n\n((message))\n\n((link))",
    },
  },
};

export type CaseTemplateKey = "cases.status_changed" | "cases.message";

/** The path of the resident's page for a case. */
export const residentCasePath = (caseId: string) => `/my/cases/${caseId}`;

export type CaseRecipient = { resident: Resident } | { email: string };

/**
 * Who hears about a case: the resident's account, or the address a guest gave. Nobody for a deleted account
 * or a paper application without an address.
 */
export async function caseRecipient(tx: Db, found: Case): Promise<CaseRecipient | null> {
  if (found.residentId) {
    const [resident] = await tx
      .select()
      .from(residents)
      .where(and(eq(residents.id, found.residentId), eq(residents.tenantId, found.tenantId)));
    return resident && !resident.deletedAt ? { resident } : null;
  }
  return found.notifyEmail ? { email: found.notifyEmail } : null;
}

/**
 * Tells the resident about their case: inbox and email for an account holder (in their language), email to
 * the address given for a guest (in the language they applied in). Returns false when there is nobody to tell.
 */
export async function notifyCaseResident(
  tx: Db,
  o: {
    found: Case;
    templateKey: CaseTemplateKey;
    personalisation: (language: "ja" | "en") => Personalisation;
    /** The site's origin for the link in the message; without it the link is a path. */
    origin?: string | null;
  },
): Promise<boolean> {
  const { found } = o;
  const recipient = await caseRecipient(tx, found);
  if (!recipient) {
    return false;
  }
  const resident = "resident" in recipient ? recipient.resident : null;
  const language = resident?.preferredLanguage ?? found.locale;
  const [tenant] = await tx.select().from(tenants).where(eq(tenants.id, found.tenantId));
  for (const lang of new Set(["ja", language] as const)) {
    await ensureTemplate(tx, {
      tenantId: found.tenantId,
      key: o.templateKey,
      language: lang,
      ...caseTemplates[o.templateKey]![lang],
    });
  }
  const url = `${o.origin ?? ""}${residentCasePath(found.id)}`;
  // A guest has no case page to open; the reference is what they can quote.
  const link = resident
    ? language === "ja"
      ? `詳しくはこちらからご確認ください。\n${url}`
      : `See the details here:\n${url}`
    : language === "ja"
      ? "お問い合わせの際は受付番号をお伝えください。"
      : "Please quote the reference if you contact us.";
  await sendNotification(tx, {
    tenantId: found.tenantId,
    templateKey: o.templateKey,
    ...("resident" in recipient ? { residentId: recipient.resident.id } : { email: recipient.email }),
    language,
    channels: resident ? ["email", "inbox"] : ["email"],
    reference: found.reference,
    personalisation: {
      city: language === "ja" ? tenant!.nameJa : tenant!.nameEn,
      reference: found.reference,
      title: language === "ja" ? found.titleJa : found.titleEn,
      link,
      ...o.personalisation(language),
    },
  });
  return true;
}
