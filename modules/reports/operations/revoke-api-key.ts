import { and, eq, isNull } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { problems } from "../../../core/http/problem.ts";
import { type ReportApiKey, reportApiKeys } from "../schema.ts";

export type RevokeApiKeyOptions = {
  db: Db;
  tenantId: string;
  id: string;
  actor: Actor;
  requestId?: string | null;
};

/**
 * Stops a key from working at once; the row stays so that reports filed with it still name it. A key already
 * revoked is returned as it is (nothing changes, nothing is recorded); another city's or no key is not found.
 */
export async function revokeApiKey(options: RevokeApiKeyOptions): Promise<ReportApiKey> {
  return options.db.transaction(async (tx) => {
    const [revoked] = await tx
      .update(reportApiKeys)
      .set({ revokedAt: new Date() })
      .where(
        and(
          eq(reportApiKeys.tenantId, options.tenantId),
          eq(reportApiKeys.id, options.id),
          isNull(reportApiKeys.revokedAt),
        ),
      )
      .returning();
    if (!revoked) {
      const [existing] = await tx
        .select()
        .from(reportApiKeys)
        .where(and(eq(reportApiKeys.tenantId, options.tenantId), eq(reportApiKeys.id, options.id)));
      if (!existing) {
        throw problems.notFound();
      }
      return existing;
    }
    await recordChange(tx, {
      tenantId: options.tenantId,
      actor: options.actor,
      action: "reports.api_key.revoke",
      resource: { type: "report_api_key", id: revoked.id },
      before: { revokedAt: null },
      after: { name: revoked.name, keyPrefix: revoked.keyPrefix, revokedAt: revoked.revokedAt },
      requestId: options.requestId ?? null,
    });
    return revoked;
  });
}
