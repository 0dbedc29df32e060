import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import { hashApiKey } from "../operations/create-api-key.ts";
import { type ReportApiKey, reportApiKeys } from "../schema.ts";

/**
 * The city's live key matching the given one, or null (unknown, revoked, or another city's). Its last use
 * is noted so staff can see which partner apps are still active.
 */
export async function findLiveApiKey(db: Db, tenantId: string, key: string): Promise<ReportApiKey | null> {
  if (key.length < 16 || key.length > 200) {
    return null;
  }
  const [row] = await db
    .update(reportApiKeys)
    .set({ lastUsedAt: new Date() })
    .where(
      and(
        eq(reportApiKeys.tenantId, tenantId),
        eq(reportApiKeys.keyHash, hashApiKey(key)),
        isNull(reportApiKeys.revokedAt),
      ),
    )
    .returning();
  return row ?? null;
}
