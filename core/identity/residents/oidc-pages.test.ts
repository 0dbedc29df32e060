import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenants } from "../../tenancy/schema.ts";
import {
  cookieOf,
  createTestPlatform,
  type ResidentTestSession,
  type TestPlatform,
} from "../../testing/test-platform.ts";
import { forgetProviders } from "../oidc/relying-party.ts";
import { signInThroughStandIn } from "../oidc/stand-in-browser.ts";
import { type StandInProvider, startStandInProvider } from "../oidc/stand-in-provider.ts";
import { identityProviders, residentAttributes, residentIdentities, sessions } from "../schema.ts";

let platform: TestPlatform;
let idp: StandInProvider;
const db = () => platform.services.database.db;
const ORIGIN = "http://localhost";

beforeAll(async () => {
  platform = await createTestPlatform();
  idp = await startStandInProvider({
    clients: [
      {
        clientId: "1650000000",
        clientSecret: "line-channel-secret-for-tests-only",
        redirectUris: [`${ORIGIN}/auth/callback/line`],
        idTokenAlg: "HS256",
        kind: "line",
      },
      {
        clientId: "RP00000001",
        clientSecret: "card-client-secret-for-tests-only",
        redirectUris: [`${ORIGIN}/auth/callback/card`],
        idTokenAlg: "RS256",
        kind: "card",
      },
    ],
  });
  const [tenant] = await db().select().from(tenants);
  await db()
    .insert(identityProviders)
    .values([
      {
        tenantId: tenant!.id,
        kind: "line",
        issuer: idp.issuer,
        clientId: "1650000000",
        clientSecret: "line-channel-secret-for-tests-only",
        scopes: "openid profile",
      },
      {
        tenantId: tenant!.id,
        kind: "card",
        issuer: idp.issuer,
        clientId: "RP00000001",
        clientSecret: "card-client-secret-for-tests-only",
        scopes: "openid name address birthdate gender",
      },
    ]);
});
afterAll(async () => {
  forgetProviders();
  await idp.close();
  await platform.close();
});

/** Follows our redirect to the provider, signs in there as `login`, and returns the callback request to make. */
async function throughProvider(
  path: string,
  cookie: string,
  login: string,
  consent: "accept" | "deny" = "accept",
) {
  const started = await platform.request(`${ORIGIN}${path}`, { headers: { cookie } });
  expect(started.status).toBe(303);
  const flowCookie = cookieOf(started, "tenohira_oidc");
  const kind = path.includes("/card") ? "card" : "line";
  const callback = await signInThroughStandIn({
    authorizationUrl: started.headers.get("location")!,
    login,
    redirectUri: `${ORIGIN}/auth/callback/${kind}`,
    consent,
  });
  const cookies = [cookie, flowCookie].filter(Boolean).join("; ");
  return {
    callback,
    send: () => platform.request(callback.href, { headers: { cookie: cookies } }),
  };
}

const sessionCookie = (response: Response) => cookieOf(response, "tenohira_session");

describe("My Number card step-up through the デジタル認証アプリ (stand-in)", () => {
  let resident: ResidentTestSession;
  beforeAll(async () => {
    resident = await platform.signInResident("heita@example.jp");
  });

  it("walks a resident below card level through the card and back to the service, storing the 基本4情報 as verified", async () => {
    // The catalog's start button leads to the online form, which needs the card.
    const viaCatalog = await platform.request(`${ORIGIN}/services/juminhyo/start`, {
      headers: { cookie: resident.cookie },
    });
    expect(viaCatalog.headers.get("location")).toBe("/forms/juminhyo");
    const start = await platform.request(`${ORIGIN}/forms/juminhyo/start`, {
      method: "POST",
      headers: { cookie: resident.cookie },
      body: new URLSearchParams({ _csrf: resident.csrf }),
    });
    expect(start.status).toBe(303);
    const stepUp = start.headers.get("location")!;
    expect(stepUp).toBe("/sign-in/step-up?level=card&return=%2Fforms%2Fjuminhyo%2Fstart");
    const page = await platform.request(`${ORIGIN}${stepUp}`, { headers: { cookie: resident.cookie } });
    expect(await page.text()).toContain('href="/sign-in/card?return=%2Fforms%2Fjuminhyo%2Fstart"');

    const { send } = await throughProvider(
      "/sign-in/card?return=%2Fforms%2Fjuminhyo%2Fstart",
      resident.cookie,
      "heita",
    );
    const back = await send();
    expect(back.status).toBe(303);
    expect(back.headers.get("location")).toBe("/forms/juminhyo/start");
    const stepped = sessionCookie(back);
    expect(stepped).not.toBe(resident.cookie);
    const landing = await platform.request(`${ORIGIN}/forms/juminhyo`, { headers: { cookie: stepped } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await landing.text())![1]!;
    const started = await platform.request(`${ORIGIN}/forms/juminhyo/start`, {
      method: "POST",
      headers: { cookie: stepped },
      body: new URLSearchParams({ _csrf: csrf }),
    });
    expect(started.status).toBe(303);
    const landed = await platform.request(`${ORIGIN}${started.headers.get("location")}`, {
      headers: { cookie: stepped },
    });
    expect(landed.status).toBe(200);
    const text = await landed.text();
    // The application starts filled in with the card-verified 基本4情報.
    expect(text).toContain("手乃 平太");
    expect(text).toContain("てのひら県てのひら市本町一丁目2番3号");

    const attributes = await db()
      .select()
      .from(residentAttributes)
      .where(eq(residentAttributes.residentId, resident.residentId));
    const verified = attributes.filter((a) => a.source === "card_verified");
    expect(verified.map((a) => a.name).sort()).toEqual(["address", "birth_date", "gender", "name", "town"]);
    expect(verified.every((a) => a.verifiedAt && a.verificationMethod === "digital_auth_app")).toBe(true);
    // The old session id is gone: a step-up rotates it.
    const old = await platform.request(`${ORIGIN}/my`, { headers: { cookie: resident.cookie } });
    expect(old.status).toBe(303);
    resident = { ...resident, cookie: stepped };
  });

  it("refuses a replayed callback and a tampered state, with a clear message", async () => {
    const other = await platform.signInResident("replay@example.jp");
    const { send } = await throughProvider("/sign-in/card?return=%2Fmy", other.cookie, "hanako");
    expect((await send()).status).toBe(303);
    const replay = await send();
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("有効期限が切れたか、すでに使われています");

    const fresh = await platform.signInResident("tamper@example.jp");
    const second = await throughProvider("/sign-in/card?return=%2Fmy", fresh.cookie, "jiro");
    const tampered = new URL(second.callback);
    tampered.searchParams.set("state", "forged-state");
    const started = await platform.request(`${ORIGIN}/sign-in/card?return=%2Fmy`, {
      headers: { cookie: fresh.cookie },
    });
    const response = await platform.request(tampered.href, {
      headers: { cookie: `${fresh.cookie}; ${cookieOf(started, "tenohira_oidc")}` },
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("入れ替わった");
  });

  it("refuses a card already linked to another account (one person, one account)", async () => {
    const impostor = await platform.signInResident("impostor@example.jp");
    const { send } = await throughProvider("/sign-in/card?return=%2Fmy", impostor.cookie, "heita");
    const response = await send();
    expect(response.status).toBe(409);
    const linked = await db()
      .select()
      .from(residentIdentities)
      .where(
        and(eq(residentIdentities.provider, "card"), eq(residentIdentities.residentId, impostor.residentId)),
      );
    expect(linked).toEqual([]);
  });

  it("says so when the resident cancels at the provider", async () => {
    const quitter = await platform.signInResident("quitter@example.jp");
    const { send } = await throughProvider("/sign-in/card?return=%2Fmy", quitter.cookie, "hanako", "deny");
    const response = await send();
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("本人確認が完了しませんでした");
  });
});

describe("LINE Login", () => {
  it("links a LINE user to a signed-in resident, then signs them in with LINE alone", async () => {
    const resident = await platform.signInResident("line-user@example.jp");
    const { send } = await throughProvider(
      "/sign-in/line?return=%2Fmy%2Fsecurity",
      resident.cookie,
      "line-heita",
    );
    const linked = await send();
    expect(linked.status).toBe(303);
    expect(linked.headers.get("location")).toBe("/my/security");
    const [identity] = await db()
      .select()
      .from(residentIdentities)
      .where(
        and(eq(residentIdentities.provider, "line"), eq(residentIdentities.residentId, resident.residentId)),
      );
    expect(identity!.subject).toBe("U4af4980629f1e8c2d9b0e7a3c5d61f2e");

    const again = await throughProvider("/sign-in/line?return=%2Fmy", "", "line-heita");
    const signedIn = await again.send();
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get("location")).toBe("/my");
    const token = sessionCookie(signedIn).split("=")[1]!;
    const rows = await db().select().from(sessions).where(eq(sessions.subjectId, resident.residentId));
    expect(rows.some((s) => s.assuranceLevel === "line")).toBe(true);
    const my = await platform.request(`${ORIGIN}/my`, { headers: { cookie: `tenohira_session=${token}` } });
    expect(await my.text()).toContain("line-user@example.jp");
  });

  it("does not create an account from an unlinked LINE user", async () => {
    const { send } = await throughProvider("/sign-in/line?return=%2Fmy", "", "line-hanako");
    const response = await send();
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("まだ連携されていません");
  });

  it("refuses to link a LINE user already linked to someone else", async () => {
    const second = await platform.signInResident("second-line@example.jp");
    const { send } = await throughProvider("/sign-in/line?return=%2Fmy", second.cookie, "line-heita");
    expect((await send()).status).toBe(409);
  });
});
