import { and, eq, isNull } from "drizzle-orm";
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../../http/app-env.ts";
import { renderPage } from "../../http/layout.ts";
import { clientIp } from "../../http/middleware.ts";
import { problems } from "../../http/problem.ts";
import { publicOrigin } from "../../http/public-origin.ts";
import { startAuthFlow, takeAuthFlow } from "../auth-flows.ts";
import { openConfiguredProvider } from "../oidc/configured-provider.ts";
import { finishAuthorization, OidcError, startAuthorization } from "../oidc/relying-party.ts";
import { requireResident, startResidentSession } from "../resident-session.ts";
import { safeReturnPath } from "../return-path.ts";
import { residentIdentities, residents } from "../schema.ts";
import { clearFlowCookie, readFlowCookie, setFlowCookie } from "../session-cookie.ts";
import { IdentityLinkedElsewhereError } from "./identity-links.ts";
import { linkLineAccount } from "./link-line-account.ts";
import { enabledProviders } from "./providers.ts";
import { type CardClaims, verifyCardIdentity } from "./verify-card-identity.ts";

const OIDC_FLOW_COOKIE = "tenohira_oidc";
const FLOW_SECONDS = 600;

type ResidentProviderKind = "line" | "card";
type OidcFlow = {
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  returnTo: string;
  /** Set when a signed-in resident links or steps up; null when LINE is used to sign in. */
  residentId: string | null;
};

function failurePage(c: Context<AppEnv>, message: string, retry: string, status: 400 | 409 = 400) {
  const { t } = c.var;
  return renderPage(c, {
    title: t("identity.oidc.failed"),
    status,
    body: html`<h1>${t("identity.oidc.failed")}</h1>
<div class="error-summary" role="alert"><p>${message}</p></div>
<p class="button-row"><a class="button" href="${retry}">${t("identity.oidc.retry")}</a></p>
<p><a href="/">${t("error.backHome")}</a></p>`,
  });
}

/** LINE Login (link, or sign in once linked) and the My Number card step-up, over OpenID Connect. */
export const oidcPages = new Hono<AppEnv>()
  .get("/sign-in/:kind{line|card}", async (c) => {
    const kind = c.req.param("kind") as ResidentProviderKind;
    const returnTo = safeReturnPath(c.req.query("return"), "/my");
    const db = c.var.services.database.db;
    const row = (await enabledProviders(db, c.var.tenant.id)).get(kind);
    if (!row) {
      throw problems.notFound();
    }
    // The card confirms an existing account; LINE may also be used to sign in to an account it is linked to.
    const resident = kind === "card" ? requireResident(c, "email") : c.var.resident;
    const redirectUri = `${publicOrigin(c)}/auth/callback/${kind}`;
    let request: Awaited<ReturnType<typeof startAuthorization>>;
    try {
      request = await startAuthorization({
        provider: await openConfiguredProvider(row),
        redirectUri,
        scopes: row.scopes.split(/\s+/).filter(Boolean),
      });
    } catch (error) {
      if (error instanceof OidcError) {
        return failurePage(
          c,
          error.messages[c.var.lang],
          `/sign-in?${new URLSearchParams({ return: returnTo })}`,
        );
      }
      throw error;
    }
    const flow: OidcFlow = {
      state: request.state,
      nonce: request.nonce,
      codeVerifier: request.codeVerifier,
      redirectUri,
      returnTo,
      residentId: resident?.id ?? null,
    };
    const token = await startAuthFlow(db, {
      tenantId: c.var.tenant.id,
      kind: `oidc:${kind}`,
      data: flow,
      ttlSeconds: FLOW_SECONDS,
    });
    setFlowCookie(c, OIDC_FLOW_COOKIE, token, FLOW_SECONDS);
    return c.redirect(request.url, 303);
  })
  .get("/auth/callback/:kind{line|card}", async (c) => {
    const kind = c.req.param("kind") as ResidentProviderKind;
    const { t, lang } = c.var;
    const db = c.var.services.database.db;
    const tenantId = c.var.tenant.id;
    const flow = await takeAuthFlow<OidcFlow>(db, {
      tenantId,
      token: readFlowCookie(c, OIDC_FLOW_COOKIE),
      kind: `oidc:${kind}`,
    });
    clearFlowCookie(c, OIDC_FLOW_COOKIE);
    if (!flow) {
      return failurePage(c, t("identity.oidc.expired"), "/sign-in");
    }
    const retry =
      kind === "card"
        ? `/sign-in/step-up?${new URLSearchParams({ level: "card", return: flow.returnTo })}`
        : "/my/security";
    // The browser that started the flow must still be the same resident's (or signed out, for LINE sign-in).
    if (flow.residentId && flow.residentId !== c.var.resident?.id) {
      return failurePage(c, t("identity.oidc.expired"), retry);
    }
    const row = (await enabledProviders(db, tenantId)).get(kind);
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
        // LINE signs web-login ID tokens with the channel secret (HS256), LIFF ones with ES256 keys.
        idTokenRules: kind === "line" ? { algorithms: ["HS256", "ES256"] } : { maxAgeSeconds: 600 },
      }));
    } catch (error) {
      if (error instanceof OidcError) {
        c.var.services.logger.warn(
          { requestId: c.var.requestId, code: error.code, kind },
          "oidc callback refused",
        );
        return failurePage(c, error.messages[lang], retry);
      }
      throw error;
    }
    const audit = { requestId: c.var.requestId, ip: clientIp(c) };
    try {
      if (kind === "card") {
        await verifyCardIdentity(db, {
          tenantId,
          residentId: flow.residentId!,
          cityName: c.var.tenant.nameJa,
          claims: claims as CardClaims,
          ...audit,
        });
        await startResidentSession(c, { residentId: flow.residentId!, level: "card", method: "card" });
        return c.redirect(flow.returnTo, 303);
      }
      if (flow.residentId) {
        await linkLineAccount(db, {
          tenantId,
          residentId: flow.residentId,
          lineUserId: claims.sub,
          ...audit,
        });
        await startResidentSession(c, { residentId: flow.residentId, level: "line", method: "line" });
        return c.redirect(flow.returnTo, 303);
      }
    } catch (error) {
      if (error instanceof IdentityLinkedElsewhereError) {
        return failurePage(c, t("identity.oidc.linkedElsewhere"), retry, 409);
      }
      throw error;
    }
    const [linked] = await db
      .select({ residentId: residentIdentities.residentId })
      .from(residentIdentities)
      .innerJoin(residents, and(eq(residents.id, residentIdentities.residentId), isNull(residents.deletedAt)))
      .where(
        and(
          eq(residentIdentities.tenantId, tenantId),
          eq(residentIdentities.provider, "line"),
          eq(residentIdentities.subject, claims.sub),
        ),
      );
    if (!linked) {
      return failurePage(
        c,
        t("identity.oidc.notLinked"),
        `/sign-in?${new URLSearchParams({ return: flow.returnTo })}`,
      );
    }
    await startResidentSession(c, { residentId: linked.residentId, level: "line", method: "line" });
    return c.redirect(flow.returnTo, 303);
  });
