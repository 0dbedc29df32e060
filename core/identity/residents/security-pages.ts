import { readFileSync } from "node:fs";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../../http/app-env.ts";
import { csrfField, renderPage } from "../../http/layout.ts";
import { clientIp } from "../../http/middleware.ts";
import { ProblemError, problems } from "../../http/problem.ts";
import { publicOrigin } from "../../http/public-origin.ts";
import { startAuthFlow, takeAuthFlow } from "../auth-flows.ts";
import { requireResident, startResidentSession } from "../resident-session.ts";
import { safeReturnPath } from "../return-path.ts";
import { residentAttributes, residentIdentities } from "../schema.ts";
import { clearFlowCookie, clearSessionCookie, readFlowCookie, setFlowCookie } from "../session-cookie.ts";
import { destroySubjectSessions } from "../sessions.ts";
import { unlinkLineAccount } from "./link-line-account.ts";
import {
  authenticatePasskey,
  listPasskeys,
  passkeyRegistrationOptions,
  passkeySignInOptions,
  type RelyingParty,
  registerPasskey,
  removePasskey,
} from "./passkeys.ts";
import { enabledProviders } from "./providers.ts";

const PASSKEY_FLOW_COOKIE = "tenohira_passkey";
const CEREMONY_SECONDS = 300;

const webauthnBundle = readFileSync(
  new URL("../../../node_modules/@simplewebauthn/browser/dist/bundle/index.umd.min.js", import.meta.url),
  "utf8",
);
const passkeysScript = readFileSync(new URL("./passkeys.client.js", import.meta.url), "utf8");

function relyingParty(c: Context<AppEnv>): RelyingParty {
  const origin = publicOrigin(c);
  const { tenant } = c.var;
  return { id: new URL(origin).hostname, origin, name: tenant.nameJa };
}

const passkeyFailed = () =>
  new ProblemError(400, "passkey-failed", {
    ja: "パスキーを確認できませんでした。もう一度お試しいただくか、確認コードでログインしてください。",
    en: "The passkey could not be checked. Try again, or sign in with an emailed code.",
  });

async function readJson<T>(c: Context<AppEnv>): Promise<T> {
  try {
    return (await c.req.json()) as T;
  } catch {
    throw problems.malformedJson();
  }
}

function formatDate(date: Date | null, lang: "ja" | "en"): string {
  return date
    ? new Intl.DateTimeFormat(lang === "ja" ? "ja-JP" : "en-GB", {
        dateStyle: "medium",
        timeZone: "Asia/Tokyo",
      }).format(date)
    : "—";
}

/** Passkeys, linked accounts and sessions: the resident's sign-in settings. */
export const securityPages = new Hono<AppEnv>()
  .get("/assets/webauthn.js", (c) =>
    c.body(webauthnBundle, 200, {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "public, max-age=3600",
    }),
  )
  .get("/assets/passkeys.js", (c) =>
    c.body(passkeysScript, 200, {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "public, max-age=300",
    }),
  )
  .get("/my/security", async (c) => {
    const resident = requireResident(c, "email");
    const { t, lang } = c.var;
    const db = c.var.services.database.db;
    const owner = { tenantId: c.var.tenant.id, residentId: resident.id };
    const passkeys = await listPasskeys(db, owner);
    const identities = await db
      .select()
      .from(residentIdentities)
      .where(
        and(
          eq(residentIdentities.tenantId, owner.tenantId),
          eq(residentIdentities.residentId, owner.residentId),
        ),
      );
    const line = identities.find((i) => i.provider === "line");
    const card = identities.find((i) => i.provider === "card");
    const providers = await enabledProviders(db, owner.tenantId);
    const [verifiedName] = await db
      .select({ verifiedAt: residentAttributes.verifiedAt })
      .from(residentAttributes)
      .where(
        and(
          eq(residentAttributes.residentId, resident.id),
          eq(residentAttributes.tenantId, owner.tenantId),
          eq(residentAttributes.name, "name"),
        ),
      );
    return renderPage(c, {
      title: t("identity.security.title"),
      body: html`<h1>${t("identity.security.title")}</h1>
${c.req.query("added") === "1" ? html`<div class="notice" role="status"><p>${t("identity.passkey.added")}</p></div>` : ""}
<p>${t("identity.security.level", { level: t(`identity.level.${c.var.session?.assuranceLevel ?? "none"}`) })}</p>
<section aria-labelledby="passkeys">
<h2 id="passkeys">${t("identity.passkey.title")}</h2>
<p>${t("identity.passkey.lead")}</p>
${
  passkeys.length === 0
    ? html`<p class="meta">${t("identity.passkey.none")}</p>`
    : html`<ul class="entry-list">${passkeys.map(
        (p) => html`<li><span class="entry">${p.label || t("identity.passkey.unnamed")}</span>
<span class="meta">${t("identity.passkey.created", { date: formatDate(p.createdAt, lang) })} · ${t(
          "identity.passkey.lastUsed",
          {
            date: formatDate(p.lastUsedAt, lang),
          },
        )}</span>
<form method="post" action="/my/passkeys/${encodeURIComponent(p.id)}/delete" class="inline-form">${csrfField(c)}
<button type="submit" class="button-secondary">${t("identity.passkey.remove", { name: p.label || t("identity.passkey.unnamed") })}</button></form></li>`,
      )}</ul>`
}
<div class="button-row"><button type="button" id="passkey-add" hidden data-csrf="${c.var.session?.csrfToken ?? ""}" data-label="${t(
        "identity.passkey.defaultLabel",
      )}" data-failed="${t("identity.passkey.failed")}">${t("identity.passkey.add")}</button></div>
<noscript><p>${t("identity.passkey.needsScript")}</p></noscript>
<p class="hint" id="passkey-status" role="status"></p>
</section>
<section aria-labelledby="linked">
<h2 id="linked">${t("identity.linked.title")}</h2>
<dl class="summary">
<div><dt>LINE</dt><dd>${
        line
          ? html`${t("identity.linked.lineLinked", { date: formatDate(line.linkedAt, lang) })}
<form method="post" action="/my/line/unlink" class="inline-form">${csrfField(c)}<button type="submit" class="button-secondary">${t(
              "identity.linked.unlink",
            )}</button></form>`
          : providers.has("line")
            ? html`<a class="button button-secondary" href="/sign-in/line?return=/my/security">${t("identity.linked.linkLine")}</a>`
            : t("identity.linked.notOffered")
      }</dd></div>
<div><dt>${t("identity.linked.card")}</dt><dd>${
        card
          ? t("identity.linked.cardVerified", {
              date: formatDate(verifiedName?.verifiedAt ?? card.lastVerifiedAt, lang),
            })
          : providers.has("card")
            ? html`<a class="button button-secondary" href="/sign-in/card?return=/my/security">${t("identity.linked.verifyCard")}</a>`
            : t("identity.linked.notOffered")
      }</dd></div>
</dl>
</section>
<section aria-labelledby="sessions">
<h2 id="sessions">${t("identity.sessions.title")}</h2>
<p>${t("identity.sessions.lead")}</p>
<form method="post" action="/my/sessions/delete">${csrfField(c)}<button type="submit" class="button-secondary">${t(
        "identity.sessions.signOutEverywhere",
      )}</button></form>
</section>
<p><a href="/my">${t("identity.my.back")}</a></p>
<script src="/assets/webauthn.js" defer></script>
<script src="/assets/passkeys.js" defer></script>`,
    });
  })
  .post("/my/passkeys/options", async (c) => {
    const resident = requireResident(c, "email");
    const options = await passkeyRegistrationOptions(c.var.services.database.db, relyingParty(c), resident);
    const token = await startAuthFlow(c.var.services.database.db, {
      tenantId: c.var.tenant.id,
      kind: "passkey:register",
      data: { challenge: options.challenge, residentId: resident.id },
      ttlSeconds: CEREMONY_SECONDS,
    });
    setFlowCookie(c, PASSKEY_FLOW_COOKIE, token, CEREMONY_SECONDS);
    return c.json(options);
  })
  .post("/my/passkeys", async (c) => {
    const resident = requireResident(c, "email");
    const body = await readJson<{ response?: RegistrationResponseJSON; label?: unknown }>(c);
    const flow = await takeAuthFlow<{ challenge: string; residentId: string }>(c.var.services.database.db, {
      tenantId: c.var.tenant.id,
      token: readFlowCookie(c, PASSKEY_FLOW_COOKIE),
      kind: "passkey:register",
    });
    clearFlowCookie(c, PASSKEY_FLOW_COOKIE);
    if (!flow || flow.residentId !== resident.id || !body.response) {
      throw passkeyFailed();
    }
    const label = typeof body.label === "string" ? body.label.normalize("NFKC").trim().slice(0, 60) : "";
    const ok = await registerPasskey(c.var.services.database.db, {
      tenantId: c.var.tenant.id,
      residentId: resident.id,
      rp: relyingParty(c),
      response: body.response,
      expectedChallenge: flow.challenge,
      label,
      requestId: c.var.requestId,
      ip: clientIp(c),
    });
    if (!ok) {
      throw passkeyFailed();
    }
    return c.json({ ok: true }, 201);
  })
  .post("/my/passkeys/:id/delete", async (c) => {
    const resident = requireResident(c, "email");
    const removed = await removePasskey(c.var.services.database.db, {
      tenantId: c.var.tenant.id,
      residentId: resident.id,
      credentialId: c.req.param("id"),
      requestId: c.var.requestId,
      ip: clientIp(c),
    });
    if (!removed) {
      throw problems.notFound();
    }
    return c.redirect("/my/security", 303);
  })
  .post("/my/line/unlink", async (c) => {
    const resident = requireResident(c, "email");
    await unlinkLineAccount(c.var.services.database.db, {
      tenantId: c.var.tenant.id,
      residentId: resident.id,
      requestId: c.var.requestId,
      ip: clientIp(c),
    });
    return c.redirect("/my/security", 303);
  })
  .post("/my/sessions/delete", async (c) => {
    const resident = requireResident(c, "email");
    await destroySubjectSessions(c.var.services.database.db, c.var.tenant.id, {
      type: "resident",
      id: resident.id,
    });
    clearSessionCookie(c);
    return c.redirect("/", 303);
  })
  .post("/sign-in/passkey/options", async (c) => {
    const options = await passkeySignInOptions(relyingParty(c));
    const token = await startAuthFlow(c.var.services.database.db, {
      tenantId: c.var.tenant.id,
      kind: "passkey:sign-in",
      data: { challenge: options.challenge },
      ttlSeconds: CEREMONY_SECONDS,
    });
    setFlowCookie(c, PASSKEY_FLOW_COOKIE, token, CEREMONY_SECONDS);
    return c.json(options);
  })
  .post("/sign-in/passkey", async (c) => {
    const body = await readJson<{ response?: AuthenticationResponseJSON; return?: unknown }>(c);
    const db = c.var.services.database.db;
    const flow = await takeAuthFlow<{ challenge: string }>(db, {
      tenantId: c.var.tenant.id,
      token: readFlowCookie(c, PASSKEY_FLOW_COOKIE),
      kind: "passkey:sign-in",
    });
    clearFlowCookie(c, PASSKEY_FLOW_COOKIE);
    if (!flow || !body.response || typeof body.response.id !== "string") {
      throw passkeyFailed();
    }
    const residentId = await authenticatePasskey(db, {
      tenantId: c.var.tenant.id,
      rp: relyingParty(c),
      response: body.response,
      expectedChallenge: flow.challenge,
      requestId: c.var.requestId,
      ip: clientIp(c),
    });
    if (!residentId) {
      throw passkeyFailed();
    }
    await startResidentSession(c, { residentId, level: "email", method: "passkey" });
    return c.json({ redirect: safeReturnPath(body.return) });
  });
