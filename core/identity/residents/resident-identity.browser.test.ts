import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenants } from "../../tenancy/schema.ts";
import { axeViolations, launchBrowser, startTestServer, type TestServer } from "../../testing/browser.ts";
import { latestSignInCode } from "../../testing/sign-in-code.ts";
import { forgetProviders } from "../oidc/relying-party.ts";
import { type StandInProvider, startStandInProvider } from "../oidc/stand-in-provider.ts";
import { identityProviders } from "../schema.ts";

const SCREENSHOTS = new URL("../../../docs/screenshots/", import.meta.url);

let server: TestServer;
let browser: Browser;
let lineIdp: StandInProvider;
let cardIdp: StandInProvider;
/** WebAuthn refuses IP addresses as relying-party ids, so the browser uses the host name. */
let site: string;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  site = server.baseUrl.replace("127.0.0.1", "localhost");
  // Two providers, as in a real city: LINE's and the Digital Agency's are different issuers.
  [lineIdp, cardIdp] = await Promise.all([
    startStandInProvider({
      clients: [
        {
          clientId: "1650000000",
          clientSecret: "line-channel-secret",
          redirectUris: [`${site}/auth/callback/line`],
          idTokenAlg: "HS256",
          kind: "line",
        },
      ],
    }),
    startStandInProvider({
      clients: [
        {
          clientId: "RP00000001",
          clientSecret: "card-client-secret",
          redirectUris: [`${site}/auth/callback/card`],
          idTokenAlg: "RS256",
          kind: "card",
        },
      ],
    }),
  ]);
  const db = server.platform.services.database.db;
  const [tenant] = await db.select().from(tenants);
  await db.insert(identityProviders).values([
    {
      tenantId: tenant!.id,
      kind: "line",
      issuer: lineIdp.issuer,
      clientId: "1650000000",
      clientSecret: "line-channel-secret",
      scopes: "openid profile",
    },
    {
      tenantId: tenant!.id,
      kind: "card",
      issuer: cardIdp.issuer,
      clientId: "RP00000001",
      clientSecret: "card-client-secret",
      scopes: "openid name address birthdate gender",
    },
  ]);
});

afterAll(async () => {
  forgetProviders();
  await browser?.close();
  await Promise.all([lineIdp?.close(), cardIdp?.close()]);
  await server?.close();
});

async function newPhone(
  options: { javaScriptEnabled?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 },
    locale: "ja-JP",
    ...options,
  });
  return { context, page: await context.newPage() };
}

async function expectAccessible(page: Page) {
  expect(await axeViolations(page), page.url()).toEqual([]);
  const scrollWidth = await page.evaluate(() => document.scrollingElement?.scrollWidth ?? 0);
  expect(scrollWidth, page.url()).toBeLessThanOrEqual(360);
}

async function signInByCode(page: Page, email: string) {
  await page.getByLabel("メールアドレス").fill(email);
  await page.getByRole("button", { name: "確認コードを送る" }).click();
  await page.waitForURL(/\/sign-in\/code/);
  const code = await latestSignInCode(server.platform.services.database.db, email);
  await page.getByLabel("確認コード（6桁）").fill(code);
  await page.getByRole("button", { name: "ログイン" }).click();
}

async function throughStandIn(page: Page, login: string) {
  await page.locator("#login").fill(login);
  await page.locator("#login-submit").click();
  await page.locator("#consent-submit").click();
}

/** Presses Tab until the element has focus, as a keyboard user would; fails if it never gets there. */
async function tabTo(page: Page, selector: string) {
  for (let i = 0; i < 15; i++) {
    await page.keyboard.press("Tab");
    if (await page.locator(selector).evaluate((el) => el === document.activeElement)) {
      return;
    }
  }
  throw new Error(`Tab never reached ${selector}`);
}

describe("resident identity in Chromium", () => {
  it("signs in by code, adds and uses a passkey, links LINE, steps up with the card and lands back on the service", async () => {
    const { context, page } = await newPhone();
    try {
      // 1. Email code.
      await page.goto(`${site}/sign-in`);
      await expectAccessible(page);
      await page.screenshot({
        path: new URL("resident-sign-in-360.png", SCREENSHOTS).pathname,
        fullPage: true,
      });
      await signInByCode(page, "browser@example.jp");
      await page.waitForURL(`${site}/my`);
      await expect
        .poll(() => page.locator("main").textContent())
        .toContain("browser@example.jp でログインしています");
      await expectAccessible(page);

      // 2. A passkey on a virtual authenticator, then signing in with it alone.
      const cdp = await context.newCDPSession(page);
      await cdp.send("WebAuthn.enable");
      await cdp.send("WebAuthn.addVirtualAuthenticator", {
        options: {
          protocol: "ctap2",
          transport: "internal",
          hasResidentKey: true,
          hasUserVerification: true,
          isUserVerified: true,
          automaticPresenceSimulation: true,
        },
      });
      await page.goto(`${site}/my/security`);
      await expectAccessible(page);
      await page.getByRole("button", { name: "パスキーを登録する" }).click();
      await page.waitForURL(`${site}/my/security?added=1`);
      await expect.poll(() => page.locator("main").textContent()).toContain("この端末のパスキー");
      await page.goto(`${site}/my`);
      await page.getByRole("button", { name: "ログアウト" }).click();
      await page.waitForURL(`${site}/`);
      await page.goto(`${site}/sign-in?return=%2Fmy%2Fprofile`);
      await page.getByRole("button", { name: "パスキーでログイン" }).click();
      await page.waitForURL(`${site}/my/profile`);
      await expectAccessible(page);

      // 3. LINE Login links the LINE user to this account.
      await page.goto(`${site}/my/security`);
      await page.getByRole("link", { name: "LINEと連携する" }).click();
      await throughStandIn(page, "line-heita");
      await page.waitForURL(`${site}/my/security`);
      await expect.poll(() => page.locator("main").textContent()).toContain("連携済み");

      // 4. A card-level service: step up through the デジタル認証アプリ stand-in, and land back on it.
      await page.goto(`${site}/services/juminhyo`);
      await page.getByRole("link", { name: "オンラインで申請する" }).click();
      await page.waitForURL(`${site}/forms/juminhyo`);
      await page.getByRole("button", { name: "申請を始める" }).click();
      await page.waitForURL(/\/sign-in\/step-up\?level=card/);
      await expectAccessible(page);
      await page.screenshot({
        path: new URL("resident-step-up-360.png", SCREENSHOTS).pathname,
        fullPage: true,
      });
      await page.getByRole("link", { name: "デジタル認証アプリで本人確認する" }).click();
      await throughStandIn(page, "heita");
      // Back on the form, whose application now starts filled in with the card's 基本4情報.
      await page.waitForURL(`${site}/forms/juminhyo`);
      await page.getByRole("button", { name: "申請を始める" }).click();
      await page.waitForURL(/\/forms\/juminhyo\/a\/.+\/p\/applicant$/);
      expect(await page.locator('input[name="applicant_name.name"]').inputValue()).toBe("手乃 平太");
      await expectAccessible(page);
    } finally {
      await context.close();
    }
  });

  it("signs in and keeps a profile with the keyboard alone", async () => {
    const { context, page } = await newPhone();
    try {
      await page.goto(`${site}/sign-in`);
      const email = "keyboard@example.jp";
      await tabTo(page, "#f-email");
      await page.keyboard.type(email);
      await page.keyboard.press("Enter");
      await page.waitForURL(/\/sign-in\/code/);
      await expectAccessible(page);
      const code = await latestSignInCode(server.platform.services.database.db, email);
      await tabTo(page, "#f-code");
      await page.keyboard.type(code);
      await page.keyboard.press("Enter");
      await page.waitForURL(`${site}/my`);

      await page.goto(`${site}/my/profile`);
      await tabTo(page, "#f-name_kana");
      await page.keyboard.type("けいぼーど たろう");
      await tabTo(page, "#f-postal_code");
      await page.keyboard.type("abc");
      await page.keyboard.press("Enter");
      await page.waitForLoadState();
      expect(await page.locator(".error-summary").textContent()).toContain(
        "郵便番号は7桁の数字で入力してください",
      );
      await expectAccessible(page);
      await tabTo(page, "#f-postal_code");
      await page.keyboard.press("Control+A");
      await page.keyboard.type("999-0019");
      await page.keyboard.press("Enter");
      await page.waitForURL(`${site}/my/profile?saved=1`);
      expect(await page.locator("#f-name_kana").inputValue()).toBe("ケイボード タロウ");
      await expectAccessible(page);
      await page.screenshot({
        path: new URL("resident-profile-360.png", SCREENSHOTS).pathname,
        fullPage: true,
      });
    } finally {
      await context.close();
    }
  });

  it("signs in by code and saves a profile with JavaScript off", async () => {
    const { context, page } = await newPhone({ javaScriptEnabled: false });
    try {
      await page.goto(`${site}/sign-in`);
      // Without JavaScript the passkey button stays hidden; the code form is all there is.
      expect(await page.locator("#passkey-sign-in").isVisible()).toBe(false);
      await signInByCode(page, "nojs@example.jp");
      await page.waitForURL(`${site}/my`);
      await page.goto(`${site}/my/profile`);
      await page.locator("#f-name").fill("手乃 次郎");
      await page.locator("#f-household-relation-0").selectOption("child");
      await page.locator("#f-household-year-0").fill("2020");
      await page.getByRole("button", { name: "保存する" }).click();
      await page.waitForURL(`${site}/my/profile?saved=1`);
      expect(await page.locator("#f-household-year-0").inputValue()).toBe("2020");
    } finally {
      await context.close();
    }
  });
});
