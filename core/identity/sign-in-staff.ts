import { and, eq, isNull } from "drizzle-orm";
import type { Actor } from "../audit/actor.ts";
import { recordAudit } from "../audit/record-audit.ts";
import type { Db } from "../db/database.ts";
import { unusedPasswordHash, verifyPassword } from "./passwords.ts";
import { staffAccounts } from "./schema.ts";

export type SignInStaffOptions = {
  tenantId: string;
  email: string;
  password: string;
  requestId?: string | null;
  ip?: string | null;
};

/** Checks a local staff password (argon2id). Every attempt, good or bad, is audited. */
export async function signInStaff(db: Db, options: SignInStaffOptions) {
  const email = options.email.trim().toLowerCase();
  const [account] = await db
    .select()
    .from(staffAccounts)
    .where(
      and(
        eq(staffAccounts.tenantId, options.tenantId),
        eq(staffAccounts.email, email),
        isNull(staffAccounts.disabledAt),
      ),
    );
  const ok = await verifyPassword(account?.passwordHash ?? (await unusedPasswordHash()), options.password);
  const actor: Actor = ok && account ? { type: "staff", id: account.id } : { type: "system", id: null };
  await recordAudit(db, {
    tenantId: options.tenantId,
    actor,
    action: ok && account ? "staff.sign_in" : "staff.sign_in_failed",
    resource: { type: "staff_account", id: account?.id ?? null },
    after: { email },
    requestId: options.requestId ?? null,
    ip: options.ip ?? null,
  });
  return ok && account ? account : null;
}
