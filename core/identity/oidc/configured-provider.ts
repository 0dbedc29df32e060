import { importJWK, type JWK } from "jose";
import type { IdentityProvider } from "../schema.ts";
import { loadProvider, type OidcProvider } from "./relying-party.ts";

/** http is allowed only for an issuer on this machine (the tests' and the demo city's stand-in). */
export function isLoopbackIssuer(issuer: string): boolean {
  return ["localhost", "127.0.0.1", "[::1]"].includes(new URL(issuer).hostname);
}

/** The provider a tenant configured (a row of identity_providers), discovered and ready for a flow. */
export async function openConfiguredProvider(row: IdentityProvider): Promise<OidcProvider> {
  const privateJwk = row.settings["privateJwk"] as JWK | undefined;
  return loadProvider({
    issuer: row.issuer,
    clientId: row.clientId,
    clientSecret: row.clientSecret || undefined,
    // The デジタル認証アプリ authenticates RPs by private_key_jwt; a city stores the key in settings.
    clientPrivateKey: privateJwk
      ? ((await importJWK(privateJwk, privateJwk.alg ?? "RS256")) as CryptoKey)
      : undefined,
    allowInsecureHttp: isLoopbackIssuer(row.issuer),
  });
}
