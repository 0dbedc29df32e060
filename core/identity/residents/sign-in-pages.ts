import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { z } from "zod";
import type { AppEnv } from "../../http/app-env.ts";
import { errorSummary, inputField } from "../../http/forms.ts";
import { csrfField, renderPage } from "../../http/layout.ts";
import { clientIp } from "../../http/middleware.ts";
import { isAssuranceLevel, meetsAssurance } from "../assurance.ts";
import { hashSecret } from "../auth-flows.ts";
import { startResidentSession } from "../resident-session.ts";
import { safeReturnPath } from "../return-path.ts";
import { clearFlowCookie, clearSessionCookie, readFlowCookie, setFlowCookie } from "../session-cookie.ts";
import { destroySession } from "../sessions.ts";
import { enabledProviders } from "./providers.ts";
import { requestSignInCode } from "./request-sign-in-code.ts";
import { verifySignInCode } from "./verify-sign-in-code.ts";

const SIGN_IN_FLOW_COOKIE = "tenohira_signin";
const EmailSchema = z.email().max(254);

function returnQuery(returnTo: string): string {
  return new URLSearchParams({ return: returnTo }).toString();
}

async function formValue(c: Context<AppEnv>, name: string): Promise<string> {
  const form = await c.req.parseBody();
  const value = form[name];
  return typeof value === "string" ? value : "";
}

async function emailPage(
  c: Context<AppEnv>,
  options: { returnTo: string; email?: string; error?: string; status?: number },
) {
  const { t } = c.var;
  const providers = await enabledProviders(c.var.services.database.db, c.var.tenant.id);
  const errors: Record<string, string> = options.error ? { email: options.error } : {};
  return renderPage(c, {
    title: t("identity.signIn.title"),
    status: options.status,
    body: html`${errorSummary(t("form.errorSummary"), errors)}
<h1>${t("identity.signIn.title")}</h1>
<p>${t("identity.signIn.lead")}</p>
<form method="post" action="/sign-in/email" novalidate>
${csrfField(c)}
<input type="hidden" name="return" value="${options.returnTo}">
${inputField({
  name: "email",
  label: t("identity.signIn.email"),
  hint: t("identity.signIn.emailHint"),
  type: "email",
  autocomplete: "email",
  inputmode: "email",
  value: options.email,
  error: options.error,
  maxlength: 254,
})}
<button type="submit">${t("identity.signIn.sendCode")}</button>
</form>
<section aria-labelledby="other-ways">
<h2 id="other-ways">${t("identity.signIn.otherWays")}</h2>
<div class="button-row">
<button type="button" class="button-secondary" id="passkey-sign-in" data-return="${options.returnTo}" data-failed="${t(
      "identity.signIn.passkeyFailed",
    )}" hidden>${t("identity.signIn.passkey")}</button>
${
  providers.has("line")
    ? html`<a class="button button-secondary" href="/sign-in/line?${returnQuery(options.returnTo)}">${t(
        "identity.signIn.line",
      )}</a>`
    : ""
}
</div>
<p class="hint" id="passkey-status" role="status"></p>
</section>
<script src="/assets/webauthn.js" defer></script>
<script src="/assets/passkeys.js" defer></script>`,
  });
}

function codePage(c: Context<AppEnv>, options: { returnTo: string; error?: string; status?: number }) {
  const { t } = c.var;
  const errors: Record<string, string> = options.error ? { code: options.error } : {};
  return renderPage(c, {
    title: t("identity.code.title"),
    status: options.status,
    body: html`${errorSummary(t("form.errorSummary"), errors)}
<h1>${t("identity.code.title")}</h1>
<p>${t("identity.code.lead")}</p>
<form method="post" action="/sign-in/code" novalidate>
${csrfField(c)}
<input type="hidden" name="return" value="${options.returnTo}">
${inputField({
  name: "code",
  label: t("identity.code.label"),
  hint: t("identity.code.hint"),
  autocomplete: "one-time-code",
  inputmode: "numeric",
  className: "input-code",
  maxlength: 8,
  error: options.error,
})}
<button type="submit">${t("identity.code.submit")}</button>
</form>
<p><a href="/sign-in?${returnQuery(options.returnTo)}">${t("identity.code.again")}</a></p>`,
  });
}

/** Email-code sign-in, step-up and sign-out: server-rendered, usable without JavaScript. */
export const signInPages = new Hono<AppEnv>()
  .get("/sign-in", async (c) => {
    const returnTo = safeReturnPath(c.req.query("return"));
    if (c.var.resident) {
      return c.redirect(returnTo, 303);
    }
    return emailPage(c, { returnTo });
  })
  .post("/sign-in/email", async (c) => {
    const { t } = c.var;
    const returnTo = safeReturnPath(await formValue(c, "return"));
    const email = (await formValue(c, "email")).normalize("NFKC").trim();
    if (!EmailSchema.safeParse(email).success) {
      return emailPage(c, {
        returnTo,
        email,
        error: t(email ? "identity.signIn.emailInvalid" : "identity.signIn.emailMissing"),
        status: 400,
      });
    }
    const token = crypto.randomUUID() + crypto.randomUUID();
    const result = await requestSignInCode(c.var.services.database.db, {
      tenantId: c.var.tenant.id,
      cityName: c.var.lang === "ja" ? c.var.tenant.nameJa : c.var.tenant.nameEn,
      email,
      language: c.var.lang,
      flowHash: hashSecret(token),
      ip: clientIp(c),
    });
    if (result === "throttled") {
      return emailPage(c, { returnTo, email, error: t("identity.throttled"), status: 429 });
    }
    setFlowCookie(c, SIGN_IN_FLOW_COOKIE, token, 15 * 60);
    return c.redirect(`/sign-in/code?${returnQuery(returnTo)}`, 303);
  })
  .get("/sign-in/code", (c) => codePage(c, { returnTo: safeReturnPath(c.req.query("return")) }))
  .post("/sign-in/code", async (c) => {
    const { t } = c.var;
    const returnTo = safeReturnPath(await formValue(c, "return"));
    const token = readFlowCookie(c, SIGN_IN_FLOW_COOKIE);
    const code = await formValue(c, "code");
    if (!/^\d{6}$/.test(code.normalize("NFKC").replace(/\s|-/g, ""))) {
      return codePage(c, { returnTo, error: t("identity.code.format"), status: 400 });
    }
    const result = token
      ? await verifySignInCode(c.var.services.database.db, {
          tenantId: c.var.tenant.id,
          flowHash: hashSecret(token),
          code,
          ip: clientIp(c),
          requestId: c.var.requestId,
        })
      : ({ ok: false, reason: "expired" } as const);
    if (!result.ok) {
      const message = {
        invalid: "identity.code.invalid",
        expired: "identity.code.expired",
        throttled: "identity.throttled",
      }[result.reason];
      return codePage(c, { returnTo, error: t(message), status: result.reason === "throttled" ? 429 : 400 });
    }
    await startResidentSession(c, { residentId: result.resident.id, level: "email", method: "email_code" });
    clearFlowCookie(c, SIGN_IN_FLOW_COOKIE);
    return c.redirect(returnTo, 303);
  })
  .get("/sign-in/step-up", async (c) => {
    const { t } = c.var;
    const returnTo = safeReturnPath(c.req.query("return"), "/");
    const level = c.req.query("level");
    if (!isAssuranceLevel(level) || (level !== "card" && level !== "line")) {
      return c.redirect(`/sign-in?${returnQuery(returnTo)}`, 303);
    }
    if (!c.var.resident) {
      const here = `/sign-in/step-up?${new URLSearchParams({ level, return: returnTo })}`;
      return c.redirect(`/sign-in?${returnQuery(here)}`, 303);
    }
    if (meetsAssurance(c.var.session?.assuranceLevel, level)) {
      return c.redirect(returnTo, 303);
    }
    const providers = await enabledProviders(c.var.services.database.db, c.var.tenant.id);
    return renderPage(c, {
      title: t(`identity.stepUp.${level}.title`),
      body: html`<h1>${t(`identity.stepUp.${level}.title`)}</h1>
<p>${t(`identity.stepUp.${level}.lead`)}</p>
${
  providers.has(level)
    ? html`<p class="button-row"><a class="button" href="/sign-in/${level}?${returnQuery(returnTo)}">${t(
        `identity.stepUp.${level}.start`,
      )}</a></p>`
    : html`<div class="notice"><p>${t("identity.stepUp.unavailable")}</p></div>`
}
<p><a href="/">${t("identity.stepUp.cancel")}</a></p>`,
    });
  })
  .post("/sign-out", async (c) => {
    if (c.var.session) {
      await destroySession(c.var.services.database.db, c.var.session.idHash);
    }
    clearSessionCookie(c);
    return c.redirect("/", 303);
  });
