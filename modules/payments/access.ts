import { timingSafeEqual } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { Actor } from "../../core/audit/actor.ts";
import type { AppEnv } from "../../core/http/app-env.ts";
import { problems } from "../../core/http/problem.ts";
import { hashSecret } from "../../core/identity/auth-flows.ts";
import { requireResident } from "../../core/identity/resident-session.ts";
import { type Payment, payments } from "./schema.ts";

const guestCookie = (paymentId: string) => `tenohira_pay_${paymentId.replaceAll("-", "")}`;

function sameHash(token: string, hash: string | null): boolean {
  if (!hash) {
    return false;
  }
  return timingSafeEqual(Buffer.from(hashSecret(token)), Buffer.from(hash));
}

/**
 * Keeps a guest's pay-link secret in this browser (HttpOnly, only under this payment's path, 2 days), so
 * the secret can leave the address bar before the resident goes to the provider.
 */
export function rememberGuestToken(c: Context<AppEnv>, paymentId: string, token: string): void {
  const { config } = c.var.services;
  setCookie(c, guestCookie(paymentId), token, {
    httpOnly: true,
    secure: config.secureCookies ?? config.baseUrl?.startsWith("https:") ?? false,
    sameSite: "Lax",
    path: `/payments/${paymentId}`,
    maxAge: 2 * 86_400,
  });
}

/** Whether the ?t= secret of a pay link opens this payment. */
export function guestTokenOpens(payment: Payment, token: string): boolean {
  return sameHash(token, payment.guestTokenHash);
}

/**
 * The payment at this URL, if the person asking may see it: the signed-in resident it belongs to, or a
 * guest holding its secret (in the pay link's cookie). A resident's payment asks a signed-out visitor to
 * sign in; anyone else gets 404, never a hint that it exists.
 */
export async function openPayment(
  c: Context<AppEnv>,
  paymentId: string,
): Promise<{ payment: Payment; actor: Actor }> {
  const [payment] = await c.var.services.database.db
    .select()
    .from(payments)
    .where(and(eq(payments.id, paymentId), eq(payments.tenantId, c.var.tenant.id)));
  if (!payment) {
    throw problems.notFound();
  }
  const token = getCookie(c, guestCookie(payment.id));
  if (token && sameHash(token, payment.guestTokenHash)) {
    return { payment, actor: { type: "guest", id: null } };
  }
  if (payment.residentId) {
    const resident = c.var.resident ?? requireResident(c, "email");
    if (resident.id === payment.residentId) {
      return { payment, actor: { type: "resident", id: resident.id } };
    }
  }
  throw problems.notFound();
}
