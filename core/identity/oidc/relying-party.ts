// OpenID Connect relying party: discovery, the authorization-code flow with PKCE/state/nonce, and an ID-token
// check of our own on top of openid-client's, because openid-client does not verify the signature of an ID
// token received from the token endpoint (it trusts TLS). LINE web-login ID tokens are HS256 with the channel
// secret; LINE LIFF/SDK tokens and the デジタル認証アプリ's are asymmetric (ES256) via the issuer's JWKS.

import { timingSafeEqual } from "node:crypto";
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeProtectedHeader,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  errors as joseErrors,
  jwtVerify,
} from "jose";
import * as client from "openid-client";

export type OidcErrorCode =
  | "invalid_signature"
  | "expired"
  | "wrong_audience"
  | "wrong_issuer"
  | "nonce_mismatch"
  | "state_mismatch"
  | "malformed"
  | "provider_error"
  | "discovery_failed";

const RETRY = {
  ja: "本人確認の結果を確認できませんでした。もう一度お試しください。",
  en: "We could not confirm the result of the identity check. Please try again.",
};

const MESSAGES: Record<OidcErrorCode, { ja: string; en: string }> = {
  invalid_signature: RETRY,
  wrong_audience: RETRY,
  wrong_issuer: RETRY,
  malformed: RETRY,
  expired: {
    ja: "本人確認の有効期限が切れました。もう一度お試しください。",
    en: "The identity check has expired. Please try again.",
  },
  nonce_mismatch: {
    ja: "本人確認の手続きが別の画面のものと入れ替わったようです。最初からやり直してください。",
    en: "The identity check got mixed up with another one. Please start again.",
  },
  state_mismatch: {
    ja: "本人確認の手続きが別の画面のものと入れ替わったようです。最初からやり直してください。",
    en: "The identity check got mixed up with another one. Please start again.",
  },
  provider_error: {
    ja: "本人確認が完了しませんでした。途中でやめた場合は、もう一度お試しください。",
    en: "The identity check was not completed. If you cancelled it, please try again.",
  },
  discovery_failed: {
    ja: "本人確認サービスに接続できませんでした。しばらくしてからもう一度お試しください。",
    en: "We could not reach the identity service. Please try again in a little while.",
  },
};

/** A failure a resident can be told about: `messages` are safe to show, `message` is for logs. */
export class OidcError extends Error {
  override name = "OidcError";
  readonly code: OidcErrorCode;
  readonly messages: { ja: string; en: string };
  /** The provider's own error code (e.g. "access_denied", "invalid_grant") for provider_error. */
  readonly providerError: string | undefined;

  constructor(code: OidcErrorCode, detail: string, options?: { cause?: unknown; providerError?: string }) {
    super(`${code}: ${detail}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.messages = MESSAGES[code];
    this.providerError = options?.providerError;
  }
}

export type IdTokenAlg = "HS256" | "RS256" | "ES256" | "PS256" | "EdDSA";

const ASYMMETRIC_ALGS: readonly IdTokenAlg[] = ["RS256", "ES256", "PS256", "EdDSA"];

/** Verified ID-token claims: always `sub`, `iss`, `aud`, `exp`, `iat`; the rest as the provider sent them. */
export interface IdTokenClaims extends JWTPayload {
  sub: string;
  iss: string;
  aud: string | string[];
  exp: number;
  iat: number;
}

export interface OidcProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly config: client.Configuration;
  readonly serverMetadata: client.ServerMetadata;
  readonly allowInsecureHttp: boolean;
  /** Only here to verify HS256 ID tokens; never sent anywhere but the token endpoint. */
  readonly clientSecret: string | undefined;
  readonly clientPrivateKey: CryptoKey | undefined;
}

export interface LoadProviderOptions {
  issuer: string;
  clientId: string;
  /** client_secret_basic at the token endpoint, and the HS256 key for LINE web-login ID tokens. */
  clientSecret?: string;
  /** private_key_jwt at the token endpoint instead (as the デジタル認証アプリ requires). */
  clientPrivateKey?: CryptoKey;
  /** Tests and the demo city's stand-in run on http; production needs https. */
  allowInsecureHttp?: boolean;
}

const providers = new Map<string, Promise<OidcProvider>>();

/** Discovers the issuer's metadata, cached per issuer and client id. */
export function loadProvider(options: LoadProviderOptions): Promise<OidcProvider> {
  const key = `${options.issuer}\n${options.clientId}`;
  const cached = providers.get(key);
  if (cached) {
    return cached.then(
      (p) =>
        p.clientSecret === options.clientSecret &&
        p.clientPrivateKey === options.clientPrivateKey &&
        p.allowInsecureHttp === (options.allowInsecureHttp ?? false)
          ? p
          : reload(key, options),
      () => reload(key, options),
    );
  }
  return reload(key, options);
}

function reload(key: string, options: LoadProviderOptions): Promise<OidcProvider> {
  const loading = discover(options);
  providers.set(key, loading);
  loading.catch(() => {
    if (providers.get(key) === loading) {
      providers.delete(key);
    }
  });
  return loading;
}

/** Drops cached discovery results (tests start providers on new ports; key rotation). */
export function forgetProviders(): void {
  providers.clear();
}

async function discover(options: LoadProviderOptions): Promise<OidcProvider> {
  const allowInsecureHttp = options.allowInsecureHttp ?? false;
  let issuerUrl: URL;
  try {
    issuerUrl = new URL(options.issuer);
  } catch (cause) {
    throw new OidcError("discovery_failed", `issuer is not a URL: ${options.issuer}`, { cause });
  }
  if (issuerUrl.protocol !== "https:" && !(allowInsecureHttp && issuerUrl.protocol === "http:")) {
    throw new OidcError("discovery_failed", `issuer must use https: ${options.issuer}`);
  }
  let config: client.Configuration;
  try {
    config = await client.discovery(
      issuerUrl,
      options.clientId,
      options.clientSecret === undefined ? undefined : { client_secret: options.clientSecret },
      clientAuth(options),
      allowInsecureHttp ? { execute: [client.allowInsecureRequests] } : undefined,
    );
  } catch (cause) {
    throw new OidcError("discovery_failed", `discovery of ${options.issuer} failed`, { cause });
  }
  return {
    issuer: config.serverMetadata().issuer,
    clientId: options.clientId,
    config,
    serverMetadata: config.serverMetadata(),
    allowInsecureHttp,
    clientSecret: options.clientSecret,
    clientPrivateKey: options.clientPrivateKey,
  };
}

function clientAuth(options: {
  clientSecret?: string | undefined;
  clientPrivateKey?: CryptoKey | undefined;
}): client.ClientAuth {
  if (options.clientPrivateKey) {
    return client.PrivateKeyJwt(options.clientPrivateKey);
  }
  if (options.clientSecret !== undefined) {
    return client.ClientSecretBasic(options.clientSecret);
  }
  return client.None();
}

export interface StartAuthorizationOptions {
  provider: OidcProvider;
  redirectUri: string;
  /** e.g. ["openid", "profile"] for LINE, ["openid", "name", "address", "birthdate", "gender"] for the card. */
  scopes: readonly string[];
  /** e.g. { acr_values: "aal3 crl" }, { prompt: "login" }, { bot_prompt: "aggressive" }; cannot override the checks. */
  extraParams?: Record<string, string>;
}

export interface AuthorizationRequest {
  url: string;
  /** Keep these three server-side (e.g. in the auth-flow row) until the callback. */
  state: string;
  nonce: string;
  codeVerifier: string;
}

export async function startAuthorization(options: StartAuthorizationOptions): Promise<AuthorizationRequest> {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(options.provider.config, {
    ...options.extraParams,
    response_type: "code",
    redirect_uri: options.redirectUri,
    scope: options.scopes.join(" "),
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
  });
  return { url: url.href, state, nonce, codeVerifier };
}

export interface IdTokenRules {
  /**
   * Algorithms accepted. "HS256" is verified with the client secret (LINE web login); the others with the
   * issuer's JWKS. Default: the asymmetric ones.
   */
  algorithms?: readonly IdTokenAlg[];
  /** Refuse an authentication older than this (auth_time, or iat when absent). */
  maxAgeSeconds?: number;
  /** Default 60. */
  clockToleranceSeconds?: number;
}

export interface FinishAuthorizationOptions {
  provider: OidcProvider;
  /** The full callback URL as received (query string included). */
  callbackUrl: URL;
  expected: {
    state: string;
    nonce: string;
    codeVerifier: string;
    /**
     * The redirect_uri sent in startAuthorization, when callbackUrl was rebuilt from a request behind a proxy
     * and may differ in scheme or host. Default: callbackUrl without its query.
     */
    redirectUri?: string;
  };
  idTokenRules: IdTokenRules;
  /** Also call the userinfo endpoint (the ID token stays the source of `sub`). */
  fetchUserInfo?: boolean;
}

export interface AuthorizationResult {
  /** Verified ID-token claims. */
  claims: IdTokenClaims;
  /** From the userinfo endpoint when asked for; its `sub` was checked against the ID token's. */
  userInfo: Record<string, unknown> | undefined;
}

/** Handles the callback: checks state, exchanges the code (with the PKCE verifier), verifies the ID token. */
export async function finishAuthorization(options: FinishAuthorizationOptions): Promise<AuthorizationResult> {
  const { provider, expected, idTokenRules } = options;
  const params = options.callbackUrl.searchParams;

  const state = params.get("state");
  if (state === null || !sameString(state, expected.state)) {
    throw new OidcError("state_mismatch", "callback state does not match the one sent");
  }
  const providerError = params.get("error");
  if (providerError !== null) {
    const description = params.get("error_description");
    throw new OidcError(
      "provider_error",
      `provider returned ${providerError}${description ? `: ${description}` : ""}`,
      { providerError },
    );
  }

  const algorithms = idTokenRules.algorithms ?? ASYMMETRIC_ALGS;
  // openid-client checks the ID token's alg against client metadata or the server's list; real LINE lists
  // only ES256 although web-login tokens are HS256, so tell it what this flow expects.
  const config =
    algorithms.length === 1 ? configurationFor(provider, algorithms[0] as IdTokenAlg) : provider.config;

  let callbackUrl = options.callbackUrl;
  if (expected.redirectUri !== undefined) {
    callbackUrl = new URL(expected.redirectUri);
    callbackUrl.search = options.callbackUrl.search;
  }

  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      expectedState: expected.state,
      expectedNonce: expected.nonce,
      pkceCodeVerifier: expected.codeVerifier,
      idTokenExpected: true,
    });
  } catch (cause) {
    throw fromClientError(cause);
  }
  if (!tokens.id_token) {
    throw new OidcError("malformed", "token response has no id_token");
  }

  const claims = await verifyIdToken({
    token: tokens.id_token,
    issuer: provider.issuer,
    audience: provider.clientId,
    nonce: expected.nonce,
    algorithms,
    hs256Secret: algorithms.includes("HS256") ? provider.clientSecret : undefined,
    jwks: algorithms.some((a) => a !== "HS256") ? jwksFor(provider) : undefined,
    maxAgeSeconds: idTokenRules.maxAgeSeconds,
    clockToleranceSeconds: idTokenRules.clockToleranceSeconds,
  });

  let userInfo: Record<string, unknown> | undefined;
  if (options.fetchUserInfo) {
    try {
      userInfo = { ...(await client.fetchUserInfo(config, tokens.access_token, claims.sub)) };
    } catch (cause) {
      throw fromClientError(cause);
    }
  }
  return { claims, userInfo };
}

const configurations = new WeakMap<OidcProvider, Map<IdTokenAlg, client.Configuration>>();

function configurationFor(provider: OidcProvider, alg: IdTokenAlg): client.Configuration {
  let byAlg = configurations.get(provider);
  if (!byAlg) {
    byAlg = new Map();
    configurations.set(provider, byAlg);
  }
  let config = byAlg.get(alg);
  if (!config) {
    config = new client.Configuration(
      provider.serverMetadata,
      provider.clientId,
      {
        ...(provider.clientSecret === undefined ? {} : { client_secret: provider.clientSecret }),
        id_token_signed_response_alg: alg,
      },
      clientAuth(provider),
    );
    if (provider.allowInsecureHttp) {
      client.allowInsecureRequests(config);
    }
    byAlg.set(alg, config);
  }
  return config;
}

const providerJwks = new WeakMap<OidcProvider, JWTVerifyGetKey>();

function jwksFor(provider: OidcProvider): JWTVerifyGetKey {
  let jwks = providerJwks.get(provider);
  if (!jwks) {
    const uri = provider.serverMetadata.jwks_uri;
    if (!uri) {
      throw new OidcError("discovery_failed", `${provider.issuer} publishes no jwks_uri`);
    }
    const url = new URL(uri);
    if (url.protocol !== "https:" && !(provider.allowInsecureHttp && url.protocol === "http:")) {
      throw new OidcError("discovery_failed", `jwks_uri must use https: ${uri}`);
    }
    jwks = createRemoteJWKSet(url);
    providerJwks.set(provider, jwks);
  }
  return jwks;
}

function fromClientError(cause: unknown): OidcError {
  if (cause instanceof OidcError) {
    return cause;
  }
  if (cause instanceof client.AuthorizationResponseError || cause instanceof client.ResponseBodyError) {
    return new OidcError("provider_error", `provider returned ${cause.error}`, {
      cause,
      providerError: cause.error,
    });
  }
  if (cause instanceof client.WWWAuthenticateChallengeError) {
    return new OidcError("provider_error", "provider refused the request", { cause });
  }
  if (cause instanceof client.ClientError) {
    switch (cause.code) {
      case "OAUTH_JWT_TIMESTAMP_CHECK_FAILED":
        return new OidcError("expired", cause.message, { cause });
      case "OAUTH_JWT_CLAIM_COMPARISON_FAILED": {
        const claim = claimOf(cause.cause);
        if (claim === "nonce") {
          return new OidcError("nonce_mismatch", "ID token nonce does not match", { cause });
        }
        if (claim === "iss") {
          return new OidcError("wrong_issuer", "ID token issuer does not match", { cause });
        }
        if (claim === "aud" || claim === "azp") {
          return new OidcError("wrong_audience", "ID token audience does not match", { cause });
        }
        return new OidcError("malformed", cause.message, { cause });
      }
      case "OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED":
        // e.g. the `iss` authorization-response parameter (RFC 9207) names another issuer.
        return new OidcError("wrong_issuer", cause.message, { cause });
      case "OAUTH_INVALID_RESPONSE":
        // An ID token signed with an algorithm this flow does not accept (alg confusion, alg: none).
        if ("header" in (innerCause(cause.cause) ?? {})) {
          return new OidcError("invalid_signature", "ID token alg is not allowed here", { cause });
        }
        return new OidcError("malformed", cause.message, { cause });
      default:
        return new OidcError("malformed", cause.message, { cause });
    }
  }
  return new OidcError("provider_error", cause instanceof Error ? cause.message : String(cause), { cause });
}

// openid-client wraps oauth4webapi's error, whose own `cause` carries details such as { claim } or { header }.
function innerCause(value: unknown): object | undefined {
  if (typeof value === "object" && value !== null && "cause" in value) {
    const inner = value.cause;
    if (typeof inner === "object" && inner !== null) {
      return inner;
    }
  }
  return undefined;
}

function claimOf(value: unknown): unknown {
  const inner = innerCause(value);
  return inner && "claim" in inner ? inner.claim : undefined;
}

export interface VerifyIdTokenOptions {
  token: string;
  issuer: string;
  /** Our client id (LINE: the channel id). */
  audience: string;
  nonce?: string | undefined;
  /** Accept HS256 signed with this secret (LINE web login: the channel secret). */
  hs256Secret?: string | undefined;
  /** Accept asymmetric signatures by these keys (a JWKS URL, a key set, or a jose key resolver). */
  jwks?: URL | JSONWebKeySet | JWTVerifyGetKey | undefined;
  /** Narrow the accepted algorithms further; never widens past what the keys above allow. */
  algorithms?: readonly IdTokenAlg[] | undefined;
  /** Refuse an authentication older than this (auth_time, or iat when absent). */
  maxAgeSeconds?: number | undefined;
  /** Default 60. */
  clockToleranceSeconds?: number | undefined;
}

const remoteJwks = new Map<string, JWTVerifyGetKey>();

/**
 * Verifies an ID token on its own, e.g. a LINE LIFF token a client posts (jwks: LINE's
 * https://api.line.me/oauth2/v2.1/certs). Only the algorithms the given keys allow are accepted, so
 * `alg: none` and HS256-signed-with-the-public-key confusion are refused.
 */
export async function verifyIdToken(options: VerifyIdTokenOptions): Promise<IdTokenClaims> {
  const tolerance = options.clockToleranceSeconds ?? 60;
  const permitted: IdTokenAlg[] = [
    ...(options.hs256Secret ? (["HS256"] as const) : []),
    ...(options.jwks ? ASYMMETRIC_ALGS : []),
  ];
  const allowed = options.algorithms ? permitted.filter((a) => options.algorithms?.includes(a)) : permitted;
  if (allowed.length === 0) {
    throw new TypeError("verifyIdToken needs hs256Secret or jwks matching the allowed algorithms");
  }

  if (typeof options.token !== "string" || options.token.split(".").length !== 3) {
    throw new OidcError("malformed", "ID token is not a compact JWS");
  }
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(options.token).alg;
  } catch (cause) {
    throw new OidcError("malformed", "ID token header cannot be read", { cause });
  }
  if (typeof alg !== "string" || !(allowed as readonly string[]).includes(alg)) {
    throw new OidcError("invalid_signature", `ID token alg ${String(alg)} is not allowed here`);
  }

  let payload: JWTPayload;
  try {
    const verifyOptions = {
      algorithms: [alg],
      issuer: options.issuer,
      audience: options.audience,
      clockTolerance: tolerance,
      requiredClaims: ["iss", "sub", "aud", "exp", "iat"],
    };
    if (alg === "HS256") {
      const secret = new TextEncoder().encode(options.hs256Secret);
      ({ payload } = await jwtVerify(options.token, secret, verifyOptions));
    } else {
      ({ payload } = await jwtVerify(options.token, keyResolver(options.jwks), verifyOptions));
    }
  } catch (cause) {
    throw fromJoseError(cause);
  }

  const now = Math.floor(Date.now() / 1000);
  if (typeof payload.iat !== "number" || payload.iat > now + tolerance) {
    throw new OidcError("malformed", "ID token iat is in the future");
  }
  if (typeof payload.sub !== "string" || payload.sub === "") {
    throw new OidcError("malformed", "ID token has no sub");
  }
  if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp === undefined) {
    throw new OidcError("wrong_audience", "ID token has several audiences and no azp");
  }
  if (payload.azp !== undefined && payload.azp !== options.audience) {
    throw new OidcError("wrong_audience", "ID token azp is not this client");
  }
  if (options.nonce !== undefined) {
    if (typeof payload.nonce !== "string" || !sameString(payload.nonce, options.nonce)) {
      throw new OidcError("nonce_mismatch", "ID token nonce does not match");
    }
  }
  if (options.maxAgeSeconds !== undefined) {
    const authTime = typeof payload.auth_time === "number" ? payload.auth_time : payload.iat;
    if (authTime + options.maxAgeSeconds + tolerance < now) {
      throw new OidcError("expired", "authentication is older than allowed");
    }
  }
  return payload as IdTokenClaims;
}

function keyResolver(jwks: VerifyIdTokenOptions["jwks"]): JWTVerifyGetKey {
  if (jwks === undefined) {
    throw new TypeError("no JWKS given");
  }
  if (typeof jwks === "function") {
    return jwks;
  }
  if (jwks instanceof URL) {
    let remote = remoteJwks.get(jwks.href);
    if (!remote) {
      remote = createRemoteJWKSet(jwks);
      remoteJwks.set(jwks.href, remote);
    }
    return remote;
  }
  return createLocalJWKSet(jwks);
}

function fromJoseError(cause: unknown): OidcError {
  if (cause instanceof OidcError) {
    return cause;
  }
  if (cause instanceof joseErrors.JWTExpired) {
    return new OidcError("expired", "ID token has expired", { cause });
  }
  if (cause instanceof joseErrors.JWTClaimValidationFailed) {
    if (cause.claim === "iss") {
      return new OidcError("wrong_issuer", "ID token issuer does not match", { cause });
    }
    if (cause.claim === "aud") {
      return new OidcError("wrong_audience", "ID token audience does not match", { cause });
    }
    return new OidcError("malformed", `ID token claim ${cause.claim} is invalid`, { cause });
  }
  if (
    cause instanceof joseErrors.JWSSignatureVerificationFailed ||
    cause instanceof joseErrors.JOSEAlgNotAllowed ||
    cause instanceof joseErrors.JWKSNoMatchingKey ||
    cause instanceof joseErrors.JWKSMultipleMatchingKeys
  ) {
    return new OidcError("invalid_signature", "ID token signature is not valid", { cause });
  }
  if (cause instanceof joseErrors.JWKSTimeout || cause instanceof joseErrors.JWKSInvalid) {
    return new OidcError("discovery_failed", "the issuer's keys could not be loaded", { cause });
  }
  if (cause instanceof joseErrors.JOSEError) {
    return new OidcError("malformed", cause.message, { cause });
  }
  // fetch failures while loading a remote JWKS.
  return new OidcError("discovery_failed", cause instanceof Error ? cause.message : String(cause), { cause });
}

function sameString(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
