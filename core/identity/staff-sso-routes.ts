import { and, eq, isNull } from "drizzle-orm";
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { recordAudit } from "../audit/record-audit.ts";
import type { AppEnv } from "../http/app-env.ts";
import { renderPage } from "../http/layout.ts";
import { clientIp } from "../http/middleware.ts";
import { problems } from "../http/problem.ts";
import { publicOrigin } from "../http/public-origin.ts";
import { startAuthFlow, takeAuthFlow } from "./auth-flows.ts";
import { openConfiguredProvider } from "./oidc/configured-provider.ts";
import { finishAuthorization, OidcError, startAuthorization } from "./oidc/relying-party.ts";
import { enabledProviders } from "./residents/providers.ts";
import { type IdentityProvider, staffAccounts } from "./schema.ts";
import { clearFlowCookie, readFlowCookie, setFlowCookie, setSessionCookie } from "./session-cookie.ts";
import { createSession, destroySession } from "./sessions.ts";
import { staffCredentials } from "./staff-schema.ts";

const FLOW_COOKIE = "tenohira_staff_sso";
const FLOW_KIND = "oidc:staff";
const FLOW_SECONDS = 600;

type StaffSsoFlow = {
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
};

type Text = { ja: string; en: string };

const TEXT = {
  failed: { ja: "シングルサインオンに失敗しました", en: "Single sign-on failed" },
  expired: {
    ja: "サインインの手続きの有効期限が切れたか、すでに使われています。もう一度お試しください。",
    en: "The sign-in has expired or was already used. Please try again.",
  },
  notRegistered: {
    ja: "この職員アカウントは登録されていません。システム管理者に登録を依頼してください。",
    en: "This staff account is not registered. Ask your system administrator to register it.",
  },
  disabled: {
    ja: "この職員アカウントは無効になっています。システム管理者にお問い合わせください。",
    en: "This staff account is disabled. Please contact your system administrator.",
  },
  retry: { ja: "もう一度サインインする", en: "Sign in again" },
  backToSignIn: { ja: "職員用サインイン画面へ戻る", en: "Back to staff sign-in" },
} satisfies Record<string, Text>;

function failurePage(c: Context<AppEnv>, message: Text, status: 400 | 403) {
  const lang = c.var.lang;
  return renderPage(c, {
    title: TEXT.failed[lang],
    status,
    body: html`<h1>${TEXT.failed[lang]}</h1>
<div class="error-summary" role="alert"><p>${message[lang]}</p></div>
<p class="button-row"><a class="button" href="/staff/sso/start">${TEXT.retry[lang]}</a></p>
<p><a href="/staff/">${TEXT.backToSignIn[lang]}</a></p>`,
  });
}

async function staffProvider(c: Context<AppEnv>): Promise<IdentityProvider | undefined> {
  return (await enabledProviders(c.var.services.database.db, c.var.tenant.id)).get("staff");
}

/**
 * The email of the ID token when it may be used to link a staff account: `email_verified` must be true (the
 * stand-in and most IdPs send it). Some staff IdPs (e.g. Microsoft Entra ID) never send `email_verified`;
 * for those a city sets `settings.trustEmail: true` on the provider row to say the IdP only issues addresses
 * it manages. An explicit `email_verified: false` is never trusted.
 */
function linkableEmail(claims: Record<string, unknown>, row: IdentityProvider): string | null {
  const email = claims["email"];
  if (typeof email !== "string" || email === "") {
    return null;
  }
  const verified = claims["email_verified"];
  const trusted = verified === true || (verified === undefined && row.settings["trustEmail"] === true);
  return trusted ? email.trim().toLowerCase() : null;
}

/** OpenID Connect single sign-on for staff, beside the local password sign-in of staff-routes.ts. */
export const staffSsoRoutes = new Hono<AppEnv>()
  .get("/staff/api/sso", async (c) => c.json({ enabled: (await staffProvider(c)) !== undefined }))
  .get("/staff/sso/start", async (c) => {
    const row = await staffProvider(c);
    if (!row) {
      throw problems.notFound();
    }
    const redirectUri = `${publicOrigin(c)}/staff/sso/callback`;
    let request: Awaited<ReturnType<typeof startAuthorization>>;
    try {
      request = await startAuthorization({
        provider: await openConfiguredProvider(row),
        redirectUri,
        scopes: row.scopes.split(/\s+/).filter(Boolean),
      });
    } catch (error) {
      if (error instanceof OidcError) {
        return failurePage(c, error.messages, 400);
      }
      throw error;
    }
    const flow: StaffSsoFlow = {
      state: request.state,
      nonce: request.nonce,
      codeVerifier: request.codeVerifier,
      redirectUri,
    };
    const token = await startAuthFlow(c.var.services.database.db, {
      tenantId: c.var.tenant.id,
      kind: FLOW_KIND,
      data: flow,
      ttlSeconds: FLOW_SECONDS,
    });
    setFlowCookie(c, FLOW_COOKIE, token, FLOW_SECONDS);
    return c.redirect(request.url, 303);
  })
  .get("/staff/sso/callback", async (c) => {
    const { database, logger, config } = c.var.services;
    const db = database.db;
    const tenantId = c.var.tenant.id;
    const flow = await takeAuthFlow<StaffSsoFlow>(db, {
      tenantId,
      token: readFlowCookie(c, FLOW_COOKIE),
      kind: FLOW_KIND,
    });
    clearFlowCookie(c, FLOW_COOKIE);
    if (!flow) {
      return failurePage(c, TEXT.expired, 400);
    }
    const row = await staffProvider(c);
    if (!row) {
      throw problems.notFound();
    }
    let claims: Awaited<ReturnType<typeof finishAuthorization>>["claims"];
    try {
      ({ claims } = await finishAuthorization({
        provider: await openConfiguredProvider(row),
        callbackUrl: new URL(c.req.url),
        expected: {
          state: flow.state,
          nonce: flow.nonce,
          codeVerifier: flow.codeVerifier,
          redirectUri: flow.redirectUri,
        },
        // Default rules: asymmetric algorithms only, verified with the issuer's JWKS.
        idTokenRules: {},
      }));
    } catch (error) {
      if (error instanceof OidcError) {
        logger.warn({ requestId: c.var.requestId, code: error.code }, "staff sso callback refused");
        return failurePage(c, error.messages, 400);
      }
      throw error;
    }

    const ip = clientIp(c);
    const audit = (action: string, accountId: string | null, after: Record<string, unknown>) =>
      recordAudit(db, {
        tenantId,
        actor:
          accountId && action !== "staff.sign_in_failed"
            ? { type: "staff", id: accountId }
            : { type: "system", id: null },
        action,
        resource: { type: "staff_account", id: accountId },
        after: { method: "sso", subject: claims.sub, ...after },
        requestId: c.var.requestId,
        ip,
      });

    // 1. The account already linked to this subject (disabled or not: a disabled one is refused below).
    const [bySubject] = await db
      .select({ account: staffAccounts })
      .from(staffAccounts)
      .where(and(eq(staffAccounts.tenantId, tenantId), eq(staffCredentials.ssoSubject, claims.sub)));
    let account = bySubject?.account;

    // 2. Otherwise link by a verified email: an enabled account of this tenant not yet linked to anyone.
    const email = linkableEmail(claims, row);
    if (!account && email) {
      const [candidate] = await db
        .select({ account: staffAccounts })
        .from(staffAccounts)
        .where(
          and(
            eq(staffAccounts.tenantId, tenantId),
            eq(staffAccounts.email, email),
            isNull(staffAccounts.disabledAt),
            isNull(staffCredentials.ssoSubject),
          ),
        );
      if (candidate) {
        // Conditional on still unlinked, so two racing first sign-ins cannot both link.
        const linked = await db
          .update(staffCredentials)
          .set({ ssoSubject: claims.sub })
          .where(
            and(
              eq(staffCredentials.id, candidate.account.id),
              eq(staffCredentials.tenantId, tenantId),
              isNull(staffCredentials.ssoSubject),
            ),
          )
          .returning({ id: staffCredentials.id });
        if (linked.length > 0) {
          account = candidate.account;
          await audit("staff.sso_linked", account.id, { email });
        }
      }
    }

    if (!account) {
      await audit("staff.sign_in_failed", null, { email: email ?? null, reason: "not_registered" });
      return failurePage(c, TEXT.notRegistered, 403);
    }
    if (account.disabledAt) {
      await audit("staff.sign_in_failed", account.id, { reason: "disabled" });
      return failurePage(c, TEXT.disabled, 403);
    }

    // A new session id on every sign-in: a pre-planted cookie is never promoted (session fixation).
    if (c.var.session) {
      await destroySession(db, c.var.session.idHash);
    }
    const { token } = await createSession(db, {
      tenantId,
      subject: { type: "staff", id: account.id },
      absoluteHours: config.sessionAbsoluteHours,
      ip,
      userAgent: c.req.header("user-agent") ?? null,
    });
    setSessionCookie(c, token);
    await audit("staff.sign_in", account.id, { email: account.email });
    return c.redirect("/staff/", 303);
  });
