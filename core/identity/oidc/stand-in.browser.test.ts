import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, launchBrowser } from "../../testing/browser.ts";
import {
  finishAuthorization,
  forgetProviders,
  loadProvider,
  type OidcProvider,
  startAuthorization,
} from "./relying-party.ts";
import { type StandInProvider, startStandInProvider } from "./stand-in-provider.ts";

// The login and consent pages driven by a real browser with the selectors the report documents.
describe("stand-in provider pages in a browser", () => {
  let browser: Browser;
  let callbackServer: Server;
  let redirectUri: string;
  let standIn: StandInProvider;
  let card: OidcProvider;

  beforeAll(async () => {
    callbackServer = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      res.end("callback");
    });
    await new Promise<void>((resolve) => callbackServer.listen(0, "127.0.0.1", resolve));
    redirectUri = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/callback`;
    standIn = await startStandInProvider({
      clients: [
        {
          clientId: "RP00000001",
          clientSecret: "card-client-secret-0123456789abcdef",
          redirectUris: [redirectUri],
          idTokenAlg: "ES256",
          kind: "card",
          name: "てのひら市役所",
        },
      ],
    });
    card = await loadProvider({
      issuer: standIn.issuer,
      clientId: "RP00000001",
      clientSecret: "card-client-secret-0123456789abcdef",
      allowInsecureHttp: true,
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    forgetProviders();
    await standIn?.close();
    await new Promise<void>((resolve) => {
      callbackServer?.close(() => resolve());
      callbackServer?.closeAllConnections();
    });
  });

  it("signs a card holder in, then another on the same browser, through accessible pages", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const signIn = async (login: string, checkAccessibility: boolean) => {
      const request = await startAuthorization({
        provider: card,
        redirectUri,
        scopes: ["openid", "name", "address", "birthdate", "gender"],
      });
      await page.goto(request.url);
      await page.locator("#login").waitFor();
      if (checkAccessibility) {
        expect(await axeViolations(page)).toEqual([]);
      }
      await page.fill("#login", "nobody");
      await page.click("#login-submit");
      await expect(page.locator("#login-error").textContent()).resolves.toContain("nobody");
      await page.fill("#login", login);
      await page.click("#login-submit");
      await page.locator("#consent-submit").waitFor();
      if (checkAccessibility) {
        expect(await axeViolations(page)).toEqual([]);
        expect(await page.locator("#consent-claims li").allTextContents()).toEqual([
          "氏名（名前）",
          "住所",
          "生年月日",
          "性別",
        ]);
      }
      await page.click("#consent-submit");
      await page.waitForURL((url) => url.href.startsWith(redirectUri));
      const { claims } = await finishAuthorization({
        provider: card,
        callbackUrl: new URL(page.url()),
        expected: request,
        idTokenRules: { algorithms: ["ES256"] },
      });
      return claims;
    };
    expect((await signIn("heita", true)).name).toBe("手乃 平太");
    // The second person's login ends the first one's provider session by an auto-submitted form.
    expect((await signIn("hanako", false)).name).toBe("手乃 花子");
    await context.close();
  });

  it("cancels from the login page with access_denied", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const request = await startAuthorization({ provider: card, redirectUri, scopes: ["openid", "name"] });
    await page.goto(request.url);
    await page.click("#login-cancel");
    await page.waitForURL((url) => url.href.startsWith(redirectUri));
    expect(new URL(page.url()).searchParams.get("error")).toBe("access_denied");
    await context.close();
  });
});
