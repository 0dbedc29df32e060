import { sql } from "drizzle-orm";
import { type Db, queryRows } from "../db/database.ts";
import { ProblemError } from "../http/problem.ts";
import { consumeRateLimit, resetRateLimit } from "./rate-limit.ts";

const WINDOW_SECONDS = 15 * 60;
/** Wrong attempts per email address in the window; the email is counted whether an account exists or not. */
export const ACCOUNT_LIMIT = 5;
/** Wrong attempts per client address in the window (password spraying across accounts). */
export const IP_LIMIT = 20;

const accountKey = (tenantId: string, email: string) => `staff-signin:${tenantId}:${email}`;
const ipKey = (tenantId: string, ip: string) => `staff-signin-ip:${tenantId}:${ip}`;

export const tooManyAttempts = () =>
  new ProblemError(
    429,
    "too-many-attempts",
    {
      ja: "サインインの失敗が続いたため、一時的に受け付けを停止しています。15分ほど待ってからもう一度お試しください",
      en: "Too many failed sign-in attempts. Please wait about 15 minutes and try again",
    },
    { headers: { "retry-after": String(WINDOW_SECONDS) } },
  );

async function ipFailures(db: Db, key: string): Promise<number> {
  const rows = await queryRows<{ count: number }>(
    db,
    sql`SELECT count FROM rate_limits
        WHERE key = ${key} AND window_started_at >= now() - make_interval(secs => ${WINDOW_SECONDS})`,
  );
  return Number(rows[0]?.count ?? 0);
}

/**
 * Counts this attempt against the email (atomically, so parallel guesses cannot slip through; a success
 * clears it again) and checks the failures from the client address. False means refuse with 429.
 */
export async function admitSignIn(
  db: Db,
  { tenantId, email, ip }: { tenantId: string; email: string; ip: string | null },
): Promise<boolean> {
  const accountOk = await consumeRateLimit(db, {
    key: accountKey(tenantId, email),
    limit: ACCOUNT_LIMIT,
    windowSeconds: WINDOW_SECONDS,
  });
  // Only failures count per address: a whole city hall may sign in from behind one NAT address.
  const ipOk = ip === null || (await ipFailures(db, ipKey(tenantId, ip))) < IP_LIMIT;
  return accountOk && ipOk;
}

export async function recordSignInFailure(
  db: Db,
  { tenantId, ip }: { tenantId: string; ip: string | null },
): Promise<void> {
  if (ip !== null) {
    await consumeRateLimit(db, { key: ipKey(tenantId, ip), limit: IP_LIMIT, windowSeconds: WINDOW_SECONDS });
  }
}

export async function recordSignInSuccess(
  db: Db,
  { tenantId, email }: { tenantId: string; email: string },
): Promise<void> {
  await resetRateLimit(db, accountKey(tenantId, email));
}
