import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../audit/schema.ts";
import { tenants } from "../../tenancy/schema.ts";
import { latestSignInCode } from "../../testing/sign-in-code.ts";
import {
  cookieOf,
  createTestPlatform,
  type ResidentTestSession,
  type TestPlatform,
} from "../../testing/test-platform.ts";
import {
  passkeyCredentials,
  residentAttributes,
  residentConsents,
  residents,
  sessions,
  signInCodes,
} from "../schema.ts";

let platform: TestPlatform;
const db = () => platform.services.database.db;
beforeAll(async () => {
  platform = await createTestPlatform();
  // A second city on the same install, on its own host (added before the first request caches tenants).
  await db()
    .insert(tenants)
    .values({
      municipalityCode: "462012",
      slug: "other-city",
      nameJa: "となり町",
      nameEn: "Tonari Town",
      hosts: ["other.localhost"],
    });
});
afterAll(() => platform.close());

const form = (values: Record<string, string | string[]>) => {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      body.append(key, v);
    }
  }
  return body;
};

async function askForCode(email: string, returnTo = "/my") {
  const response = await platform.request("http://localhost/sign-in/email", {
    method: "POST",
    body: form({ email, return: returnTo }),
  });
  return response;
}

async function typeCode(flowCookie: string, code: string, returnTo = "/my") {
  return platform.request("http://localhost/sign-in/code", {
    method: "POST",
    headers: { cookie: flowCookie },
    body: form({ code, return: returnTo }),
  });
}

describe("sign-in by emailed code", () => {
  it("answers the same for a known and an unknown address (no account enumeration)", async () => {
    await platform.signInResident("known@example.jp");
    const known = await askForCode("known@example.jp");
    const unknown = await askForCode("nobody-yet@example.jp");
    expect(known.status).toBe(303);
    expect(unknown.status).toBe(known.status);
    expect(unknown.headers.get("location")).toBe(known.headers.get("location"));
    expect(await unknown.text()).toBe(await known.text());
  });

  it("signs in with the code, returns to an allowed path, and refuses the code a second time", async () => {
    const asked = await askForCode("hanako@example.jp", "/services/juminhyo");
    const flow = cookieOf(asked, "tenohira_signin");
    const code = await latestSignInCode(db(), "hanako@example.jp");
    const wrong = await typeCode(flow, code === "000000" ? "111111" : "000000", "/services/juminhyo");
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("確認コードが正しくありません");
    const ok = await typeCode(flow, code, "/services/juminhyo");
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/services/juminhyo");
    const token = cookieOf(ok, "tenohira_session").split("=")[1]!;
    expect(token.length).toBeGreaterThan(30);
    const [account] = await db().select().from(residents).where(eq(residents.email, "hanako@example.jp"));
    const [session] = await db().select().from(sessions).where(eq(sessions.subjectId, account!.id));
    expect(session!.assuranceLevel).toBe("email");
    const replay = await typeCode(flow, code);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("使用済み");
  });

  it("makes a code unusable after five wrong tries, and after it expires", async () => {
    const asked = await askForCode("tries@example.jp");
    const flow = cookieOf(asked, "tenohira_signin");
    const code = await latestSignInCode(db(), "tries@example.jp");
    const wrongCode = code === "123456" ? "654321" : "123456";
    for (let i = 0; i < 5; i++) {
      expect((await typeCode(flow, wrongCode)).status).toBe(400);
    }
    expect((await typeCode(flow, code)).status).toBe(400);

    const again = await askForCode("late@example.jp");
    const lateFlow = cookieOf(again, "tenohira_signin");
    const lateCode = await latestSignInCode(db(), "late@example.jp");
    await db()
      .update(signInCodes)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(signInCodes.email, "late@example.jp"));
    const late = await typeCode(lateFlow, lateCode);
    expect(late.status).toBe(400);
    expect(await late.text()).toContain("有効期限");
  });

  it("does not accept the code in another browser (without the flow cookie)", async () => {
    await askForCode("stolen@example.jp");
    const code = await latestSignInCode(db(), "stolen@example.jp");
    const response = await platform.request("http://localhost/sign-in/code", {
      method: "POST",
      body: form({ code, return: "/my" }),
    });
    expect(response.status).toBe(400);
  });

  it("throttles code requests per address with a 429 and a message in Japanese and English", async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await askForCode("flood@example.jp")).status);
    }
    expect(statuses).toEqual([303, 303, 303, 303, 303, 429]);
    const english = await platform.request("http://localhost/sign-in/email?lang=en", {
      method: "POST",
      body: form({ email: "flood@example.jp", return: "/my" }),
    });
    expect(english.status).toBe(429);
    expect(await english.text()).toContain("Too many attempts");
  });

  it("refuses a malformed address with 400 and names the field", async () => {
    const response = await askForCode("not-an-address");
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('href="#f-email"');
    expect(page).toContain('aria-invalid="true"');
  });

  it("never redirects off the site, whatever the return path says", async () => {
    for (const evil of [
      "//evil.example/x",
      "https://evil.example/",
      "/\\evil.example",
      "javascript:alert(1)",
    ]) {
      const asked = await askForCode("redirect@example.jp", evil);
      const location = asked.headers.get("location")!;
      expect(location).toBe("/sign-in/code?return=%2Fmy");
    }
    const asked = await askForCode("redirect2@example.jp");
    const code = await latestSignInCode(db(), "redirect2@example.jp");
    const response = await typeCode(cookieOf(asked, "tenohira_signin"), code, "https://evil.example/");
    expect(response.headers.get("location")).toBe("/my");
  });

  it("sends a resident who is not signed in to sign-in, and back afterwards", async () => {
    const response = await platform.request("http://localhost/my/profile");
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/sign-in?return=%2Fmy%2Fprofile");
  });
});

describe("profile, consent, export and deletion", () => {
  let taro: ResidentTestSession;
  beforeAll(async () => {
    taro = await platform.signInResident("taro@example.jp");
  });

  const saveProfile = (session: ResidentTestSession, values: Record<string, string | string[]>) =>
    platform.request("http://localhost/my/profile", {
      method: "POST",
      headers: { cookie: session.cookie },
      body: form({ _csrf: session.csrf, ...values }),
    });

  it("stores typed attributes with their source and a consent for each, and derives the town", async () => {
    const response = await saveProfile(taro, {
      name: "手乃　太郎",
      name_kana: "ての たろう",
      birth_date: "1980-05-05",
      postal_code: "９９９－００１９",
      address: "てのひら県てのひら市本町一丁目2番3号",
      household_relation: ["child", "", ""],
      household_year: ["2019", "", ""],
      interests: ["childcare", "disaster"],
      targeting: ["household", "area"],
      language: "ja",
    });
    expect(response.status).toBe(303);
    const rows = await db()
      .select()
      .from(residentAttributes)
      .where(eq(residentAttributes.residentId, taro.residentId));
    const byName = new Map(rows.map((r) => [r.name, r]));
    expect(byName.get("name")!.value).toBe("手乃 太郎");
    expect(byName.get("name_kana")!.value).toBe("テノ タロウ");
    expect(byName.get("postal_code")!.value).toBe("9990019");
    expect(byName.get("town")!.value).toBe("本町");
    expect(byName.get("household")!.value).toEqual([{ relation: "child", birthYear: 2019 }]);
    expect(rows.every((r) => r.source === "typed" && r.verifiedAt === null)).toBe(true);
    const consents = await db()
      .select()
      .from(residentConsents)
      .where(eq(residentConsents.residentId, taro.residentId));
    const active = consents.filter((c) => !c.withdrawnAt);
    expect(
      active
        .filter((c) => c.purpose === "service_delivery")
        .map((c) => c.attribute)
        .sort(),
    ).toEqual(
      ["address", "birth_date", "household", "interests", "name", "name_kana", "postal_code", "town"].sort(),
    );
    expect(
      active
        .filter((c) => c.purpose === "targeting")
        .map((c) => c.attribute)
        .sort(),
    ).toEqual(["address", "household", "town"]);
  });

  it("refuses a bad value with 400, naming it, and changes nothing already stored", async () => {
    const before = await db()
      .select()
      .from(residentAttributes)
      .where(eq(residentAttributes.residentId, taro.residentId));
    const response = await saveProfile(taro, {
      name: "別の名前",
      name_kana: "Tarō",
      birth_date: "2999-01-01",
      address: "てのひら県てのひら市本町一丁目2番3号",
    });
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain("フリガナはカタカナで入力してください");
    expect(page).toContain("生年月日を正しく入力してください");
    const after = await db()
      .select()
      .from(residentAttributes)
      .where(eq(residentAttributes.residentId, taro.residentId));
    expect(after).toEqual(before);
  });

  it("withdraws a targeting consent by stamping it, keeping the record", async () => {
    const current = await db()
      .select()
      .from(residentAttributes)
      .where(eq(residentAttributes.residentId, taro.residentId));
    const values = Object.fromEntries(
      current.map((r) => [r.name, typeof r.value === "string" ? r.value : ""]),
    );
    const response = await saveProfile(taro, {
      name: values["name"]!,
      name_kana: values["name_kana"]!,
      birth_date: values["birth_date"]!,
      postal_code: values["postal_code"]!,
      address: values["address"]!,
      household_relation: ["child"],
      household_year: ["2019"],
      interests: ["childcare", "disaster"],
      targeting: ["area"],
      language: "ja",
    });
    expect(response.status).toBe(303);
    const household = await db()
      .select()
      .from(residentConsents)
      .where(
        and(
          eq(residentConsents.residentId, taro.residentId),
          eq(residentConsents.attribute, "household"),
          eq(residentConsents.purpose, "targeting"),
        ),
      );
    expect(household).toHaveLength(1);
    expect(household[0]!.withdrawnAt).not.toBeNull();
  });

  it("exports the resident's own data as JSON, and audits the export", async () => {
    const response = await platform.request("http://localhost/my/export", {
      headers: { cookie: taro.cookie },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toContain("attachment");
    const data = (await response.json()) as {
      account: { email: string };
      attributes: { name: string }[];
      consents: unknown[];
    };
    expect(data.account.email).toBe("taro@example.jp");
    expect(data.attributes.map((a) => a.name)).toContain("household");
    expect(data.consents.length).toBeGreaterThan(0);
    const audits = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "resident.data_exported"), eq(auditLog.resourceId, taro.residentId)));
    expect(audits).toHaveLength(1);
  });

  it("refuses a form post without the CSRF token", async () => {
    const response = await platform.request("http://localhost/my/profile", {
      method: "POST",
      headers: { cookie: taro.cookie },
      body: form({ name: "乗っ取り" }),
    });
    expect(response.status).toBe(403);
  });

  it("deletes the account: profile gone, sessions ended, email free again, consents kept as withdrawn", async () => {
    const doomed = await platform.signInResident("doomed@example.jp");
    await saveProfile(doomed, {
      name: "消 去",
      address: "てのひら市栄町5番",
      targeting: ["area"],
      language: "ja",
    });
    const unconfirmed = await platform.request("http://localhost/my/delete", {
      method: "POST",
      headers: { cookie: doomed.cookie },
      body: form({ _csrf: doomed.csrf }),
    });
    expect(unconfirmed.status).toBe(400);
    const deleted = await platform.request("http://localhost/my/delete", {
      method: "POST",
      headers: { cookie: doomed.cookie },
      body: form({ _csrf: doomed.csrf, confirm: "yes" }),
    });
    expect(deleted.status).toBe(200);
    expect(await deleted.text()).toContain("公文書");
    const [row] = await db().select().from(residents).where(eq(residents.id, doomed.residentId));
    expect(row!.email).toBeNull();
    expect(row!.deletedAt).not.toBeNull();
    expect(
      await db()
        .select()
        .from(residentAttributes)
        .where(eq(residentAttributes.residentId, doomed.residentId)),
    ).toEqual([]);
    const consents = await db()
      .select()
      .from(residentConsents)
      .where(eq(residentConsents.residentId, doomed.residentId));
    expect(consents.length).toBeGreaterThan(0);
    expect(consents.every((c) => c.withdrawnAt !== null)).toBe(true);
    const after = await platform.request("http://localhost/my", { headers: { cookie: doomed.cookie } });
    expect(after.status).toBe(303);
    const again = await platform.signInResident("doomed@example.jp");
    expect(again.residentId).not.toBe(doomed.residentId);
  });
});

describe("isolation between residents and between cities", () => {
  let alice: ResidentTestSession;
  let bob: ResidentTestSession;
  beforeAll(async () => {
    alice = await platform.signInResident("alice@example.jp");
    bob = await platform.signInResident("bob@example.jp");
    await db()
      .insert(passkeyCredentials)
      .values({
        id: "alice-credential",
        tenantId: (await db().select().from(residents).where(eq(residents.id, alice.residentId)))[0]!
          .tenantId,
        residentId: alice.residentId,
        publicKey: new Uint8Array([1, 2, 3]),
        label: "Alice's phone",
      });
    await platform.request("http://localhost/my/profile", {
      method: "POST",
      headers: { cookie: alice.cookie },
      body: form({ _csrf: alice.csrf, name: "有栖 花", address: "てのひら市本町1番", language: "ja" }),
    });
  });

  it("gives every resident-owned page only the signed-in resident's data", async () => {
    const pages = ["/my", "/my/profile", "/my/security", "/my/export"];
    for (const path of pages) {
      const response = await platform.request(`http://localhost${path}`, { headers: { cookie: bob.cookie } });
      expect(response.status, path).toBe(200);
      const text = await response.text();
      expect(text, path).not.toContain("alice@example.jp");
      expect(text, path).not.toContain("有栖");
      expect(text, path).not.toContain("Alice's phone");
    }
  });

  it("does not let a resident remove another resident's passkey", async () => {
    const response = await platform.request("http://localhost/my/passkeys/alice-credential/delete", {
      method: "POST",
      headers: { cookie: bob.cookie },
      body: form({ _csrf: bob.csrf }),
    });
    expect(response.status).toBe(404);
    const still = await db()
      .select()
      .from(passkeyCredentials)
      .where(eq(passkeyCredentials.id, "alice-credential"));
    expect(still).toHaveLength(1);
  });

  it("does not accept one city's session on another city's site", async () => {
    const response = await platform.request("http://other.localhost/my", {
      headers: { cookie: alice.cookie },
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toContain("/sign-in");
    const home = await platform.request("http://localhost/my", { headers: { cookie: alice.cookie } });
    expect(home.status).toBe(200);
  });
});
