import { and, eq } from "drizzle-orm";
import type { Config } from "../core/config/config.ts";
import type { Db } from "../core/db/database.ts";
import { isLoopbackIssuer } from "../core/identity/oidc/configured-provider.ts";
import { type StandInProvider, startStandInProvider } from "../core/identity/oidc/stand-in-provider.ts";
import { type IdentityProvider, identityProviders } from "../core/identity/schema.ts";
import { tenants } from "../core/tenancy/schema.ts";
import { DEMO_TENANT_SLUG } from "./seed-demo.ts";

/** Demo-only client credentials: the stand-in listens on this machine's loopback address only. */
const demoClients = {
  line: {
    clientId: "1650000000",
    secret: "demo-line-channel-secret",
    scopes: "openid profile",
    alg: "HS256",
  },
  card: {
    clientId: "RP00000001",
    secret: "demo-card-client-secret",
    scopes: "openid name address birthdate gender",
    alg: "RS256",
  },
  staff: {
    clientId: "tenohira-staff",
    secret: "demo-staff-client-secret",
    scopes: "openid profile email",
    alg: "RS256",
  },
} as const;

const callbackPaths = {
  line: "/auth/callback/line",
  card: "/auth/callback/card",
  staff: "/staff/sso/callback",
} as const;

/**
 * Starts the stand-in OpenID provider next to the demo city, so a visitor can try LINE linking and card
 * sign-in with fictional people, and points the demo city's provider settings at it. A city's own
 * (non-loopback) provider settings are never replaced. Returns null when it cannot or should not run.
 */
export async function startDemoIdentity(options: {
  config: Config;
  db: Db;
  appPort: number;
  log: (message: string) => void;
}): Promise<StandInProvider | null> {
  const { config, db, appPort } = options;
  const port = config.demoIdentityProviderPort ?? (config.port === 0 ? 0 : config.port + 1);
  const [tenant] = await db.select().from(tenants).where(eq(tenants.slug, DEMO_TENANT_SLUG));
  if (port < 0 || !tenant) {
    return null;
  }
  // Visitors reach the demo as localhost or 127.0.0.1; the provider must accept callbacks to either.
  const origins = config.baseUrl
    ? [new URL(config.baseUrl).origin]
    : [`http://localhost:${appPort}`, `http://127.0.0.1:${appPort}`];
  let provider: StandInProvider;
  try {
    provider = await startStandInProvider({
      port,
      publicHost: "localhost",
      clients: (["line", "card", "staff"] as const).map((kind) => ({
        clientId: demoClients[kind].clientId,
        clientSecret: demoClients[kind].secret,
        redirectUris: origins.map((origin) => `${origin}${callbackPaths[kind]}`),
        idTokenAlg: demoClients[kind].alg,
        kind,
      })),
    });
  } catch (error) {
    options.log(`Demo identity provider not started: ${(error as Error).message}`);
    return null;
  }
  const existing = await db.select().from(identityProviders).where(eq(identityProviders.tenantId, tenant.id));
  for (const kind of ["line", "card", "staff"] as const) {
    const current = existing.find((row: IdentityProvider) => row.kind === kind);
    if (current && !isLoopbackIssuer(current.issuer)) {
      continue;
    }
    const values = {
      issuer: provider.issuer,
      clientId: demoClients[kind].clientId,
      clientSecret: demoClients[kind].secret,
      scopes: demoClients[kind].scopes,
      enabled: true,
      settings: kind === "staff" ? { trustEmail: true } : {},
      updatedAt: new Date(),
    };
    if (current) {
      await db
        .update(identityProviders)
        .set(values)
        .where(and(eq(identityProviders.tenantId, tenant.id), eq(identityProviders.kind, kind)));
    } else {
      // Two demo processes starting at once both find no row: the second insert updates instead of failing.
      await db
        .insert(identityProviders)
        .values({ tenantId: tenant.id, kind, ...values })
        .onConflictDoUpdate({ target: [identityProviders.tenantId, identityProviders.kind], set: values });
    }
  }
  return provider;
}
