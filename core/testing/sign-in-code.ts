import { and, desc, eq } from "drizzle-orm";
import type { Db } from "../db/database.ts";
import { notifications } from "../notifications/schema.ts";

/** The code of the newest sign-in email to an address, read from the stored message as a mailbox would. */
export async function latestSignInCode(db: Db, email: string): Promise<string> {
  const [message] = await db
    .select({ body: notifications.body })
    .from(notifications)
    .where(and(eq(notifications.recipient, email.toLowerCase()), eq(notifications.channel, "email")))
    .orderBy(desc(notifications.createdAt))
    .limit(1);
  const code = message && /\b(\d{6})\b/.exec(message.body)?.[1];
  if (!code) {
    throw new Error(`no sign-in code was sent to ${email}`);
  }
  return code;
}
