import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/database.ts";
import { recordChange } from "../../events/record-change.ts";
import { problems } from "../../http/problem.ts";
import { staffCredentials } from "../staff-schema.ts";
import { claimTotpStep, matchTotpStep } from "../totp.ts";

export type ConfirmStaffTotpOptions = {
  tx: Db;
  tenantId: string;
  staffId: string;
  code: string;
  requestId?: string | null;
  ip?: string | null;
};

/** Turns TOTP on once a code from the enrolled secret proves the authenticator app has it. */
export async function confirmStaffTotp({
  tx,
  tenantId,
  staffId,
  code,
  requestId,
  ip,
}: ConfirmStaffTotpOptions): Promise<{ enabledAt: Date }> {
  const where = and(eq(staffCredentials.id, staffId), eq(staffCredentials.tenantId, tenantId));
  const [current] = await tx.select().from(staffCredentials).where(where).for("update");
  if (!current) {
    throw problems.notFound();
  }
  if (current.totpEnabledAt || !current.totpSecret) {
    throw problems.conflict({
      ja: current.totpEnabledAt ? "二要素認証はすでに有効です" : "先に二要素認証の登録を始めてください",
      en: current.totpEnabledAt
        ? "Two-factor authentication is already on"
        : "Start the two-factor enrolment first",
    });
  }
  const step = matchTotpStep(current.totpSecret, code);
  if (step === null || !(await claimTotpStep(tx, { tenantId, staffId, step }))) {
    throw problems.invalidRequest([
      {
        pointer: "/code",
        detail: "The code is not correct; check the time on your phone and try the current code",
        detailJa:
          "確認コードが正しくありません。スマートフォンの時刻を確かめ、表示中のコードを入力してください",
      },
    ]);
  }
  const enabledAt = new Date();
  await tx.update(staffCredentials).set({ totpEnabledAt: enabledAt }).where(where);
  await recordChange(tx, {
    tenantId,
    actor: { type: "staff", id: staffId },
    action: "staff.totp.enable",
    resource: { type: "staff_account", id: staffId },
    before: { totpEnabled: false },
    after: { totpEnabled: true },
    event: { name: "core.staff_totp_enabled", payload: { staffId } },
    requestId: requestId ?? null,
    ip: ip ?? null,
  });
  return { enabledAt };
}
