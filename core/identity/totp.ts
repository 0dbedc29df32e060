import { and, eq, isNull, lt, or } from "drizzle-orm";
import { Secret, TOTP } from "otpauth";
import type { Db } from "../db/database.ts";
import { staffCredentials } from "./staff-schema.ts";

// RFC 6238 defaults: what every authenticator app reads from an otpauth:// URI.
const options = { algorithm: "SHA1", digits: 6, period: 30 } as const;

/** A new random secret (160 bits), base32 as authenticator apps expect. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI an authenticator app imports (usually shown as a QR code). */
export function totpUri({
  secret,
  issuer,
  label,
}: {
  secret: string;
  issuer: string;
  label: string;
}): string {
  return new TOTP({ ...options, issuer, label, secret: Secret.fromBase32(secret) }).toString();
}

/** The current code of a secret (tests, and nothing else). */
export function currentTotpCode(secret: string, timestamp = Date.now()): string {
  return new TOTP({ ...options, secret: Secret.fromBase32(secret) }).generate({ timestamp });
}

/** The time step a code belongs to, allowing one step either side for clock drift; null when it is wrong. */
export function matchTotpStep(secret: string, code: string, timestamp = Date.now()): number | null {
  if (!/^[0-9]{6}$/.test(code)) {
    return null;
  }
  const totp = new TOTP({ ...options, secret: Secret.fromBase32(secret) });
  const delta = totp.validate({ token: code, timestamp, window: 1 });
  return delta === null ? null : totp.counter({ timestamp }) + delta;
}

/**
 * Marks a step as used, only when it is later than the last accepted one: a code (or an older one) cannot
 * be replayed within its window. The conditional update settles concurrent attempts with the same code.
 */
export async function claimTotpStep(
  db: Db,
  { tenantId, staffId, step }: { tenantId: string; staffId: string; step: number },
): Promise<boolean> {
  const claimed = await db
    .update(staffCredentials)
    .set({ totpLastStep: step })
    .where(
      and(
        eq(staffCredentials.id, staffId),
        eq(staffCredentials.tenantId, tenantId),
        or(isNull(staffCredentials.totpLastStep), lt(staffCredentials.totpLastStep, step)),
      ),
    )
    .returning({ id: staffCredentials.id });
  return claimed.length === 1;
}
