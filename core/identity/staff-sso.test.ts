import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../audit/schema.ts";
import { tenants } from "../tenancy/schema.ts";
import { cookieOf, createTestPlatform, type TestPlatform } from "../testing/test-platform.ts";
import { forgetProviders } from "./oidc/relying-party.ts";
import { signInThroughStandIn } from "./oidc/stand-in-browser.ts";
import { type StandInProvider, startStandInProvider } from "./oidc/stand-in-provider.ts";
import { departments, identityProviders, staffAccounts } from "./schema.ts";
import { staffCredentials } from "./staff-schema.ts";

let platform: TestPlatform;
let idp: StandInProvider;
let tenantId: string;
let staffId: string;
const db = () => platform.services.database.db;
const ORIGIN = "http://localhost";
const REDIRECT_URI = `${ORIGIN}/staff/sso/callback`;
const EMAIL = "sakura.madoguchi@city.tenohira.example";

beforeAll(async () => {
  platform = await createTestPlatform();
  idp = await startStandInProvider({
    clients: [
      {
        clientId: "tenohira-staff",
        clientSecret: "staff-client-secret-for-tests-only",
        redirectUris: [REDIRECT_URI],
        idTokenAlg: "RS256",
        kind: "staff",
      },
    ],
  });
  const [tenant] = await db().select().from(tenants);
  tenantId = tenant!.id;
  const [department] = await db().select().from(departments).where(eq(departments.tenantId, tenantId));
  const [staff] = await db()
    .insert(staffAccounts)
    .values({
      tenantId,
      departmentId: department!.id,
      email: EMAIL,
      displayName: "窓口 さくら",
      role: "staff",
    })
    .returning({ id: staffAccounts.id });
  staffId = staff!.id;
});
afterAll(async () => {
  forgetProviders();
  await idp.close();
  await platform.close();
});

async function enableProvider(): Promise<void> {
  await db().insert(identityProviders).values({
    tenantId,
    kind: "staff",
    issuer: idp.issuer,
    clientId: "tenohira-staff",
    clientSecret: "staff-client-secret-for-tests-only",
    scopes: "openid profile email",
  });
}

/** Starts SSO, signs in at the stand-in as `login`, and returns a function sending the callback back. */
async function throughProvider(login: string, cookie = "") {
  const started = await platform.request(`${ORIGIN}/staff/sso/start`, { headers: { cookie } });
  expect(started.status).toBe(303);
  const location = new URL(started.headers.get("location")!);
  expect(location.origin).toBe(new URL(idp.issuer).origin);
  expect(location.searchParams.get("redirect_uri")).toBe(REDIRECT_URI);
  expect(location.searchParams.get("scope")).toBe("openid profile email");
  expect(location.searchParams.get("code_challenge_method")).toBe("S256");
  expect(location.searchParams.get("nonce")).toBeTruthy();
  const flowCookie = cookieOf(started, "tenohira_staff_sso");
  const callback = await signInThroughStandIn({
    authorizationUrl: location.href,
    login,
    redirectUri: REDIRECT_URI,
  });
  const cookies = [cookie, flowCookie].filter(Boolean).join("; ");
  return () => platform.request(callback.href, { headers: { cookie: cookies } });
}

const audits = (action: string) =>
  db()
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, action)));

const me = (cookie: string) => platform.request(`${ORIGIN}/staff/api/me`, { headers: { cookie } });

describe("staff single sign-on (OpenID Connect)", () => {
  it("is off, and says so, until the city adds a staff provider", async () => {
    expect((await platform.request(`${ORIGIN}/staff/sso/start`)).status).toBe(404);
    const off = await platform.request(`${ORIGIN}/staff/api/sso`);
    expect(await off.json()).toEqual({ enabled: false });
    await enableProvider();
    const on = await platform.request(`${ORIGIN}/staff/api/sso`);
    expect(await on.json()).toEqual({ enabled: true });
  });

  let firstCookie = "";
  it("links the account by verified email on the first sign-in and gives a working session", async () => {
    const send = await throughProvider("madoguchi");
    const response = await send();
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/staff/");
    firstCookie = cookieOf(response, "tenohira_session");
    const signedIn = await me(firstCookie);
    expect(signedIn.status).toBe(200);
    expect(await signedIn.json()).toMatchObject({ id: staffId, email: EMAIL });

    const [credentials] = await db().select().from(staffCredentials).where(eq(staffCredentials.id, staffId));
    expect(credentials!.ssoSubject).toBe("staff-0001");
    const linked = await audits("staff.sso_linked");
    expect(linked.map((a) => a.resourceId)).toEqual([staffId]);
    const signIns = await audits("staff.sign_in");
    expect(
      signIns.some((a) => a.actorId === staffId && (a.after as { method?: string }).method === "sso"),
    ).toBe(true);
  });

  it("matches by subject afterwards (even when the email changed) and replaces the previous session", async () => {
    await db()
      .update(staffAccounts)
      .set({ email: "renamed@city.tenohira.example" })
      .where(eq(staffAccounts.id, staffId));
    const send = await throughProvider("madoguchi", firstCookie);
    const response = await send();
    expect(response.status).toBe(303);
    const cookie = cookieOf(response, "tenohira_session");
    expect(cookie).not.toBe(firstCookie);
    expect((await me(cookie)).status).toBe(200);
    expect((await me(firstCookie)).status).toBe(401);
    expect(await audits("staff.sso_linked")).toHaveLength(1);
  });

  it("refuses a replayed callback", async () => {
    const send = await throughProvider("madoguchi");
    expect((await send()).status).toBe(303);
    const replay = await send();
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("すでに使われています");
  });

  it("refuses a person without a staff account, with a page saying so, and audits it", async () => {
    const send = await throughProvider("kanri");
    const response = await send();
    expect(response.status).toBe(403);
    expect(response.headers.getSetCookie().some((c) => c.startsWith("tenohira_session="))).toBe(false);
    expect(await response.text()).toContain("この職員アカウントは登録されていません");
    const failed = await audits("staff.sign_in_failed");
    expect(failed.some((a) => (a.after as { subject?: string }).subject === "staff-0002")).toBe(true);
  });

  it("refuses a disabled account", async () => {
    await db().update(staffAccounts).set({ disabledAt: new Date() }).where(eq(staffAccounts.id, staffId));
    const send = await throughProvider("madoguchi");
    const response = await send();
    expect(response.status).toBe(403);
    expect(response.headers.getSetCookie().some((c) => c.startsWith("tenohira_session="))).toBe(false);
    expect(await response.text()).toContain("無効");
    const failed = await audits("staff.sign_in_failed");
    expect(failed.some((a) => a.resourceId === staffId)).toBe(true);
  });
});
