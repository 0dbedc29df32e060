import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgetProviders, loadProvider } from "../core/identity/oidc/relying-party.ts";
import type { StandInProvider } from "../core/identity/oidc/stand-in-provider.ts";
import { identityProviders } from "../core/identity/schema.ts";
import { tenants } from "../core/tenancy/schema.ts";
import { createTestPlatform, type TestPlatform } from "../core/testing/test-platform.ts";
import { startDemoIdentity } from "./demo-identity.ts";

let platform: TestPlatform;
let provider: StandInProvider | null = null;
beforeAll(async () => {
  platform = await createTestPlatform();
});
afterAll(async () => {
  forgetProviders();
  await provider?.close();
  await platform.close();
});

describe("demo identity provider", () => {
  it("starts beside the demo city and points its LINE and card settings at it, keeping a city's own provider", async () => {
    const db = platform.services.database.db;
    const [tenant] = await db.select().from(tenants);
    await db.insert(identityProviders).values({
      tenantId: tenant!.id,
      kind: "staff",
      issuer: "https://login.city.example.jp",
      clientId: "city-own",
      clientSecret: "secret",
      scopes: "openid email",
    });
    provider = await startDemoIdentity({
      config: { ...platform.services.config, demoIdentityProviderPort: 0 },
      db,
      appPort: 3000,
      log: () => {},
    });
    expect(provider).not.toBeNull();
    const rows = await db.select().from(identityProviders).where(eq(identityProviders.tenantId, tenant!.id));
    const byKind = new Map(rows.map((row) => [row.kind, row]));
    expect(byKind.get("line")!.issuer).toBe(provider!.issuer);
    expect(byKind.get("card")!.scopes).toBe("openid name address birthdate gender");
    expect(byKind.get("staff")!.issuer).toBe("https://login.city.example.jp");
    // The settings it wrote reach a provider that answers discovery.
    const discovered = await loadProvider({
      issuer: byKind.get("card")!.issuer,
      clientId: byKind.get("card")!.clientId,
      clientSecret: byKind.get("card")!.clientSecret,
      allowInsecureHttp: true,
    });
    expect(discovered.serverMetadata.authorization_endpoint).toContain(new URL(provider!.issuer).host);
  });
});
