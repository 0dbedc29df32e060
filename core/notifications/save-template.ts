import { and, desc, eq } from "drizzle-orm";
import type { Db } from "../db/database.ts";
import { notificationTemplates } from "./schema.ts";

export type SaveTemplateOptions = {
  tenantId: string;
  key: string;
  language: "ja" | "en";
  subject: string;
  body: string;
};

/** Saves a template as a new version when its text changed; sent messages keep pointing at their version. */
export async function saveTemplate(
  tx: Db,
  options: SaveTemplateOptions,
): Promise<{ id: string; version: number }> {
  const [latest] = await tx
    .select()
    .from(notificationTemplates)
    .where(
      and(
        eq(notificationTemplates.tenantId, options.tenantId),
        eq(notificationTemplates.key, options.key),
        eq(notificationTemplates.language, options.language),
      ),
    )
    .orderBy(desc(notificationTemplates.version))
    .limit(1);
  if (latest && latest.subject === options.subject && latest.body === options.body) {
    return { id: latest.id, version: latest.version };
  }
  const [row] = await tx
    .insert(notificationTemplates)
    .values({ ...options, version: (latest?.version ?? 0) + 1 })
    .returning({ id: notificationTemplates.id, version: notificationTemplates.version });
  return row!;
}

/**
 * Stores a built-in template when the tenant has none under the key yet. A city's own edits are new
 * versions and are never overwritten by the default.
 */
export async function ensureTemplate(tx: Db, options: SaveTemplateOptions): Promise<void> {
  const [existing] = await tx
    .select({ id: notificationTemplates.id })
    .from(notificationTemplates)
    .where(
      and(
        eq(notificationTemplates.tenantId, options.tenantId),
        eq(notificationTemplates.key, options.key),
        eq(notificationTemplates.language, options.language),
      ),
    )
    .limit(1);
  if (!existing) {
    // Two first requests at once would both try version 1; the loser keeps the winner's copy.
    await tx
      .insert(notificationTemplates)
      .values({ ...options, version: 1 })
      .onConflictDoNothing();
  }
}
