import {
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWTPayload,
  SignJWT,
  UnsecuredJWT,
} from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { OidcError, type OidcErrorCode, verifyIdToken } from "./relying-party.ts";

const ISSUER = "https://access.line.me";
const CHANNEL_ID = "1234567890";
const CHANNEL_SECRET = "0123456789abcdef0123456789abcdef";
const NONCE = "n-0S6_WzA2Mj";
const SUB = "U4af4980629f1e8c2d9b0e7a3c5d61f2e";

let ecPrivate: CryptoKey;
let otherEcPrivate: CryptoKey;
let jwks: JSONWebKeySet;

beforeAll(async () => {
  const pair = await generateKeyPair("ES256", { extractable: true });
  ecPrivate = pair.privateKey;
  otherEcPrivate = (await generateKeyPair("ES256")).privateKey;
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: "line-1", alg: "ES256", use: "sig" }] };
});

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function claims(overrides: JWTPayload = {}): JWTPayload {
  return {
    iss: ISSUER,
    sub: SUB,
    aud: CHANNEL_ID,
    exp: now() + 600,
    iat: now(),
    nonce: NONCE,
    name: "へいた",
    ...overrides,
  };
}

function signHs256(payload: JWTPayload, secret = CHANNEL_SECRET): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(secret));
}

function signEs256(payload: JWTPayload, key: CryptoKey = ecPrivate): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: "ES256", kid: "line-1", typ: "JWT" }).sign(key);
}

async function refusal(promise: Promise<unknown>): Promise<OidcErrorCode> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OidcError) {
      expect(error.messages.ja.length).toBeGreaterThan(0);
      expect(error.messages.en.length).toBeGreaterThan(0);
      return error.code;
    }
    throw error;
  }
  throw new Error("expected the token to be refused");
}

describe("verifyIdToken", () => {
  const web = { issuer: ISSUER, audience: CHANNEL_ID, nonce: NONCE, hs256Secret: CHANNEL_SECRET };
  const liff = () => ({ issuer: ISSUER, audience: CHANNEL_ID, nonce: NONCE, jwks });

  it("accepts an HS256 token signed with the channel secret (LINE web login)", async () => {
    const verified = await verifyIdToken({ ...web, token: await signHs256(claims()) });
    expect(verified.sub).toBe(SUB);
    expect(verified.name).toBe("へいた");
  });

  it("accepts an ES256 token signed by a key in the JWKS (LINE LIFF / SDK)", async () => {
    const verified = await verifyIdToken({ ...liff(), token: await signEs256(claims()) });
    expect(verified.sub).toBe(SUB);
  });

  it("refuses a wrong signature", async () => {
    expect(
      await refusal(
        verifyIdToken({ ...web, token: await signHs256(claims(), "another-secret-of-32-bytes!!!!!!") }),
      ),
    ).toBe("invalid_signature");
    expect(
      await refusal(verifyIdToken({ ...liff(), token: await signEs256(claims(), otherEcPrivate) })),
    ).toBe("invalid_signature");
  });

  it("refuses an expired token", async () => {
    const token = await signHs256(claims({ iat: now() - 7200, exp: now() - 3600 }));
    expect(await refusal(verifyIdToken({ ...web, token }))).toBe("expired");
  });

  it("refuses a token for another channel", async () => {
    expect(
      await refusal(verifyIdToken({ ...web, token: await signHs256(claims({ aud: "9999999999" })) })),
    ).toBe("wrong_audience");
  });

  it("refuses several audiences without azp, and an azp that is not us", async () => {
    const several = await signHs256(claims({ aud: [CHANNEL_ID, "9999999999"] }));
    expect(await refusal(verifyIdToken({ ...web, token: several }))).toBe("wrong_audience");
    const otherAzp = await signHs256(claims({ aud: [CHANNEL_ID, "9999999999"], azp: "9999999999" }));
    expect(await refusal(verifyIdToken({ ...web, token: otherAzp }))).toBe("wrong_audience");
    const ours = await signHs256(claims({ aud: [CHANNEL_ID, "9999999999"], azp: CHANNEL_ID }));
    expect((await verifyIdToken({ ...web, token: ours })).sub).toBe(SUB);
  });

  it("refuses a token from another issuer", async () => {
    expect(
      await refusal(
        verifyIdToken({ ...web, token: await signHs256(claims({ iss: "https://evil.example" })) }),
      ),
    ).toBe("wrong_issuer");
  });

  it("refuses a nonce that does not match", async () => {
    expect(await refusal(verifyIdToken({ ...web, token: await signHs256(claims({ nonce: "other" })) }))).toBe(
      "nonce_mismatch",
    );
    const noNonce = await signHs256(claims({ nonce: undefined }));
    expect(await refusal(verifyIdToken({ ...web, token: noNonce }))).toBe("nonce_mismatch");
  });

  it("refuses alg: none", async () => {
    const token = new UnsecuredJWT(claims()).encode();
    expect(await refusal(verifyIdToken({ ...web, token }))).toBe("invalid_signature");
    expect(await refusal(verifyIdToken({ ...liff(), token }))).toBe("invalid_signature");
  });

  it("refuses an HS256 token where only the JWKS is allowed (alg confusion)", async () => {
    // The classic attack: HMAC keyed with the public key's bytes, hoping the verifier treats it as a secret.
    const publicJwk = JSON.stringify(jwks.keys[0]);
    const forged = await signHs256(claims(), publicJwk);
    expect(await refusal(verifyIdToken({ ...liff(), token: forged }))).toBe("invalid_signature");
    const withChannelSecret = await signHs256(claims());
    expect(await refusal(verifyIdToken({ ...liff(), token: withChannelSecret }))).toBe("invalid_signature");
    // Narrowing to ES256 also refuses HS256 even when a secret is at hand.
    expect(
      await refusal(verifyIdToken({ ...web, jwks, algorithms: ["ES256"], token: withChannelSecret })),
    ).toBe("invalid_signature");
  });

  it("refuses an iat in the future", async () => {
    const token = await signHs256(claims({ iat: now() + 3600, exp: now() + 7200 }));
    expect(await refusal(verifyIdToken({ ...web, token }))).toBe("malformed");
  });

  it("refuses an authentication older than maxAgeSeconds", async () => {
    const token = await signHs256(claims({ auth_time: now() - 3600 }));
    expect(await refusal(verifyIdToken({ ...web, token, maxAgeSeconds: 600 }))).toBe("expired");
    expect((await verifyIdToken({ ...web, token, maxAgeSeconds: 7200 })).sub).toBe(SUB);
  });

  it("refuses something that is not a JWT", async () => {
    expect(await refusal(verifyIdToken({ ...web, token: "not-a-token" }))).toBe("malformed");
    expect(await refusal(verifyIdToken({ ...web, token: "a.b.c" }))).toBe("malformed");
  });

  it("refuses a token without sub", async () => {
    expect(await refusal(verifyIdToken({ ...web, token: await signHs256(claims({ sub: undefined })) }))).toBe(
      "malformed",
    );
  });

  it("needs a key to verify with", async () => {
    await expect(verifyIdToken({ token: "a.b.c", issuer: ISSUER, audience: CHANNEL_ID })).rejects.toThrow(
      TypeError,
    );
  });
});
