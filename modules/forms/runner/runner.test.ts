import { and, eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_TENANT_SLUG } from "../../../app/seed-demo.ts";
import { auditLog } from "../../../core/audit/schema.ts";
import { notifications } from "../../../core/notifications/schema.ts";
import { isReferenceNumber } from "../../../core/reference/reference-number.ts";
import { storedFiles } from "../../../core/storage/schema.ts";
import { tenants } from "../../../core/tenancy/schema.ts";
import { eicarTestFile, startClamd, type TestClamd } from "../../../core/testing/clamd.ts";
import { cookieOf, createTestPlatform, type TestPlatform } from "../../../core/testing/test-platform.ts";
import type { FormDefinitionInput } from "../definition/form-definition.ts";
import { applications, attachments, forms, formVersions } from "../schema.ts";
import { insertPublishedForm } from "../testing.ts";

const certificateForm: FormDefinitionInput = {
  schema_version: 1,
  title: { ja: "証明書交付申請（テスト）", en: "Certificate request (test)" },
  assuranceLevel: "email",
  fee: { amount: { "*": [300, { var: "copies" }] }, label: { ja: "手数料", en: "Fee" } },
  pages: [
    {
      key: "applicant",
      title: { ja: "申請者", en: "Applicant" },
      fields: [
        { key: "applicant", type: "name", label: { ja: "申請者の氏名", en: "Your name" }, required: true },
        { key: "phone", type: "phone", label: { ja: "電話番号", en: "Phone" }, required: true },
        {
          key: "copies",
          type: "number",
          label: { ja: "通数", en: "Copies" },
          required: true,
          min: 1,
          max: 10,
        },
        {
          key: "purpose",
          type: "choice",
          label: { ja: "使いみち", en: "Purpose" },
          required: true,
          options: [
            { value: "work", label: { ja: "勤務先へ提出", en: "For work" } },
            { value: "other", label: { ja: "その他", en: "Other" } },
          ],
        },
        {
          key: "purpose_other",
          type: "text",
          label: { ja: "その他の使いみち", en: "Other purpose" },
          showIf: { "==": [{ var: "purpose" }, "other"] },
          requiredIf: { "==": [{ var: "purpose" }, "other"] },
        },
        {
          key: "fee",
          type: "computed",
          label: { ja: "手数料", en: "Fee" },
          expression: { "*": [300, { var: "copies" }] },
          format: "yen",
        },
      ],
    },
    {
      key: "family",
      title: { ja: "世帯の方", en: "Household" },
      fields: [
        {
          key: "members",
          type: "group",
          label: { ja: "世帯の方", en: "Household members" },
          itemLabel: { ja: "世帯員", en: "Member" },
          minItems: 0,
          maxItems: 3,
          fields: [{ key: "name", type: "text", label: { ja: "氏名", en: "Name" }, required: true }],
        },
      ],
    },
    {
      key: "documents",
      title: { ja: "書類", en: "Documents" },
      fields: [
        {
          key: "id_photo",
          type: "file",
          label: { ja: "本人確認書類の写真", en: "Photo of ID" },
          accept: ["image", "pdf"],
          maxFiles: 2,
          maxSizeMb: 2,
        },
      ],
    },
  ],
};

const surveyForm: FormDefinitionInput = {
  schema_version: 1,
  title: { ja: "市民アンケート（テスト）" },
  assuranceLevel: "none",
  pages: [
    {
      key: "q1",
      title: { ja: "満足度" },
      fields: [
        {
          key: "satisfaction",
          type: "choice",
          label: { ja: "市の窓口の満足度" },
          required: true,
          options: [
            { value: "good", label: { ja: "満足" } },
            { value: "bad", label: { ja: "不満" } },
          ],
        },
      ],
    },
    {
      key: "q2",
      title: { ja: "ご意見" },
      fields: [{ key: "comment", type: "textarea", label: { ja: "ご意見" } }],
    },
  ],
};

let platform: TestPlatform;
let clamd: TestClamd;
let tenantId: string;

beforeAll(async () => {
  clamd = await startClamd();
  platform = await createTestPlatform({ config: { ...clamd.config, baseUrl: "http://localhost" } });
  const [tenant] = await platform.services.database.db
    .select()
    .from(tenants)
    .where(eq(tenants.slug, DEMO_TENANT_SLUG));
  tenantId = tenant!.id;
  await insertPublishedForm(platform.services.database.db, {
    tenantId,
    slug: "test-certificate",
    definition: certificateForm,
  });
  await insertPublishedForm(platform.services.database.db, {
    tenantId,
    slug: "test-survey",
    definition: surveyForm,
  });
}, 120_000);
afterAll(async () => {
  await platform?.close();
  await clamd?.stop();
});

type Session = { cookie: string; csrf?: string };

async function post(
  session: Session,
  path: string,
  fields: Record<string, string | string[]>,
  extra?: Record<string, string>,
) {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries({
    ...(session.csrf ? { _csrf: session.csrf } : {}),
    ...fields,
  })) {
    for (const v of Array.isArray(value) ? value : [value]) {
      body.append(name, v);
    }
  }
  return platform.request(`http://localhost${path}`, {
    method: "POST",
    headers: { cookie: session.cookie, ...extra },
    body,
  });
}

const get = (session: Session, path: string) =>
  platform.request(`http://localhost${path}`, { headers: { cookie: session.cookie } });

async function start(session: Session, slug: string): Promise<string> {
  const started = await post(session, `/forms/${slug}/start`, {});
  expect(started.status).toBe(303);
  return started.headers.get("location")!;
}

const validApplicant = {
  "applicant.name": "鹿屋　花子",
  "applicant.kana": "かのや はなこ",
  phone: "０９９４－１２－３４５６",
  copies: "２",
  purpose: "work",
};

describe("resident form runner", () => {
  it("walks a resident through pages, refuses bad answers without storing them, and submits once", async () => {
    const resident = await platform.signInResident("hanako@example.jp");
    const landing = await get(resident, "/forms/test-certificate");
    expect(landing.status).toBe(200);
    expect(await landing.text()).toContain("申請を始める");

    const first = await start(resident, "test-certificate");
    expect(first).toMatch(/\/forms\/test-certificate\/a\/[0-9a-f-]{36}\/p\/applicant$/);
    const base = first.replace(/\/p\/applicant$/, "");
    const applicationId = base.split("/").at(-1)!;

    const bad = await post(resident, first, {
      ...validApplicant,
      phone: "12345",
      "applicant.kana": "hanako",
      evil: "x",
    });
    expect(bad.status).toBe(400);
    const badPage = await bad.text();
    expect(badPage).toContain("電話番号」は0から始まる10桁か11桁");
    expect(badPage).toContain("フリガナはカタカナ");
    expect(badPage).toContain("この様式にない項目が送られました: evil");
    expect(badPage).toContain('value="12345"'); // what was typed is shown back
    const [untouched] = await platform.services.database.db
      .select()
      .from(applications)
      .where(eq(applications.id, applicationId));
    expect(untouched!.answers).toEqual({});
    expect(untouched!.completedPages).toEqual([]);

    const otherRequired = await post(resident, first, { ...validApplicant, purpose: "other" });
    expect(otherRequired.status).toBe(400);
    expect(await otherRequired.text()).toContain("その他の使いみち");

    const saved = await post(resident, first, validApplicant);
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe(`${base}/p/family`);
    const [afterFirst] = await platform.services.database.db
      .select()
      .from(applications)
      .where(eq(applications.id, applicationId));
    expect(afterFirst!.answers["applicant"]).toEqual({ name: "鹿屋 花子", kana: "カノヤ ハナコ" });
    expect(afterFirst!.answers["phone"]).toBe("0994123456");
    expect(afterFirst!.answers["copies"]).toBe(2);
    expect(afterFirst!.provenance["phone"]).toEqual({ source: "typed" });

    // Without JavaScript, "add" posts the page and comes back with one more item.
    const added = await post(resident, `${base}/p/family`, { "members.count": "0", _action: "add:members" });
    expect(added.status).toBe(200);
    expect(await added.text()).toContain('name="members.0.name"');
    expect(
      (await post(resident, `${base}/p/family`, { "members.count": "1", "members.0.name": "鹿屋 太郎" }))
        .status,
    ).toBe(303);

    expect((await post(resident, `${base}/p/documents`, {})).status).toBe(303);

    const check = await get(resident, `${base}/check`);
    expect(check.status).toBe(200);
    const checkPage = await check.text();
    expect(checkPage).toContain("鹿屋 花子（カノヤ ハナコ）");
    expect(checkPage).toContain("世帯員 1: 氏名");
    expect(checkPage).toContain("600円");
    const submitKey = /name="_idempotency" value="([^"]+)"/.exec(checkPage)![1]!;

    // A double tap: two submissions of the same page at once make one application.
    const [one, two] = await Promise.all([
      post(resident, `${base}/submit`, { _idempotency: submitKey }),
      post(resident, `${base}/submit`, { _idempotency: submitKey }),
    ]);
    expect([one.status, two.status]).toEqual([303, 303]);
    // The fee is due at submission: both taps lead to the same payment page.
    expect(one.headers.get("location")).toMatch(/^\/payments\/[0-9a-f-]{36}$/);
    expect(two.headers.get("location")).toBe(one.headers.get("location"));
    const [submitted] = await platform.services.database.db
      .select()
      .from(applications)
      .where(eq(applications.id, applicationId));
    expect(isReferenceNumber(submitted!.referenceNumber!)).toBe(true);
    expect(submitted!.feeAmount).toBe(600);
    expect(submitted!.paymentStatus).toBe("unpaid");
    expect(submitted!.answers["fee"]).toBe(600);
    expect(submitted!.provenance["fee"]).toEqual({ source: "computed" });
    const submits = await platform.services.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "forms.application.submit"), eq(auditLog.resourceId, applicationId)));
    expect(submits).toHaveLength(1);
    const messages = await platform.services.database.db
      .select()
      .from(notifications)
      .where(eq(notifications.reference, submitted!.referenceNumber!));
    expect(messages.map((m) => m.channel).sort()).toEqual(["email", "inbox"]);
    expect(messages[0]!.subject).toContain(submitted!.referenceNumber!);

    const done = await get(resident, `${base}/done`);
    expect(await done.text()).toContain(submitted!.referenceNumber!);
    const receipt = await get(resident, `${base}/receipt.pdf`);
    expect(receipt.status).toBe(200);
    expect(receipt.headers.get("content-type")).toBe("application/pdf");
    expect(new TextDecoder().decode((await receipt.arrayBuffer()).slice(0, 5))).toBe("%PDF-");

    // Editing after submission goes nowhere.
    const late = await post(resident, `${base}/p/applicant`, validApplicant);
    expect(late.headers.get("location")).toBe(`${base}/done`);

    // Another resident cannot see it, nor learn it exists.
    const other = await platform.signInResident("taro@example.jp");
    expect((await get(other, `${base}/check`)).status).toBe(404);
    expect((await get(other, `${base}/receipt.pdf`)).status).toBe(404);
    // My page lists it with its reference.
    expect(await (await get(resident, "/my")).text()).toContain(submitted!.referenceNumber!);
  });

  it("refuses an infected upload and strips photo metadata from a clean one", async () => {
    const resident = await platform.signInResident("upload@example.jp");
    const first = await start(resident, "test-certificate");
    const base = first.replace(/\/p\/applicant$/, "");
    const applicationId = base.split("/").at(-1)!;
    await post(resident, first, validApplicant);
    await post(resident, `${base}/p/family`, { "members.count": "0" });
    const filesBefore = (await platform.services.database.db.select().from(storedFiles)).length;

    const upload = (name: string, bytes: Uint8Array, type: string) => {
      const form = new FormData();
      form.append("_csrf", resident.csrf);
      form.append("_action", "upload:id_photo");
      form.append("id_photo", new File([bytes as Uint8Array<ArrayBuffer>], name, { type }));
      return platform.request(`http://localhost${base}/p/documents`, {
        method: "POST",
        headers: { cookie: resident.cookie },
        body: form,
      });
    };
    const infected = await upload("license.pdf", eicarTestFile(), "application/pdf");
    expect(infected.status).toBe(400);
    expect(await infected.text()).toContain("ウイルスが検出されたため");
    expect(
      await platform.services.database.db
        .select()
        .from(attachments)
        .where(eq(attachments.applicationId, applicationId)),
    ).toEqual([]);
    expect((await platform.services.database.db.select().from(storedFiles)).length).toBe(filesBefore);

    const oversize = await upload("scan.pdf", new Uint8Array(3 * 1024 * 1024).fill(32), "application/pdf");
    expect(oversize.status).toBe(400);
    expect(await oversize.text()).toContain("ファイルが大きすぎます（上限 2MB）");

    const disguised = await upload(
      "photo.jpg",
      new TextEncoder().encode("<html><script>alert(1)</script></html>"),
      "image/jpeg",
    );
    expect(disguised.status).toBe(400);
    expect(await disguised.text()).toContain("このファイルの種類は添付できません");

    const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#c33" } })
      .jpeg()
      .withExif({ IFD3: { GPSLatitudeRef: "N", GPSLatitude: "31/1 22/1 41/1" }, IFD0: { Make: "TestPhone" } })
      .toBuffer();
    const clean = await upload("IMG_0001.jpg", photo, "image/jpeg");
    expect(clean.status).toBe(200);
    expect(await clean.text()).toContain("IMG_0001.jpg");
    const [attached] = await platform.services.database.db
      .select()
      .from(attachments)
      .where(eq(attachments.applicationId, applicationId));
    expect(attached!.scanResult).toBe("clean");
    const [file] = await platform.services.database.db
      .select()
      .from(storedFiles)
      .where(eq(storedFiles.id, attached!.fileId));
    const storedBytes = await platform.services.storage.get(file!.storageKey);
    const metadata = await sharp(storedBytes!).metadata();
    expect(metadata.exif).toBeUndefined();
    expect(metadata.width).toBe(64);
  });

  it("lets a guest answer without an account, save, and resume from an emailed link in another browser", async () => {
    const guest: Session = { cookie: "" };
    const startedAt = await post(guest, "/forms/test-survey/start", {});
    expect(startedAt.status).toBe(303);
    const guestCookie = cookieOf(
      startedAt,
      `tenohira_guest_${startedAt.headers.get("location")!.split("/")[4]!.replaceAll("-", "")}`,
    );
    guest.cookie = guestCookie;
    const first = startedAt.headers.get("location")!;
    const base = first.replace(/\/p\/q1$/, "");
    expect((await get({ cookie: "" }, first)).status).toBe(404); // someone without the key

    const saved = await post(guest, first, { satisfaction: "good", _action: "save" });
    expect(saved.headers.get("location")).toBe(`${base}/saved`);
    const sent = await post(guest, `${base}/resume-link`, { email: "guest@example.jp" });
    expect(sent.status).toBe(200);
    const [message] = await platform.services.database.db
      .select()
      .from(notifications)
      .where(eq(notifications.recipient, "guest@example.jp"));
    const link = /http:\/\/localhost(\/forms\/resume\/\S+)/.exec(message!.body)![1]!;
    // The old cookie's key was replaced by the link's.
    expect((await get(guest, first)).status).toBe(404);

    const resumed = await get({ cookie: "" }, link);
    expect(resumed.status).toBe(303);
    const fresh: Session = { cookie: cookieOf(resumed, guestCookie.split("=")[0]!) };
    const page = await get(fresh, `${base}/p/q1`);
    expect(await page.text()).toMatch(/value="good" checked/);
    expect((await post(fresh, `${base}/p/q1`, { satisfaction: "good" })).status).toBe(303);
    expect((await post(fresh, `${base}/p/q2`, { comment: "<script>alert(1)</script>" })).status).toBe(303);
    const check = await (await get(fresh, `${base}/check`)).text();
    expect(check).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    const key = /name="_idempotency" value="([^"]+)"/.exec(check)![1]!;
    expect((await post(fresh, `${base}/submit`, { _idempotency: key })).headers.get("location")).toBe(
      `${base}/done`,
    );
    const [row] = await platform.services.database.db
      .select()
      .from(applications)
      .where(eq(applications.id, base.split("/").at(-1)!));
    expect(row!.residentId).toBeNull();
    expect(row!.answers).toEqual({ satisfaction: "good", comment: "<script>alert(1)</script>" });
  });

  it("keeps a started application on its version when staff publish a new one, and stops at the cap", async () => {
    const db = platform.services.database.db;
    const { form, version } = await insertPublishedForm(db, {
      tenantId,
      slug: "test-capped",
      definition: { ...surveyForm, maxApplications: 1 },
    });
    const resident = await platform.signInResident("version@example.jp");
    const first = await start(resident, "test-capped");
    const base = first.replace(/\/p\/q1$/, "");

    const changed = structuredClone(version.definition);
    changed.pages[0]!.title = { ja: "新しい設問" };
    const [v2] = await db
      .insert(formVersions)
      .values({
        tenantId,
        formId: form.id,
        number: 2,
        schemaVersion: 1,
        definition: changed,
        contentHash: "v2",
        appRelease: "test",
      })
      .returning();
    await db.update(forms).set({ currentVersionId: v2!.id }).where(eq(forms.id, form.id));
    const page = await (await get(resident, first)).text();
    expect(page).toContain("満足度");
    expect(page).not.toContain("新しい設問");

    // A guest takes the only place first.
    const guestStart = await post({ cookie: "" }, "/forms/test-capped/start", {});
    const guestBase = guestStart.headers.get("location")!.replace(/\/p\/q1$/, "");
    const guest = {
      cookie: cookieOf(guestStart, `tenohira_guest_${guestBase.split("/").at(-1)!.replaceAll("-", "")}`),
    };
    await post(guest, `${guestBase}/p/q1`, { satisfaction: "bad" });
    await post(guest, `${guestBase}/p/q2`, {});
    const guestKey = /name="_idempotency" value="([^"]+)"/.exec(
      await (await get(guest, `${guestBase}/check`)).text(),
    )![1]!;
    expect(
      (await post(guest, `${guestBase}/submit`, { _idempotency: guestKey })).headers.get("location"),
    ).toBe(`${guestBase}/done`);

    await post(resident, `${base}/p/q1`, { satisfaction: "good" });
    await post(resident, `${base}/p/q2`, {});
    const key = /name="_idempotency" value="([^"]+)"/.exec(
      await (await get(resident, `${base}/check`)).text(),
    )![1]!;
    const full = await post(resident, `${base}/submit`, { _idempotency: key });
    expect(full.headers.get("location")).toBe(`${base}/check?unavailable=full`);
    const notice = await get(resident, `${base}/check?unavailable=full`);
    expect(notice.status).toBe(409);
    expect(await notice.text()).toContain("定員に達した");
    const [draft] = await db
      .select()
      .from(applications)
      .where(eq(applications.id, base.split("/").at(-1)!));
    expect(draft!.submittedAt).toBeNull();
    expect(draft!.answers["satisfaction"]).toBe("good");
    expect(draft!.formVersionId).toBe(version.id);
  });

  it("admits exactly the cap when several residents submit at the same moment", async () => {
    await insertPublishedForm(platform.services.database.db, {
      tenantId,
      slug: "test-race",
      definition: { ...surveyForm, maxApplications: 2 },
    });
    const drafts = await Promise.all(
      [0, 1, 2, 3, 4].map(async () => {
        const started = await post({ cookie: "" }, "/forms/test-race/start", {});
        const base = started.headers.get("location")!.replace(/\/p\/q1$/, "");
        const guest = {
          cookie: cookieOf(started, `tenohira_guest_${base.split("/").at(-1)!.replaceAll("-", "")}`),
        };
        await post(guest, `${base}/p/q1`, { satisfaction: "good" });
        await post(guest, `${base}/p/q2`, {});
        const key = /name="_idempotency" value="([^"]+)"/.exec(
          await (await get(guest, `${base}/check`)).text(),
        )![1]!;
        return { guest, base, key };
      }),
    );
    const outcomes = await Promise.all(
      drafts.map(({ guest, base, key }) => post(guest, `${base}/submit`, { _idempotency: key })),
    );
    const done = outcomes.filter((response) => response.headers.get("location")!.endsWith("/done"));
    expect(done).toHaveLength(2);
    expect(
      outcomes.filter((response) => response.headers.get("location")!.endsWith("unavailable=full")),
    ).toHaveLength(3);
  });

  it("shows staff-authored text as text, so a form can never inject script into a resident's page", async () => {
    await insertPublishedForm(platform.services.database.db, {
      tenantId,
      slug: "test-escape",
      definition: {
        schema_version: 1,
        title: { ja: "<script>alert('title')</script>" },
        assuranceLevel: "none",
        pages: [
          {
            key: "q1",
            title: { ja: "<b>page</b>" },
            fields: [
              { key: "intro", type: "info", text: { ja: '<img src=x onerror="alert(1)">\n\n二段落目' } },
              {
                key: "answer",
                type: "text",
                label: { ja: "<script>alert('label')</script>" },
                hint: { ja: '"><svg onload=alert(1)>' },
              },
            ],
          },
        ],
      },
    });
    const started = await post({ cookie: "" }, "/forms/test-escape/start", {});
    const base = started.headers.get("location")!;
    const guest = { cookie: cookieOf(started, `tenohira_guest_${base.split("/")[4]!.replaceAll("-", "")}`) };
    const html = await (await get(guest, base)).text();
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain("<svg onload");
    expect(html).toContain("&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt;");
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</p><p>二段落目");
  });

  it("discards unfinished applications and their files when the resident deletes the account or a guest's key expires", async () => {
    const db = platform.services.database.db;
    const resident = await platform.signInResident("leaving@example.jp");
    const first = await start(resident, "test-certificate");
    const base = first.replace(/\/p\/applicant$/, "");
    await post(resident, first, validApplicant);
    await post(resident, `${base}/p/family`, { "members.count": "0" });
    const form = new FormData();
    form.append("_csrf", resident.csrf);
    form.append("_action", "upload:id_photo");
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#000" } })
      .png()
      .toBuffer();
    form.append("id_photo", new File([png], "card.png", { type: "image/png" }));
    await platform.request(`http://localhost${base}/p/documents`, {
      method: "POST",
      headers: { cookie: resident.cookie },
      body: form,
    });
    const [attached] = await db
      .select()
      .from(attachments)
      .where(eq(attachments.applicationId, base.split("/").at(-1)!));
    const [file] = await db.select().from(storedFiles).where(eq(storedFiles.id, attached!.fileId));

    const deleted = await platform.request("http://localhost/my/delete", {
      method: "POST",
      headers: { cookie: resident.cookie },
      body: new URLSearchParams({ _csrf: resident.csrf, confirm: "yes" }),
    });
    expect(deleted.status).toBe(200);
    await platform.worker.drain();
    expect(
      await db
        .select()
        .from(applications)
        .where(eq(applications.id, base.split("/").at(-1)!)),
    ).toEqual([]);
    expect(await db.select().from(storedFiles).where(eq(storedFiles.id, file!.id))).toEqual([]);
    expect(await platform.services.storage.get(file!.storageKey)).toBeNull();

    // A guest's draft past its resume date goes too; a submitted guest application stays.
    const guestStart = await post({ cookie: "" }, "/forms/test-survey/start", {});
    const guestId = guestStart.headers.get("location")!.split("/")[4]!;
    await db
      .update(applications)
      .set({ resumeExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(applications.id, guestId));
    const { discardDrafts } = await import("../operations/discard-drafts.ts");
    const count = await discardDrafts({
      services: platform.services,
      tenantId,
      actor: { type: "system", id: null },
      of: { expiredBefore: new Date() },
    });
    expect(count).toBeGreaterThanOrEqual(1);
    expect(await db.select().from(applications).where(eq(applications.id, guestId))).toEqual([]);
    const submittedGuests = await db
      .select()
      .from(applications)
      .where(
        eq(applications.formId, (await db.select().from(forms).where(eq(forms.slug, "test-survey")))[0]!.id),
      );
    expect(submittedGuests.every((a) => a.submittedAt !== null)).toBe(true);
    expect(submittedGuests.length).toBeGreaterThanOrEqual(1);
  });

  it("records that an application came through LINE's in-app browser", async () => {
    const lineBrowser =
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/14.9.0";
    const started = await post({ cookie: "" }, "/forms/test-survey/start", {}, { "user-agent": lineBrowser });
    const id = started.headers.get("location")!.split("/")[4]!;
    const [row] = await platform.services.database.db
      .select()
      .from(applications)
      .where(eq(applications.id, id));
    expect(row!.channel).toBe("line");
    const web = await post({ cookie: "" }, "/forms/test-survey/start", {});
    const [webRow] = await platform.services.database.db
      .select()
      .from(applications)
      .where(eq(applications.id, web.headers.get("location")!.split("/")[4]!));
    expect(webRow!.channel).toBe("web");
  });
});
