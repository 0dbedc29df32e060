import { randomInt } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/database.ts";
import { ensureTemplate } from "../../notifications/save-template.ts";
import { sendNotification } from "../../notifications/send-notification.ts";
import { hashSecret } from "../auth-flows.ts";
import { consumeRateLimit } from "../rate-limit.ts";
import { signInCodes } from "../schema.ts";

export const SIGN_IN_CODE_TTL_MINUTES = 10;
export const SIGN_IN_CODE_TEMPLATE = "identity.sign_in_code";

const templates = {
  ja: {
    subject: "ログイン用の確認コード：((code))",
    body: "((city))のオンライン窓口にログインするための確認コードです。\n\n((code))\n\nこのコードは((minutes))分間、1回だけ使えます。心当たりがない場合は、このメールを破棄してください。職員がこのコードをお尋ねすることはありません。",
  },
  en: {
    subject: "Your sign-in code: ((code))",
    body: "Here is your code to sign in to ((city))'s online services.\n\n((code))\n\nIt works once, for ((minutes)) minutes. If you did not ask for it, ignore this email. City staff will never ask you for this code.",
  },
} as const;

export type RequestSignInCodeOptions = {
  tenantId: string;
  cityName: string;
  email: string;
  language: "ja" | "en";
  /** Hash of the browser's flow cookie: the code only works in the browser that asked for it. */
  flowHash: string;
  ip: string | null;
};

export type RequestSignInCodeResult = "sent" | "throttled";

/**
 * Sends a six-digit code to the address. Whether an account exists is never revealed: the same thing
 * happens (and the same answer comes back) for a known and an unknown address. Requests are throttled
 * per address and per IP.
 */
export async function requestSignInCode(
  db: Db,
  options: RequestSignInCodeOptions,
): Promise<RequestSignInCodeResult> {
  const email = normaliseEmail(options.email);
  const perAddress = await consumeRateLimit(db, {
    key: `signin-code-email:${options.tenantId}:${email}`,
    limit: 5,
    windowSeconds: 900,
  });
  const perIp = await consumeRateLimit(db, {
    key: `signin-code-ip:${options.tenantId}:${options.ip ?? "unknown"}`,
    limit: 30,
    windowSeconds: 900,
  });
  if (!perAddress || !perIp) {
    return "throttled";
  }
  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  await db.transaction(async (tx) => {
    // One live code per browser: asking again replaces the previous one.
    await tx
      .update(signInCodes)
      .set({ consumedAt: new Date() })
      .where(
        and(
          eq(signInCodes.tenantId, options.tenantId),
          eq(signInCodes.flowHash, options.flowHash),
          isNull(signInCodes.consumedAt),
        ),
      );
    await tx.insert(signInCodes).values({
      tenantId: options.tenantId,
      email,
      flowHash: options.flowHash,
      codeHash: hashSecret(`${options.flowHash}:${code}`),
      expiresAt: new Date(Date.now() + SIGN_IN_CODE_TTL_MINUTES * 60_000),
    });
    await ensureTemplate(tx, {
      tenantId: options.tenantId,
      key: SIGN_IN_CODE_TEMPLATE,
      language: options.language,
      ...templates[options.language],
    });
    await sendNotification(tx, {
      tenantId: options.tenantId,
      templateKey: SIGN_IN_CODE_TEMPLATE,
      email,
      language: options.language,
      channels: ["email"],
      personalisation: { code, city: options.cityName, minutes: String(SIGN_IN_CODE_TTL_MINUTES) },
    });
  });
  return "sent";
}

export function normaliseEmail(email: string): string {
  return email.normalize("NFKC").trim().toLowerCase();
}
