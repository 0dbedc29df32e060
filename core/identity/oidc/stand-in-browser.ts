// Drives the stand-in provider's login and consent pages with plain fetch (manual redirects, a small cookie
// jar), for tests that need a real authorization-code callback without starting a browser.

/** Cookies for one host; enough for the stand-in (paths and domains are ignored). */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq <= 0) {
        continue;
      }
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key = "", val = ""] = attribute.split("=").map((s) => s.trim());
        if (key.toLowerCase() === "max-age") {
          return Number(val) <= 0;
        }
        if (key.toLowerCase() === "expires") {
          return Date.parse(val) <= Date.now();
        }
        return false;
      });
      if (expired || value === "") {
        this.#cookies.delete(name);
      } else {
        this.#cookies.set(name, value);
      }
    }
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

export interface StandInSignInOptions {
  /** From startAuthorization(). */
  authorizationUrl: string;
  /** A login name from STAND_IN_PEOPLE. */
  login: string;
  /** The redirect_uri: the walk stops at the first redirect there, without fetching it. */
  redirectUri: string;
  /** "deny" presses the cancel button on the consent page (the callback then carries error=access_denied). */
  consent?: "accept" | "deny";
  /** Reuse one to keep the provider session between sign-ins. */
  jar?: CookieJar;
  /** Told of each page submitted, to check which steps the provider asked for. */
  onPage?: (page: "login" | "consent" | "auto-submit") => void;
}

/** Walks the stand-in's pages and returns the callback URL the provider redirects to. */
export async function signInThroughStandIn(options: StandInSignInOptions): Promise<URL> {
  const jar = options.jar ?? new CookieJar();
  let url = new URL(options.authorizationUrl);
  let init: RequestInit = { method: "GET" };

  for (let step = 0; step < 20; step++) {
    const headers = new Headers(init.headers);
    const cookie = jar.header();
    if (cookie) {
      headers.set("cookie", cookie);
    }
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    jar.store(response);

    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      const next = new URL(location, url);
      if (isUnder(next, options.redirectUri)) {
        return next;
      }
      url = next;
      init = { method: "GET" };
      continue;
    }

    const html = await response.text();
    if (response.status !== 200) {
      throw new Error(`stand-in answered ${response.status} at ${url.pathname}: ${visibleError(html)}`);
    }
    const form = formAction(html, "login-form")
      ? {
          page: "login" as const,
          action: formAction(html, "login-form"),
          body: new URLSearchParams({ login: options.login }),
        }
      : formAction(html, "consent-form")
        ? {
            page: "consent" as const,
            action: formAction(html, options.consent === "deny" ? "abort-form" : "consent-form"),
            body: new URLSearchParams(),
          }
        : autoSubmitForm(html);
    if (!form?.action) {
      throw new Error(`unexpected stand-in page at ${url.pathname}: ${visibleError(html)}`);
    }
    options.onPage?.(form.page);
    url = new URL(form.action, url);
    init = {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form.body.toString(),
    };
  }
  throw new Error("too many steps at the stand-in provider");
}

function isUnder(url: URL, redirectUri: string): boolean {
  const target = new URL(redirectUri);
  return url.origin === target.origin && url.pathname === target.pathname;
}

function formAction(html: string, id: string): string | undefined {
  const match = new RegExp(`<form id="${id}"[^>]*action="([^"]+)"`).exec(html);
  return match?.[1]?.replaceAll("&amp;", "&");
}

// oidc-provider's own pages that a browser submits by script, e.g. ending the previous person's session
// when someone else signs in on the same browser.
function autoSubmitForm(
  html: string,
): { page: "auto-submit"; action: string | undefined; body: URLSearchParams } | undefined {
  if (!html.includes("document.forms[0].submit()")) {
    return undefined;
  }
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1]?.replaceAll("&amp;", "&");
  const body = new URLSearchParams();
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/?>/g)) {
    body.append(match[1] ?? "", (match[2] ?? "").replaceAll("&quot;", '"').replaceAll("&amp;", "&"));
  }
  return { page: "auto-submit", action, body };
}

function visibleError(html: string): string {
  const alert = /role="alert">([^<]*)</.exec(html)?.[1];
  const code = /id="stand-in-error-code">([^<]*)<\/code>([^<]*)/.exec(html);
  if (alert === undefined) {
    return html.slice(0, 200);
  }
  return code ? `${alert} (${code[1]}:${code[2]})` : alert;
}
