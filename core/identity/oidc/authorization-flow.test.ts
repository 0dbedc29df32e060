import { decodeProtectedHeader, exportJWK, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  finishAuthorization,
  forgetProviders,
  loadProvider,
  OidcError,
  type OidcErrorCode,
  type OidcProvider,
  startAuthorization,
} from "./relying-party.ts";
import { CookieJar, signInThroughStandIn } from "./stand-in-browser.ts";
import { STAND_IN_PEOPLE, type StandInProvider, startStandInProvider } from "./stand-in-provider.ts";

// The callback is never fetched: the walk stops at the redirect to it.
const REDIRECT_URI = "http://127.0.0.1:9/callback";
const LINE_CHANNEL = { id: "1234567890", secret: "line-channel-secret-0123456789abcdef" };
const CARD_CLIENT = "RP00000001";
const STAFF_CLIENT = { id: "tenohira-staff", secret: "staff-client-secret-0123456789abcdef" };
const CARD_SCOPES = ["openid", "name", "address", "birthdate", "gender"];

function person(login: string) {
  const found = STAND_IN_PEOPLE.find((p) => p.login === login);
  if (!found) {
    throw new Error(`no fictional person ${login}`);
  }
  return found;
}

async function refusal(promise: Promise<unknown>): Promise<OidcError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OidcError) {
      return error;
    }
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("authorization-code flow against the stand-in provider", () => {
  let standIn: StandInProvider;
  let line: OidcProvider;
  let card: OidcProvider;
  let staff: OidcProvider;

  beforeAll(async () => {
    // The card client authenticates with private_key_jwt, as the デジタル認証アプリ requires.
    const rpKeys = await generateKeyPair("ES256");
    const rpJwk = { ...(await exportJWK(rpKeys.publicKey)), alg: "ES256", use: "sig", kid: "rp-1" };
    standIn = await startStandInProvider({
      clients: [
        {
          clientId: LINE_CHANNEL.id,
          clientSecret: LINE_CHANNEL.secret,
          redirectUris: [REDIRECT_URI],
          idTokenAlg: "HS256",
          kind: "line",
        },
        {
          clientId: CARD_CLIENT,
          jwks: { keys: [rpJwk] },
          redirectUris: [REDIRECT_URI],
          idTokenAlg: "ES256",
          kind: "card",
        },
        {
          clientId: STAFF_CLIENT.id,
          clientSecret: STAFF_CLIENT.secret,
          redirectUris: [REDIRECT_URI],
          idTokenAlg: "RS256",
          kind: "staff",
        },
      ],
    });
    line = await loadProvider({
      issuer: standIn.issuer,
      clientId: LINE_CHANNEL.id,
      clientSecret: LINE_CHANNEL.secret,
      allowInsecureHttp: true,
    });
    card = await loadProvider({
      issuer: standIn.issuer,
      clientId: CARD_CLIENT,
      clientPrivateKey: rpKeys.privateKey,
      allowInsecureHttp: true,
    });
    staff = await loadProvider({
      issuer: standIn.issuer,
      clientId: STAFF_CLIENT.id,
      clientSecret: STAFF_CLIENT.secret,
      allowInsecureHttp: true,
    });
  });

  afterAll(async () => {
    forgetProviders();
    await standIn?.close();
  });

  it("builds an authorization URL with PKCE S256, state and nonce that extra parameters cannot override", async () => {
    const request = await startAuthorization({
      provider: line,
      redirectUri: REDIRECT_URI,
      scopes: ["openid", "profile"],
      extraParams: { state: "fixed", nonce: "fixed", code_challenge_method: "plain", prompt: "consent" },
    });
    const url = new URL(request.url);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get("state")).toBe(request.state);
    expect(url.searchParams.get("nonce")).toBe(request.nonce);
    expect(request.state).not.toBe("fixed");
    expect(url.searchParams.get("prompt")).toBe("consent");
    expect(url.searchParams.get("client_id")).toBe(LINE_CHANNEL.id);
  });

  it("signs a LINE user in with an HS256 ID token keyed by the channel secret", async () => {
    const request = await startAuthorization({
      provider: line,
      redirectUri: REDIRECT_URI,
      scopes: ["openid", "profile", "email"],
    });
    const callbackUrl = await signInThroughStandIn({
      authorizationUrl: request.url,
      login: "line-heita",
      redirectUri: REDIRECT_URI,
    });
    const { claims } = await finishAuthorization({
      provider: line,
      callbackUrl,
      expected: request,
      idTokenRules: { algorithms: ["HS256"] },
    });
    const lineUser = person("line-heita");
    expect(claims.sub).toBe(lineUser.sub);
    expect(claims.sub).toMatch(/^U[0-9a-f]{32}$/);
    expect(claims.name).toBe(lineUser.name);
    expect(claims.picture).toBe(`${standIn.issuer}/avatars/${lineUser.sub}.svg`);
    expect(claims.aud).toBe(LINE_CHANNEL.id);
    expect(claims.nonce).toBe(request.nonce);

    const avatar = await fetch(String(claims.picture));
    expect(avatar.headers.get("content-type")).toContain("image/svg+xml");
    await avatar.body?.cancel();
  });

  it("returns the card holder's 基本4情報 in a verified ES256 ID token (and from userinfo)", async () => {
    const request = await startAuthorization({
      provider: card,
      redirectUri: REDIRECT_URI,
      scopes: CARD_SCOPES,
      extraParams: { acr_values: "aal3 crl" },
    });
    const callbackUrl = await signInThroughStandIn({
      authorizationUrl: request.url,
      login: "heita",
      redirectUri: REDIRECT_URI,
    });
    const { claims, userInfo } = await finishAuthorization({
      provider: card,
      callbackUrl,
      expected: request,
      idTokenRules: { algorithms: ["ES256"] },
      fetchUserInfo: true,
    });
    expect(claims).toMatchObject({
      sub: person("heita").sub,
      name: "手乃 平太",
      address: "てのひら県てのひら市本町一丁目2番3号",
      birthdate: "1985-04-01",
      gender: "1",
      acr: "aal3",
      iss: standIn.issuer,
      aud: CARD_CLIENT,
    });
    expect(claims.name_kana).toBeUndefined();
    expect(userInfo).toMatchObject({ sub: claims.sub, name: "手乃 平太", gender: "1" });
  });

  it("signs staff in with an RS256 ID token", async () => {
    const request = await startAuthorization({
      provider: staff,
      redirectUri: REDIRECT_URI,
      scopes: ["openid", "profile", "email"],
    });
    const callbackUrl = await signInThroughStandIn({
      authorizationUrl: request.url,
      login: "madoguchi",
      redirectUri: REDIRECT_URI,
    });
    const { claims } = await finishAuthorization({
      provider: staff,
      callbackUrl,
      expected: request,
      idTokenRules: {},
    });
    expect(claims).toMatchObject({ sub: "staff-0001", name: "窓口 さくら", email_verified: true });
  });

  it("refuses replaying a callback: the code is single-use at the provider", async () => {
    const request = await startAuthorization({
      provider: card,
      redirectUri: REDIRECT_URI,
      scopes: CARD_SCOPES,
    });
    const callbackUrl = await signInThroughStandIn({
      authorizationUrl: request.url,
      login: "hanako",
      redirectUri: REDIRECT_URI,
    });
    const first = await finishAuthorization({
      provider: card,
      callbackUrl,
      expected: request,
      idTokenRules: {},
    });
    expect(first.claims.name).toBe("手乃 花子");
    const error = await refusal(
      finishAuthorization({ provider: card, callbackUrl, expected: request, idTokenRules: {} }),
    );
    expect(error.code).toBe("provider_error");
    expect(error.providerError).toBe("invalid_grant");
  });

  it("refuses a callback whose state is not ours", async () => {
    const request = await startAuthorization({
      provider: line,
      redirectUri: REDIRECT_URI,
      scopes: ["openid"],
    });
    const callbackUrl = await signInThroughStandIn({
      authorizationUrl: request.url,
      login: "line-hanako",
      redirectUri: REDIRECT_URI,
    });
    const other = await startAuthorization({ provider: line, redirectUri: REDIRECT_URI, scopes: ["openid"] });
    const code = (error: OidcError): OidcErrorCode => error.code;
    expect(
      code(
        await refusal(
          finishAuthorization({
            provider: line,
            callbackUrl,
            expected: { ...request, state: other.state },
            idTokenRules: { algorithms: ["HS256"] },
          }),
        ),
      ),
    ).toBe("state_mismatch");
    const noState = new URL(callbackUrl);
    noState.searchParams.delete("state");
    expect(
      code(
        await refusal(
          finishAuthorization({
            provider: line,
            callbackUrl: noState,
            expected: request,
            idTokenRules: { algorithms: ["HS256"] },
          }),
        ),
      ),
    ).toBe("state_mismatch");
  });

  it("refuses a wrong PKCE verifier", async () => {
    const request = await startAuthorization({
      provider: card,
      redirectUri: REDIRECT_URI,
      scopes: CARD_SCOPES,
    });
    const callbackUrl = await signInThroughStandIn({
      authorizationUrl: request.url,
      login: "heita",
      redirectUri: REDIRECT_URI,
    });
    const other = await startAuthorization({
      provider: card,
      redirectUri: REDIRECT_URI,
      scopes: CARD_SCOPES,
    });
    const error = await refusal(
      finishAuthorization({
        provider: card,
        callbackUrl,
        expected: { ...request, codeVerifier: other.codeVerifier },
        idTokenRules: {},
      }),
    );
    expect(error.code).toBe("provider_error");
    expect(error.providerError).toBe("invalid_grant");
  });

  it("refuses an ID token whose nonce is not the one sent", async () => {
    const request = await startAuthorization({
      provider: line,
      redirectUri: REDIRECT_URI,
      scopes: ["openid"],
    });
    const callbackUrl = await signInThroughStandIn({
      authorizationUrl: request.url,
      login: "line-heita",
      redirectUri: REDIRECT_URI,
    });
    const error = await refusal(
      finishAuthorization({
        provider: line,
        callbackUrl,
        expected: { ...request, nonce: "not-the-nonce-we-sent" },
        idTokenRules: { algorithms: ["HS256"] },
      }),
    );
    expect(error.code).toBe("nonce_mismatch");
  });

  it("refuses an HS256 ID token when the rule expects the issuer's keys", async () => {
    const request = await startAuthorization({
      provider: line,
      redirectUri: REDIRECT_URI,
      scopes: ["openid"],
    });
    const callbackUrl = await signInThroughStandIn({
      authorizationUrl: request.url,
      login: "line-heita",
      redirectUri: REDIRECT_URI,
    });
    const error = await refusal(
      finishAuthorization({
        provider: line,
        callbackUrl,
        expected: request,
        idTokenRules: { algorithms: ["ES256"] },
      }),
    );
    expect(error.code).toBe("invalid_signature");
  });

  it("reports a cancelled consent as provider_error access_denied", async () => {
    const request = await startAuthorization({
      provider: card,
      redirectUri: REDIRECT_URI,
      scopes: CARD_SCOPES,
    });
    const callbackUrl = await signInThroughStandIn({
      authorizationUrl: request.url,
      login: "heita",
      redirectUri: REDIRECT_URI,
      consent: "deny",
    });
    expect(callbackUrl.searchParams.get("error")).toBe("access_denied");
    const error = await refusal(
      finishAuthorization({ provider: card, callbackUrl, expected: request, idTokenRules: {} }),
    );
    expect(error.code).toBe("provider_error");
    expect(error.providerError).toBe("access_denied");
    expect(error.messages.ja).toContain("本人確認");
  });

  it("refuses unknown login names, and people of the wrong kind", async () => {
    const request = await startAuthorization({
      provider: card,
      redirectUri: REDIRECT_URI,
      scopes: CARD_SCOPES,
    });
    await expect(
      signInThroughStandIn({ authorizationUrl: request.url, login: "nobody", redirectUri: REDIRECT_URI }),
    ).rejects.toThrow(/nobody/);
    const again = await startAuthorization({
      provider: card,
      redirectUri: REDIRECT_URI,
      scopes: CARD_SCOPES,
    });
    await expect(
      signInThroughStandIn({ authorizationUrl: again.url, login: "line-heita", redirectUri: REDIRECT_URI }),
    ).rejects.toThrow(/line-heita/);
  });

  it("reads the card and asks consent every time, while LINE keeps its session and consent", async () => {
    const jar = new CookieJar();
    const signIn = async (
      provider: OidcProvider,
      login: string,
      scopes: string[],
      alg: "HS256" | "ES256",
    ) => {
      const pages: string[] = [];
      const request = await startAuthorization({ provider, redirectUri: REDIRECT_URI, scopes });
      const callbackUrl = await signInThroughStandIn({
        authorizationUrl: request.url,
        login,
        redirectUri: REDIRECT_URI,
        jar,
        onPage: (page) => pages.push(page),
      });
      const { claims } = await finishAuthorization({
        provider,
        callbackUrl,
        expected: request,
        idTokenRules: { algorithms: [alg] },
      });
      return { sub: claims.sub, pages };
    };
    expect(await signIn(card, "heita", CARD_SCOPES, "ES256")).toEqual({
      sub: person("heita").sub,
      pages: ["login", "consent"],
    });
    expect(await signIn(card, "heita", CARD_SCOPES, "ES256")).toEqual({
      sub: person("heita").sub,
      pages: ["login", "consent"],
    });
    // Someone else on the same browser: the provider ends the first person's session on the way.
    expect(await signIn(card, "hanako", CARD_SCOPES, "ES256")).toEqual({
      sub: person("hanako").sub,
      pages: ["login", "auto-submit", "consent"],
    });
    // A card session does not count for LINE: the LINE login page comes up.
    expect((await signIn(line, "line-hanako", ["openid"], "HS256")).sub).toBe(person("line-hanako").sub);
    // LINE single sign-on with remembered consent: no pages, so the typed name does not matter.
    expect(await signIn(line, "line-heita", ["openid"], "HS256")).toEqual({
      sub: person("line-hanako").sub,
      pages: [],
    });
  });

  it("signs ID tokens with the algorithm registered for each client", async () => {
    const request = await startAuthorization({
      provider: staff,
      redirectUri: REDIRECT_URI,
      scopes: ["openid"],
    });
    const callbackUrl = await signInThroughStandIn({
      authorizationUrl: request.url,
      login: "kanri",
      redirectUri: REDIRECT_URI,
    });
    // Exchange by hand to look at the raw token header.
    const body = new URLSearchParams({
      grant_type: "authorization_code",
      code: callbackUrl.searchParams.get("code") ?? "",
      redirect_uri: REDIRECT_URI,
      code_verifier: request.codeVerifier,
    });
    const response = await fetch(String(staff.serverMetadata.token_endpoint), {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${STAFF_CLIENT.id}:${STAFF_CLIENT.secret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body,
    });
    const tokens = (await response.json()) as { id_token: string };
    expect(decodeProtectedHeader(tokens.id_token).alg).toBe("RS256");
  });

  it("refuses an authorization request without PKCE", async () => {
    const url = new URL(String(line.serverMetadata.authorization_endpoint));
    url.search = new URLSearchParams({
      client_id: LINE_CHANNEL.id,
      response_type: "code",
      scope: "openid",
      redirect_uri: REDIRECT_URI,
      state: "s",
      nonce: "n",
    }).toString();
    const response = await fetch(url, { redirect: "manual" });
    const location = new URL(response.headers.get("location") ?? "", url);
    expect(location.searchParams.get("error")).toBe("invalid_request");
  });

  it("fails discovery over plain http unless allowed, and for an unreachable issuer", async () => {
    forgetProviders();
    const insecure = await refusal(
      loadProvider({ issuer: standIn.issuer, clientId: "x", clientSecret: "y" }),
    );
    expect(insecure.code).toBe("discovery_failed");
    const unreachable = await refusal(
      loadProvider({
        issuer: "http://127.0.0.1:1",
        clientId: "x",
        clientSecret: "y",
        allowInsecureHttp: true,
      }),
    );
    expect(unreachable.code).toBe("discovery_failed");
  });
});
