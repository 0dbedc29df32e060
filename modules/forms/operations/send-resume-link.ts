import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { hashSecret } from "../../../core/identity/auth-flows.ts";
import { ensureTemplate } from "../../../core/notifications/save-template.ts";
import { sendNotification } from "../../../core/notifications/send-notification.ts";
import { type Application, applications } from "../schema.ts";
import { GUEST_DRAFT_DAYS } from "./start-application.ts";

export const RESUME_TEMPLATE = "forms.resume_link";

const templates = {
  ja: {
    subject: "【((city))】申請の続きはこちらから",
    body: "「((form))」の入力内容を保存しました。\n次のリンクから続きを入力できます（((days))日間有効）。\n((url))\n\nこのリンクを知っている人は誰でも入力内容を見られます。他の人に転送しないでください。",
  },
  en: {
    subject: "[((city))] Continue your application",
    body: 'We saved your answers to "((form))".\nContinue with this link (valid for ((days)) days):\n((url))\n\nAnyone with this link can see your answers, so please do not forward it.',
  },
} as const;

export type SendResumeLinkOptions = {
  tx: Db;
  tenantId: string;
  application: Application;
  email: string;
  formTitle: string;
  cityName: string;
  /** The site's origin, e.g. https://city.example.jp, to build the link. */
  origin: string;
  requestId?: string | null;
};

/**
 * Emails a guest a link that reopens their draft for 7 days. The key is new each time (an older link stops
 * working) and the guest's cookie is replaced with it by the caller.
 */
export async function sendResumeLink(options: SendResumeLinkOptions): Promise<{ guestKey: string }> {
  const { tx, application } = options;
  const guestKey = randomBytes(24).toString("base64url");
  await tx
    .update(applications)
    .set({
      guestKeyHash: hashSecret(guestKey),
      guestEmail: options.email,
      resumeExpiresAt: new Date(Date.now() + GUEST_DRAFT_DAYS * 86_400_000),
      updatedAt: new Date(),
    })
    .where(eq(applications.id, application.id));
  const language = application.locale;
  await ensureTemplate(tx, {
    tenantId: options.tenantId,
    key: RESUME_TEMPLATE,
    language,
    ...templates[language],
  });
  await sendNotification(tx, {
    tenantId: options.tenantId,
    templateKey: RESUME_TEMPLATE,
    email: options.email,
    language,
    channels: ["email"],
    personalisation: {
      city: options.cityName,
      form: options.formTitle,
      days: String(GUEST_DRAFT_DAYS),
      url: `${options.origin}/forms/resume/${application.id}.${guestKey}`,
    },
  });
  await recordChange(tx, {
    tenantId: options.tenantId,
    actor: { type: "guest", id: null },
    action: "forms.application.resume_link_sent",
    resource: { type: "forms_application", id: application.id },
    requestId: options.requestId ?? null,
  });
  return { guestKey };
}
