import { and, desc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/database.ts";
import { residents } from "../identity/schema.ts";
import { defineJob } from "../jobs/define-job.ts";
import { enqueueJob } from "../jobs/enqueue-job.ts";
import { PermanentMailError } from "./mailer.ts";
import {
  MissingPersonalisationError,
  type Personalisation,
  placeholdersOf,
  renderTemplate,
} from "./render-template.ts";
import { notifications, notificationTemplates } from "./schema.ts";

export type NotificationChannel = "email" | "inbox";

export type SendNotificationOptions = {
  tenantId: string;
  templateKey: string;
  /** A resident gets the inbox copy and, by default, email to their address in their language. */
  residentId?: string;
  /** An address without an account (e.g. a resume link to a guest). */
  email?: string;
  language?: "ja" | "en";
  channels: readonly NotificationChannel[];
  personalisation: Personalisation;
  /** The caller's own id for the message, never personal data (e.g. a reference number). */
  reference?: string;
};

export class NotificationTemplateNotFoundError extends Error {
  override name = "NotificationTemplateNotFoundError";
}

/**
 * Renders a template now (so the message keeps the text of the version it was sent with), stores one
 * message per channel, and leaves email delivery to a job. Call it in the transaction of the change that
 * causes it, or from an event subscriber.
 */
export async function sendNotification(tx: Db, options: SendNotificationOptions): Promise<string[]> {
  const resident = options.residentId
    ? (
        await tx
          .select()
          .from(residents)
          .where(and(eq(residents.id, options.residentId), eq(residents.tenantId, options.tenantId)))
      )[0]
    : undefined;
  if (options.residentId && !resident) {
    throw new Error(`Resident ${options.residentId} is not in tenant ${options.tenantId}`);
  }
  const language = options.language ?? resident?.preferredLanguage ?? "ja";
  const template = await latestTemplate(tx, options.tenantId, options.templateKey, language);
  // Check subject and body together so the error names everything missing, not just the subject's part.
  const missing = placeholdersOf(`${template.subject}\n${template.body}`).filter(
    (name) => !Object.hasOwn(options.personalisation, name),
  );
  if (missing.length > 0) {
    throw new MissingPersonalisationError(missing);
  }
  const subject = renderTemplate(template.subject, options.personalisation);
  const body = renderTemplate(template.body, options.personalisation);
  const emailAddress = options.email ?? resident?.email ?? null;

  type Row = { channel: NotificationChannel; recipient: string | null; status: "delivered" | "created" };
  const rows: Row[] = [];
  for (const channel of options.channels) {
    if (channel === "inbox" && resident) {
      rows.push({ channel, recipient: null, status: "delivered" });
    }
    if (channel === "email" && emailAddress) {
      rows.push({ channel, recipient: emailAddress, status: "created" });
    }
  }
  if (rows.length === 0) {
    return [];
  }
  const inserted = await tx
    .insert(notifications)
    .values(
      rows.map((row) => ({
        ...row,
        tenantId: options.tenantId,
        templateId: template.id,
        residentId: resident?.id ?? null,
        subject,
        body,
        reference: options.reference ?? null,
        sentAt: row.channel === "inbox" ? new Date() : null,
      })),
    )
    .returning({ id: notifications.id, channel: notifications.channel });
  for (const row of inserted.filter((r) => r.channel === "email")) {
    await enqueueJob(tx, {
      job: deliverEmailJob,
      payload: { notificationId: row.id },
      tenantId: options.tenantId,
    });
  }
  return inserted.map((row) => row.id);
}

async function latestTemplate(tx: Db, tenantId: string, key: string, language: "ja" | "en") {
  const candidates = await tx
    .select()
    .from(notificationTemplates)
    .where(
      and(
        eq(notificationTemplates.tenantId, tenantId),
        eq(notificationTemplates.key, key),
        inArray(notificationTemplates.language, [language, "ja"]),
      ),
    )
    .orderBy(desc(notificationTemplates.version));
  // Fall back to Japanese: every template exists in Japanese, translations may lag.
  const template =
    candidates.find((t) => t.language === language) ?? candidates.find((t) => t.language === "ja");
  if (!template) {
    throw new NotificationTemplateNotFoundError(`No notification template ${key} for this tenant`);
  }
  return template;
}

export const deliverEmailJob = defineJob({
  name: "notifications.deliver-email",
  payload: z.object({ notificationId: z.uuid() }),
  maxAttempts: 6,
  async handle({ notificationId }, { services }) {
    const { db } = services.database;
    const [message] = await db.select().from(notifications).where(eq(notifications.id, notificationId));
    if (
      !message ||
      message.status === "delivered" ||
      message.status === "permanent-failure" ||
      !message.recipient
    ) {
      return;
    }
    await db.update(notifications).set({ status: "sending" }).where(eq(notifications.id, notificationId));
    try {
      const messageId = await services.mailer.send({
        to: message.recipient,
        subject: message.subject,
        text: message.body,
        ...(message.reference ? { reference: message.reference } : {}),
      });
      await db
        .update(notifications)
        .set({ status: "delivered", statusDetail: messageId, sentAt: new Date() })
        .where(eq(notifications.id, notificationId));
    } catch (error) {
      const permanent = error instanceof PermanentMailError;
      await db
        .update(notifications)
        .set({
          status: permanent ? "permanent-failure" : "temporary-failure",
          statusDetail: (error as Error).message,
        })
        .where(eq(notifications.id, notificationId));
      if (!permanent) {
        throw error;
      }
    }
  },
});
