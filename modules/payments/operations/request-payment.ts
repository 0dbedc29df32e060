import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { ProblemError, type ProblemFieldError, problems } from "../../../core/http/problem.ts";
import { hashSecret } from "../../../core/identity/auth-flows.ts";
import { safeReturnPath } from "../../../core/identity/return-path.ts";
import { eventPayload } from "../payment-changes.ts";
import { type Payment, payments, providerAccounts } from "../schema.ts";

export type RequestPaymentOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  /** What is paid for, in the module asking (e.g. { module: "forms", type: "application", id }). */
  subject: { module: string; type: string; id: string };
  caseId: string | null;
  residentId: string | null;
  guestEmail: string | null;
  /** Yen, an integer above 0. */
  amount: number;
  description: { ja: string; en: string };
  /** Shown to the resident and sent to the provider: no personal data. */
  reference: string;
  /** Where the resident goes after paying: a path on this site. */
  returnPath: string;
  locale: "ja" | "en";
  requestId?: string | null;
};

function invalid(pointer: string, detail: string, detailJa: string): ProblemFieldError {
  return { pointer, detail, detailJa };
}

/**
 * Records that the city asks a resident (or a guest) for an amount, in the caller's transaction. No
 * provider is called here: that happens when the resident presses pay (startPayment). A guest gets a
 * secret in the pay path; only its hash is stored, so the path returned is the only way to it.
 */
export async function requestPayment(
  options: RequestPaymentOptions,
): Promise<{ payment: Payment; payPath: string }> {
  const { tx, tenantId, subject, description } = options;
  const errors: ProblemFieldError[] = [];
  if (!Number.isSafeInteger(options.amount) || options.amount <= 0) {
    errors.push(
      invalid("/amount", "The amount must be a whole number of yen above 0", "金額は1円以上の整数です"),
    );
  }
  if (safeReturnPath(options.returnPath, "") !== options.returnPath) {
    errors.push(
      invalid("/returnPath", "Must be a path on this site", "このサイト内のパスを指定してください"),
    );
  }
  if (!description.ja.trim() || !description.en.trim()) {
    errors.push(invalid("/description", "Both languages are required", "日本語と英語の両方が必要です"));
  }
  if (!options.reference.trim() || options.reference.length > 100) {
    errors.push(invalid("/reference", "1 to 100 characters", "1〜100文字で指定してください"));
  }
  if (!subject.module || !subject.type || !subject.id) {
    errors.push(
      invalid("/subject", "Module, type and id are required", "対象のモジュール・種類・IDが必要です"),
    );
  }
  if (errors.length > 0) {
    throw problems.invalidRequest(errors);
  }
  const [account] = await tx
    .select({ provider: providerAccounts.provider })
    .from(providerAccounts)
    .where(and(eq(providerAccounts.tenantId, tenantId), eq(providerAccounts.isDefault, true)));
  if (!account) {
    throw new ProblemError(409, "payments-not-configured", {
      ja: "この自治体ではオンライン決済が設定されていません",
      en: "Online payment is not set up for this municipality",
    });
  }
  const guestToken = options.residentId ? null : randomBytes(24).toString("base64url");
  const [payment] = await tx
    .insert(payments)
    .values({
      tenantId,
      subjectModule: subject.module,
      subjectType: subject.type,
      subjectId: subject.id,
      caseId: options.caseId,
      residentId: options.residentId,
      guestEmail: options.guestEmail,
      guestTokenHash: guestToken ? hashSecret(guestToken) : null,
      amount: options.amount,
      descriptionJa: description.ja.trim(),
      descriptionEn: description.en.trim(),
      reference: options.reference.trim(),
      returnPath: options.returnPath,
      locale: options.locale,
      provider: account.provider,
    })
    .returning();
  await recordChange(tx, {
    tenantId,
    actor: options.actor,
    action: "payments.payment.request",
    resource: { type: "payments_payment", id: payment!.id },
    after: {
      subject,
      amount: payment!.amount,
      reference: payment!.reference,
      provider: payment!.provider,
      guest: guestToken !== null,
    },
    event: { name: "payments.payment_requested", payload: eventPayload(payment!) },
    requestId: options.requestId ?? null,
  });
  const payPath = `/payments/${payment!.id}${guestToken ? `?t=${guestToken}` : ""}`;
  return { payment: payment!, payPath };
}
