import { timingSafeEqual } from "node:crypto";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { recordAudit } from "../../audit/record-audit.ts";
import type { Db } from "../../db/database.ts";
import { hashSecret } from "../auth-flows.ts";
import { consumeRateLimit } from "../rate-limit.ts";
import { type Resident, residents, signInCodes } from "../schema.ts";

export const MAX_CODE_ATTEMPTS = 5;

export type VerifySignInCodeOptions = {
  tenantId: string;
  flowHash: string;
  code: string;
  ip: string | null;
  requestId: string | null;
};

export type VerifySignInCodeResult =
  | { ok: true; resident: Resident; created: boolean }
  | { ok: false; reason: "invalid" | "expired" | "throttled" };

/**
 * Checks the code typed in the browser that asked for it. A code works once, for ten minutes, and for at
 * most five tries; the first successful check makes the account if the address had none.
 */
export async function verifySignInCode(
  db: Db,
  options: VerifySignInCodeOptions,
): Promise<VerifySignInCodeResult> {
  const allowed = await consumeRateLimit(db, {
    key: `signin-verify-ip:${options.tenantId}:${options.ip ?? "unknown"}`,
    limit: 60,
    windowSeconds: 900,
  });
  if (!allowed) {
    return { ok: false, reason: "throttled" };
  }
  return db.transaction(async (tx) => {
    const [pending] = await tx
      .select()
      .from(signInCodes)
      .where(
        and(
          eq(signInCodes.tenantId, options.tenantId),
          eq(signInCodes.flowHash, options.flowHash),
          isNull(signInCodes.consumedAt),
        ),
      )
      .orderBy(desc(signInCodes.createdAt))
      .limit(1)
      .for("update");
    if (!pending || pending.expiresAt.getTime() <= Date.now()) {
      return { ok: false, reason: "expired" } as const;
    }
    if (pending.attempts >= MAX_CODE_ATTEMPTS) {
      return { ok: false, reason: "expired" } as const;
    }
    const typed = options.code.normalize("NFKC").replace(/\s|-/g, "");
    const expected = Buffer.from(pending.codeHash, "hex");
    const actual = Buffer.from(hashSecret(`${options.flowHash}:${typed}`), "hex");
    if (!timingSafeEqual(expected, actual)) {
      await tx
        .update(signInCodes)
        .set({ attempts: sql`${signInCodes.attempts} + 1` })
        .where(eq(signInCodes.id, pending.id));
      await recordAudit(tx, {
        tenantId: options.tenantId,
        actor: { type: "system", id: null },
        action: "resident.sign_in_failed",
        resource: { type: "sign_in_code", id: pending.id },
        requestId: options.requestId,
        ip: options.ip,
      });
      return {
        ok: false,
        reason: pending.attempts + 1 >= MAX_CODE_ATTEMPTS ? "expired" : "invalid",
      } as const;
    }
    await tx.update(signInCodes).set({ consumedAt: new Date() }).where(eq(signInCodes.id, pending.id));
    const [existing] = await tx
      .select()
      .from(residents)
      .where(
        and(
          eq(residents.tenantId, options.tenantId),
          eq(residents.email, pending.email),
          isNull(residents.deletedAt),
        ),
      );
    const resident =
      existing ??
      (
        await tx.insert(residents).values({ tenantId: options.tenantId, email: pending.email }).returning()
      )[0]!;
    await recordAudit(tx, {
      tenantId: options.tenantId,
      actor: { type: "resident", id: resident.id },
      action: existing ? "resident.sign_in" : "resident.account_created",
      resource: { type: "resident", id: resident.id },
      after: { method: "email_code" },
      requestId: options.requestId,
      ip: options.ip,
    });
    return { ok: true, resident, created: !existing } as const;
  });
}
