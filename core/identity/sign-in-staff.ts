import { and, eq, isNull } from "drizzle-orm";
import type { Actor } from "../audit/actor.ts";
import { recordAudit } from "../audit/record-audit.ts";
import type { Db } from "../db/database.ts";
import { unusedPasswordHash, verifyPassword } from "./passwords.ts";
import { staffAccounts } from "./schema.ts";
import {
  admitSignIn,
  recordSignInFailure,
  recordSignInSuccess,
  tooManyAttempts,
} from "./sign-in-throttle.ts";
import { staffCredentials } from "./staff-schema.ts";
import { claimTotpStep, matchTotpStep } from "./totp.ts";

export type SignInStaffOptions = {
  tenantId: string;
  email: string;
  password: string;
  /** The authenticator code; required once the account has TOTP turned on. */
  totp?: string | undefined;
  requestId?: string | null;
  ip?: string | null;
};

/**
 * Checks a local staff password (argon2id) and, when enabled, a TOTP code. Every attempt, good or bad, is
 * audited. Too many failures for the email or from the address throw 429, whether the account exists or not.
 * Returns null on any failure, so the caller answers the same for a wrong password, code or email.
 */
export async function signInStaff(db: Db, options: SignInStaffOptions) {
  const email = options.email.trim().toLowerCase();
  const { tenantId } = options;
  const ip = options.ip ?? null;
  const audit = (action: string, actor: Actor, accountId: string | null, reason?: string) =>
    recordAudit(db, {
      tenantId,
      actor,
      action,
      resource: { type: "staff_account", id: accountId },
      after: reason ? { email, reason } : { email },
      requestId: options.requestId ?? null,
      ip,
    });
  if (!(await admitSignIn(db, { tenantId, email, ip }))) {
    await audit("staff.sign_in_throttled", { type: "system", id: null }, null);
    throw tooManyAttempts();
  }
  const [row] = await db
    .select({
      account: staffAccounts,
      totpSecret: staffCredentials.totpSecret,
      totpEnabledAt: staffCredentials.totpEnabledAt,
    })
    .from(staffAccounts)
    .where(
      and(
        eq(staffAccounts.tenantId, tenantId),
        eq(staffAccounts.email, email),
        isNull(staffAccounts.disabledAt),
      ),
    );
  const account = row?.account;
  const passwordOk = await verifyPassword(
    account?.passwordHash ?? (await unusedPasswordHash()),
    options.password,
  );
  // A pending enrolment (secret set, not yet confirmed) does not ask for a code.
  const secret = row?.totpEnabledAt ? row.totpSecret : null;
  const step = secret && options.totp ? matchTotpStep(secret, options.totp) : null;
  const totpOk =
    !secret ||
    (passwordOk && step !== null && (await claimTotpStep(db, { tenantId, staffId: account!.id, step })));
  if (!account || !passwordOk || !totpOk) {
    await recordSignInFailure(db, { tenantId, ip });
    const reason = account && passwordOk ? "totp" : undefined;
    await audit("staff.sign_in_failed", { type: "system", id: null }, account?.id ?? null, reason);
    return null;
  }
  await recordSignInSuccess(db, { tenantId, email });
  await audit("staff.sign_in", { type: "staff", id: account.id }, account.id);
  return account;
}
