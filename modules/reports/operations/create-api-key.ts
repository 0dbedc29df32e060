import { createHash, randomBytes } from "node:crypto";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { ProblemError } from "../../../core/http/problem.ts";
import { type ReportApiKey, reportApiKeys } from "../schema.ts";

/** How many leading characters of a key are kept to tell keys apart in lists (never enough to use one). */
export const API_KEY_PREFIX_LENGTH = 8;

/** The only form a key is stored in; a stolen table cannot be replayed against the API. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

export type CreateApiKeyOptions = {
  db: Db;
  tenantId: string;
  name: string;
  actor: Actor;
  requestId?: string | null;
};

/**
 * Issues an Open311 API key for a partner app: 32 random bytes, base64url. Only its SHA-256 and its first
 * characters are stored; the key itself is returned to be shown once.
 */
export async function createApiKey(
  options: CreateApiKeyOptions,
): Promise<{ key: string; apiKey: ReportApiKey }> {
  const name = options.name.normalize("NFKC").trim();
  if (name.length === 0 || name.length > 100) {
    throw new ProblemError(400, "invalid-api-key-name", {
      ja: "APIキーの名前（使うアプリや団体）を100文字以内で入力してください",
      en: "Give the API key a name (the app or group using it), at most 100 characters",
    });
  }
  const key = randomBytes(32).toString("base64url");
  return options.db.transaction(async (tx) => {
    const [apiKey] = await tx
      .insert(reportApiKeys)
      .values({
        tenantId: options.tenantId,
        name,
        keyHash: hashApiKey(key),
        keyPrefix: key.slice(0, API_KEY_PREFIX_LENGTH),
        createdByStaffId: options.actor.type === "staff" ? options.actor.id : null,
      })
      .returning();
    await recordChange(tx, {
      tenantId: options.tenantId,
      actor: options.actor,
      action: "reports.api_key.create",
      resource: { type: "report_api_key", id: apiKey!.id },
      after: { name, keyPrefix: apiKey!.keyPrefix },
      requestId: options.requestId ?? null,
    });
    return { key, apiKey: apiKey! };
  });
}
