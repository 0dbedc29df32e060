import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import nodemailer from "nodemailer";

export type OutgoingMail = { to: string; subject: string; text: string; html?: string; reference?: string };

export type Mailer = {
  /** Resolves with the transport's message id; rejects with PermanentMailError for a refused address. */
  send(mail: OutgoingMail): Promise<string>;
};

/** The recipient will never accept this message: do not retry. */
export class PermanentMailError extends Error {
  override name = "PermanentMailError";
}

export type CreateMailerOptions = {
  from: string;
  /** smtp://host:port; without it, messages are written as .eml files to outboxDir (the demo needs no mail server). */
  smtpUrl?: string;
  outboxDir: string;
};

/** The same message options for both transports (`reference` is ours, not nodemailer's: it becomes a header). */
function messageOf(from: string, mail: OutgoingMail) {
  return {
    from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    ...(mail.html ? { html: mail.html } : {}),
    ...(mail.reference ? { headers: { "X-Tenohira-Reference": mail.reference } } : {}),
  };
}

export function createMailer({ from, smtpUrl, outboxDir }: CreateMailerOptions): Mailer {
  if (!smtpUrl) {
    const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
    return {
      async send(mail) {
        const info = await transport.sendMail(messageOf(from, mail));
        await mkdir(outboxDir, { recursive: true });
        const file = join(outboxDir, `${Date.now()}-${info.messageId.replace(/[^a-z0-9.-]/gi, "")}.eml`);
        await writeFile(file, info.message as Buffer);
        return info.messageId;
      },
    };
  }
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      try {
        const info = await transport.sendMail(messageOf(from, mail));
        return info.messageId;
      } catch (error) {
        const code = (error as { responseCode?: number }).responseCode;
        // 5xx replies to RCPT/DATA mean the address or message is refused for good.
        if (code !== undefined && code >= 500 && code < 600) {
          throw new PermanentMailError((error as Error).message);
        }
        throw error;
      }
    },
  };
}
