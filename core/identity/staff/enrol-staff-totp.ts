import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/database.ts";
import { recordChange } from "../../events/record-change.ts";
import { problems } from "../../http/problem.ts";
import { staffCredentials } from "../staff-schema.ts";
import { newTotpSecret, totpUri } from "../totp.ts";

export type EnrolStaffTotpOptions = {
  tx: Db;
  tenantId: string;
  staffId: string;
  email: string;
  /** Shown by the authenticator app above the code, e.g. the city's name. */
  issuer: string;
  requestId?: string | null;
  ip?: string | null;
};

/**
 * Starts TOTP enrolment: a new secret is stored but not trusted until confirmStaffTotp sees a code made
 * from it. Starting again replaces a pending secret; an account with TOTP on must not lose it this way.
 */
export async function enrolStaffTotp({
  tx,
  tenantId,
  staffId,
  email,
  issuer,
  requestId,
  ip,
}: EnrolStaffTotpOptions): Promise<{ secret: string; uri: string }> {
  const where = and(eq(staffCredentials.id, staffId), eq(staffCredentials.tenantId, tenantId));
  const [current] = await tx.select().from(staffCredentials).where(where).for("update");
  if (!current) {
    throw problems.notFound();
  }
  if (current.totpEnabledAt) {
    throw problems.conflict({
      ja: "二要素認証はすでに有効です",
      en: "Two-factor authentication is already on",
    });
  }
  const secret = newTotpSecret();
  await tx.update(staffCredentials).set({ totpSecret: secret, totpLastStep: null }).where(where);
  // The secret itself never goes into the audit log.
  await recordChange(tx, {
    tenantId,
    actor: { type: "staff", id: staffId },
    action: "staff.totp.enrol",
    resource: { type: "staff_account", id: staffId },
    requestId: requestId ?? null,
    ip: ip ?? null,
  });
  return { secret, uri: totpUri({ secret, issuer, label: email }) };
}
