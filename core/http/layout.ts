import type { Context } from "hono";
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { Language, Translator } from "../i18n/i18n.ts";
import type { Tenant } from "../tenancy/schema.ts";
import type { AppEnv } from "./app-env.ts";

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export type PageOptions = {
  title: string;
  lang: Language;
  tenant: Tenant;
  t: Translator;
  /** Path of this page, to build the language switch link. */
  path: string;
  body: Html;
  /** A resident is signed in: the header offers My page instead of sign-in. */
  signedIn?: boolean;
  /** Where sign-in leads back to; `path` when absent. */
  returnPath?: string;
};

/**
 * The resident site's frame: server-rendered, usable without JavaScript, mobile first, with a skip link,
 * a language switch and landmarks (JIS X 8341-3 / WCAG 2.x AA).
 */
export function page({
  title,
  lang,
  tenant,
  t,
  path,
  body,
  signedIn = false,
  returnPath = path,
}: PageOptions): Html {
  const cityName = lang === "ja" ? tenant.nameJa : tenant.nameEn;
  const other: Language = lang === "ja" ? "en" : "ja";
  const separator = path.includes("?") ? "&" : "?";
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} | ${cityName}</title>
<link rel="stylesheet" href="/assets/site.css">
</head>
<body>
<a class="skip-link" href="#main">${t("site.skipToContent")}</a>
<header class="site-header">
  <a class="site-name" href="/">${cityName}</a>
  <nav aria-label="${t("site.menu")}">
    ${
      signedIn
        ? html`<a href="/my">${t("site.myPage")}</a>`
        : html`<a href="/sign-in?return=${encodeURIComponent(returnPath)}">${t("site.signIn")}</a>`
    }
    <a href="${path}${separator}lang=${other}" hreflang="${other}" lang="${other}">${t("site.languageSwitch")}</a>
  </nav>
</header>
<main id="main" tabindex="-1">
${body}
</main>
<footer class="site-footer">
  <p>${t("site.footer.poweredBy")}</p>
</footer>
</body>
</html>`;
}

/** Renders a page for the current request's tenant and language. */
export function renderPage(c: Context<AppEnv>, options: { title: string; body: Html; status?: number }) {
  const url = new URL(c.req.url);
  url.searchParams.delete("lang");
  // A link's secret (a `token` parameter, or a capability path such as a ticket's) must not travel on into
  // the sign-in flow's records: such a page leads back to the start instead.
  const back = new URL(url);
  back.searchParams.delete("token");
  if ((c.var.secretPaths ?? []).some((pattern) => pattern.test(back.pathname))) {
    back.pathname = "/";
    back.search = "";
  }
  return c.html(
    page({
      title: options.title,
      lang: c.get("lang"),
      tenant: c.get("tenant"),
      t: c.get("t"),
      path: url.pathname + url.search,
      returnPath: back.pathname + back.search,
      body: options.body,
      signedIn: c.get("resident") != null,
    }),
    (options.status ?? 200) as 200,
  );
}

/** The hidden field that carries the session's CSRF token in a form (nothing when signed out). */
export function csrfField(c: Context<AppEnv>): Html {
  const token = c.get("session")?.csrfToken;
  return token ? html`<input type="hidden" name="_csrf" value="${token}">` : html``;
}
