import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, lt, sql } from "drizzle-orm";
import type { Db } from "../db/database.ts";
import { authFlows } from "./schema.ts";

export const hashSecret = (value: string): string => createHash("sha256").update(value).digest("hex");

export type StartAuthFlowOptions = {
  tenantId: string;
  /** e.g. "oidc:card" or "passkey:register"; taking a flow checks it. */
  kind: string;
  data: Record<string, unknown>;
  ttlSeconds: number;
};

/** Stores the state of a redirect or ceremony; returns the secret for the browser's cookie. */
export async function startAuthFlow(db: Db, options: StartAuthFlowOptions): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  // Expired flows are swept on the way, so the table stays small without a job.
  await db.delete(authFlows).where(lt(authFlows.expiresAt, sql`now()`));
  await db.insert(authFlows).values({
    idHash: hashSecret(token),
    tenantId: options.tenantId,
    kind: options.kind,
    data: options.data,
    expiresAt: new Date(Date.now() + options.ttlSeconds * 1000),
  });
  return token;
}

/** Removes and returns a live flow: a second use of the same cookie (a replayed callback) finds nothing. */
export async function takeAuthFlow<T extends Record<string, unknown>>(
  db: Db,
  { tenantId, token, kind }: { tenantId: string; token: string | undefined; kind: string },
): Promise<T | null> {
  if (!token) {
    return null;
  }
  const [row] = await db
    .delete(authFlows)
    .where(
      and(
        eq(authFlows.idHash, hashSecret(token)),
        eq(authFlows.tenantId, tenantId),
        eq(authFlows.kind, kind),
        gt(authFlows.expiresAt, sql`now()`),
      ),
    )
    .returning({ data: authFlows.data });
  return (row?.data as T | undefined) ?? null;
}
