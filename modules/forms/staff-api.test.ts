import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../core/audit/schema.ts";
import { domainEvents } from "../../core/events/schema.ts";
import { departments, staffAccounts } from "../../core/identity/schema.ts";
import { storedFiles } from "../../core/storage/schema.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import { addCityAdmin } from "../../core/testing/second-city.ts";
import { createTestPlatform, type TestPlatform } from "../../core/testing/test-platform.ts";
import packageJson from "../../package.json" with { type: "json" };
import type { FormDefinitionInput } from "./definition/form-definition.ts";
import { applications, attachments, forms, formVersions } from "./schema.ts";

type FormDetail = {
  id: string;
  slug: string;
  title: { ja: string; en?: string };
  status: "draft" | "published" | "unpublished";
  departmentId: string | null;
  currentVersion: number | null;
  draftUpdatedAt: string;
  hasUnpublishedChanges: boolean;
  applicationCount: number;
  draft: FormDefinitionInput & {
    pages: { key: string; fields: { key: string; label?: { ja: string } }[] }[];
  };
  versions: { number: number; publishedAt: string; publishedBy: string | null; contentHash: string }[];
};
type Problem = { status: number; errors?: { pointer: string; detail: string; detailJa?: string }[] };
type Change = { path: string; kind: string; label: string; before?: unknown; after?: unknown };

let platform: TestPlatform;
let manager: Record<string, string>;
const db = () => platform.services.database.db;

beforeAll(async () => {
  platform = await createTestPlatform();
  // A second city on the same install, added before the first request so the tenant cache knows it.
  const [other] = await platform.services.database.db
    .insert(tenants)
    .values({
      municipalityCode: "990027",
      slug: "other-city",
      nameJa: "よその市",
      nameEn: "Other City",
      hosts: ["other.localhost"],
    })
    .returning();
  await addCityAdmin(platform.services.database.db, other!.id);
  manager = await platform.signInStaff("manager@tenohira.localhost");
});
afterAll(() => platform.close());

const api = (path: string) => `/staff/api/forms${path}`;
const send = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  platform.request(api(path), {
    method,
    headers: { ...headers, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const get = (path: string, headers: Record<string, string>) => platform.request(api(path), { headers });
async function ok<T>(response: Response | Promise<Response>, status = 200): Promise<T> {
  const answered = await response;
  const text = await answered.text();
  expect(answered.status, text).toBe(status);
  return JSON.parse(text) as T;
}
const departmentId = async (code: string) =>
  (await db().select().from(departments).where(eq(departments.code, code)))[0]!.id;
const staffId = async (email: string) =>
  (await db().select().from(staffAccounts).where(eq(staffAccounts.email, email)))[0]!.id;
const auditsOf = (resourceId: string) =>
  db().select().from(auditLog).where(eq(auditLog.resourceId, resourceId)).orderBy(asc(auditLog.id));

const dogForm: FormDefinitionInput = {
  schema_version: 1,
  title: { ja: "犬の登録申請", en: "Dog registration" },
  pages: [
    {
      key: "owner",
      title: { ja: "飼い主", en: "Owner" },
      fields: [
        {
          key: "owner_name",
          type: "name",
          label: { ja: "飼い主の氏名", en: "Owner's name" },
          required: true,
        },
        { key: "phone", type: "phone", label: { ja: "電話番号", en: "Phone" } },
      ],
    },
    {
      key: "dog",
      title: { ja: "犬", en: "Dog" },
      fields: [
        {
          key: "dogs",
          type: "group",
          label: { ja: "犬", en: "Dogs" },
          itemLabel: { ja: "犬", en: "Dog" },
          fields: [
            { key: "dog_name", type: "text", label: { ja: "犬の名前", en: "Dog's name" } },
            { key: "breed", type: "text", label: { ja: "犬種", en: "Breed" } },
          ],
        },
      ],
    },
  ],
};

describe("forms staff API: building and publishing", () => {
  let form: FormDetail;
  let versionOne: unknown;

  it("creates a blank draft in the creator's department, and one from a template", async () => {
    form = await ok<FormDetail>(send("POST", "/forms", manager, { slug: "inu-toroku" }), 201);
    expect(form).toMatchObject({
      slug: "inu-toroku",
      title: { ja: "新しい申請フォーム" },
      status: "draft",
      departmentId: await departmentId("shimin-ka"),
      currentVersion: null,
      hasUnpublishedChanges: true,
      applicationCount: 0,
      versions: [],
    });
    expect(form.draft.pages.map((p) => p.key)).toEqual(["p1"]);
    expect(form.draft.pages[0]!.fields).toHaveLength(1);

    const { templates } = await ok<{ templates: { key: string; title: { ja: string }; category: string }[] }>(
      platform.request("/staff/api/forms/templates", { headers: manager }),
    );
    expect(templates.length).toBeGreaterThanOrEqual(8);
    const juminhyo = templates.find((t) => t.key === "juminhyo")!;
    expect(juminhyo.title.ja).toBe("住民票の写し交付申請");
    const fromTemplate = await ok<FormDetail>(
      send("POST", "/forms", manager, { slug: "juminhyo-kofu", templateKey: "juminhyo" }),
      201,
    );
    expect(fromTemplate.title.ja).toBe("住民票の写し交付申請");
    expect(fromTemplate.draft.pages.length).toBeGreaterThan(1);

    const unknownTemplate = await ok<Problem>(
      send("POST", "/forms", manager, { slug: "nothing", templateKey: "no-such-template" }),
      400,
    );
    expect(unknownTemplate.errors!.map((e) => e.pointer)).toEqual(["/templateKey"]);
    expect((await send("POST", "/forms", manager, { slug: "inu-toroku" })).status).toBe(409);
    expect((await send("POST", "/forms", manager, { slug: "Bad Slug" })).status).toBe(400);

    const { forms: listed } = await ok<{ forms: { slug: string }[] }>(get("/forms", manager));
    // The demo city's 住民票 form belongs to the manager's division too; other divisions' forms are not listed.
    expect(listed.map((f) => f.slug).sort()).toEqual(["inu-toroku", "juminhyo", "juminhyo-kofu"]);
    expect((await auditsOf(form.id)).map((a) => a.action)).toEqual(["forms.form.create"]);
  });

  it("saves a valid draft (audited with before and after) and refuses an invalid one, storing nothing", async () => {
    form = await ok<FormDetail>(send("PUT", `/forms/${form.id}/draft`, manager, { definition: dogForm }));
    expect(form.title.ja).toBe("犬の登録申請");
    expect(form.draft.pages.map((p) => p.key)).toEqual(["owner", "dog"]);
    const [created, edited] = await auditsOf(form.id);
    expect(created!.action).toBe("forms.form.create");
    expect(edited).toMatchObject({ action: "forms.form.update_draft", actorType: "staff" });
    expect((edited!.before as { draft: { title: { ja: string } } }).draft.title.ja).toBe(
      "新しい申請フォーム",
    );
    expect((edited!.after as { draft: { title: { ja: string } } }).draft.title.ja).toBe("犬の登録申請");

    const invalid = structuredClone(dogForm);
    invalid.pages[0]!.fields.push(
      { key: "Bad Key", type: "text", label: { ja: "悪いキー" } },
      { key: "phone", type: "text", label: { ja: "二つ目の電話番号" } },
    );
    const refused = await ok<Problem>(
      send("PUT", `/forms/${form.id}/draft`, manager, { definition: invalid }),
      400,
    );
    expect(refused.errors!.map((e) => e.pointer)).toEqual([
      "/definition/pages/0/fields/2/key",
      "/definition/pages/0/fields/3/key",
    ]);
    for (const error of refused.errors!) {
      expect(error.detail).toBeTruthy();
      expect(error.detailJa).toMatch(/[ぁ-んァ-ン一-龥]/);
    }
    expect(refused.errors![1]!.detailJa).toBe("項目キー「phone」が重複しています");
    const missing = await ok<Problem>(send("PUT", `/forms/${form.id}/draft`, manager, {}), 400);
    expect(missing.errors!.map((e) => e.pointer)).toEqual(["/definition"]);

    const stored = await ok<FormDetail>(get(`/forms/${form.id}`, manager));
    expect(stored.draft).toEqual(form.draft);
    expect(await auditsOf(form.id)).toHaveLength(2);
  });

  it("publishes version 1, then after an edit version 2, leaving version 1 exactly as it was", async () => {
    const published = await ok<FormDetail>(send("POST", `/forms/${form.id}/publish`, manager));
    expect(published).toMatchObject({ status: "published", currentVersion: 1, hasUnpublishedChanges: false });
    expect(published.versions).toHaveLength(1);
    expect(published.versions[0]!.publishedBy).toBe(await staffId("manager@tenohira.localhost"));
    versionOne = (await ok<{ definition: unknown }>(get(`/forms/${form.id}/versions/1`, manager))).definition;
    expect(versionOne).toEqual(published.draft);

    // Publishing an unchanged draft makes no new version.
    const again = await ok<FormDetail>(send("POST", `/forms/${form.id}/publish`, manager));
    expect(again.versions).toHaveLength(1);

    const edited = structuredClone(dogForm);
    edited.pages[0]!.fields[1] = { key: "phone", type: "phone", label: { ja: "日中の電話番号" } };
    edited.pages[0]!.fields.push({ key: "email", type: "email", label: { ja: "メールアドレス" } });
    const draft = await ok<FormDetail>(
      send("PUT", `/forms/${form.id}/draft`, manager, { definition: edited }),
    );
    expect(draft).toMatchObject({ status: "published", currentVersion: 1, hasUnpublishedChanges: true });

    const second = await ok<FormDetail>(send("POST", `/forms/${form.id}/publish`, manager));
    expect(second).toMatchObject({ currentVersion: 2, hasUnpublishedChanges: false });
    expect(second.versions.map((v) => v.number)).toEqual([1, 2]);
    expect(second.versions[0]!.contentHash).not.toBe(second.versions[1]!.contentHash);

    const stillOne = await ok<{ number: number; definition: unknown; contentHash: string }>(
      get(`/forms/${form.id}/versions/1`, manager),
    );
    expect(stillOne.definition).toEqual(versionOne);
    expect(stillOne.contentHash).toBe(second.versions[0]!.contentHash);
    const two = await ok<{ definition: FormDetail["draft"] }>(get(`/forms/${form.id}/versions/2`, manager));
    expect(two.definition.pages[0]!.fields.map((f) => f.key)).toEqual(["owner_name", "phone", "email"]);
    expect((await get(`/forms/${form.id}/versions/3`, manager)).status).toBe(404);

    const rows = await db().select().from(formVersions).where(eq(formVersions.formId, form.id));
    expect(rows.map((r) => r.appRelease)).toEqual([packageJson.version, packageJson.version]);
    expect(rows.every((r) => r.schemaVersion === 1)).toBe(true);
    const [row] = await db().select().from(forms).where(eq(forms.id, form.id));
    expect(row!.currentVersionId).toBe(rows.find((r) => r.number === 2)!.id);
    const events = await db()
      .select()
      .from(domainEvents)
      .where(eq(domainEvents.name, "forms.form_published"));
    expect(events.filter((e) => e.payload["formId"] === form.id).map((e) => e.payload["version"])).toEqual([
      1, 2,
    ]);
  });

  it("gives two simultaneous publishes of one draft one new version between them", async () => {
    const other = await ok<FormDetail>(send("POST", "/forms", manager, { slug: "race" }), 201);
    const results = await Promise.all([
      send("POST", `/forms/${other.id}/publish`, manager),
      send("POST", `/forms/${other.id}/publish`, manager),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    const rows = await db().select().from(formVersions).where(eq(formVersions.formId, other.id));
    expect(rows.map((r) => r.number)).toEqual([1]);
  });

  it("diffs version 1 to 2 and version 2 to the draft, by field key", async () => {
    const { changes } = await ok<{ changes: Change[] }>(get(`/forms/${form.id}/diff?from=1&to=2`, manager));
    expect(changes.map((c) => [c.path, c.kind])).toEqual([
      ["pages.owner.fields.phone.label", "changed"],
      ["pages.owner.fields.email", "added"],
    ]);
    expect(changes[0]).toMatchObject({
      label: "項目「日中の電話番号」の表示名を変更",
      before: { ja: "電話番号", en: "Phone" },
      after: { ja: "日中の電話番号" },
    });

    const reordered = structuredClone(two());
    const [ownerName, phone, email] = reordered.pages[0]!.fields;
    reordered.pages[0]!.fields = [ownerName!, email!, phone!];
    await ok(send("PUT", `/forms/${form.id}/draft`, manager, { definition: reordered }));
    const toDraft = await ok<{ changes: Change[] }>(get(`/forms/${form.id}/diff?from=2&to=draft`, manager));
    expect(toDraft.changes).toHaveLength(1);
    expect(toDraft.changes[0]).toMatchObject({
      kind: "changed",
      label: expect.stringContaining("順番を変更"),
    });
    expect(toDraft.changes[0]!.path).toMatch(/^pages\.owner\.fields\.(phone|email)\.position$/);

    expect((await get(`/forms/${form.id}/diff?from=1&to=9`, manager)).status).toBe(404);
    expect((await get(`/forms/${form.id}/diff?from=1&to=latest`, manager)).status).toBe(400);
  });

  function two(): FormDefinitionInput {
    const definition = structuredClone(dogForm);
    definition.pages[0]!.fields[1] = { key: "phone", type: "phone", label: { ja: "日中の電話番号" } };
    definition.pages[0]!.fields.push({ key: "email", type: "email", label: { ja: "メールアドレス" } });
    return definition;
  }

  it("unpublishes (no new version) and refuses to unpublish a form never published", async () => {
    const unpublished = await ok<FormDetail>(send("POST", `/forms/${form.id}/unpublish`, manager));
    expect(unpublished).toMatchObject({ status: "unpublished", currentVersion: 2 });
    expect(unpublished.versions).toHaveLength(2);
    const { forms: listed } = await ok<{ forms: FormDetail[] }>(get("/forms", manager));
    const blank = listed.find((f) => f.slug === "juminhyo-kofu")!;
    expect((await send("POST", `/forms/${blank.id}/unpublish`, manager)).status).toBe(409);
    expect((await auditsOf(form.id)).map((a) => a.action)).toContain("forms.form.unpublish");
  });

  it("duplicates a form's draft as a new draft form", async () => {
    const source = await ok<FormDetail>(get(`/forms/${form.id}`, manager));
    const copy = await ok<FormDetail>(
      send("POST", `/forms/${form.id}/duplicate`, manager, { slug: "inu-toroku-2" }),
      201,
    );
    expect(copy).toMatchObject({
      slug: "inu-toroku-2",
      status: "draft",
      currentVersion: null,
      versions: [],
      departmentId: source.departmentId,
    });
    expect(copy.id).not.toBe(form.id);
    expect(copy.draft).toEqual(source.draft);
    const [row] = await db().select().from(forms).where(eq(forms.id, copy.id));
    expect(row!.copiedFromId).toBe(form.id);
    expect(
      (await send("POST", `/forms/${form.id}/duplicate`, manager, { slug: "inu-toroku-2" })).status,
    ).toBe(409);
  });

  it("exports a form as one file and imports it back as a new draft", async () => {
    const exported = await get(`/forms/${form.id}/export`, manager);
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-disposition")).toContain("attachment");
    expect(exported.headers.get("content-disposition")).toContain("inu-toroku.tenohira-form.json");
    const file = (await exported.json()) as {
      format: string;
      slug: string;
      definition: unknown;
      source: string;
    };
    expect(file).toMatchObject({ format: "tenohira-form", slug: "inu-toroku", source: "てのひら市" });

    const imported = await ok<FormDetail>(
      send("POST", "/forms/import", manager, { file, slug: "inu-imported" }),
      201,
    );
    expect(imported).toMatchObject({ slug: "inu-imported", status: "draft", versions: [] });
    expect(imported.draft).toEqual(file.definition);
    expect(imported.departmentId).toBe(await departmentId("shimin-ka"));
    expect((await auditsOf(imported.id)).map((a) => a.action)).toEqual(["forms.form.import"]);

    // The file's own slug is used when none is given; here it is taken already.
    expect((await send("POST", "/forms/import", manager, { file })).status).toBe(409);
    const broken = structuredClone(file) as { definition: { pages: { fields: { type: string }[] }[] } };
    broken.definition.pages[0]!.fields[0]!.type = "hologram";
    const refused = await ok<Problem>(
      send("POST", "/forms/import", manager, { file: broken, slug: "broken" }),
      400,
    );
    expect(refused.errors!.map((e) => e.pointer)).toEqual(["/file/definition/pages/0/fields/0/type"]);
    expect((await db().select().from(forms).where(eq(forms.slug, "broken"))).length).toBe(0);
  });
});

describe("forms staff API: who may do what", () => {
  const denialsOf = async (email: string) =>
    db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "access.denied"), eq(auditLog.actorId, await staffId(email))))
      .orderBy(asc(auditLog.id));

  it("keeps a department's forms from members of another department (403, audited)", async () => {
    const form = await ok<FormDetail>(send("POST", "/forms", manager, { slug: "shimin-only" }), 201);
    const doro = await platform.signInStaff("doro@tenohira.localhost");
    expect((await get(`/forms/${form.id}`, doro)).status).toBe(403);
    expect((await send("PUT", `/forms/${form.id}/draft`, doro, { definition: dogForm })).status).toBe(403);
    expect((await get(`/forms/${form.id}/applications`, doro)).status).toBe(403);
    const { forms: listed } = await ok<{ forms: { slug: string }[] }>(get("/forms", doro));
    expect(listed.map((f) => f.slug)).not.toContain("shimin-only");
    // Nor may they create one in that department.
    const elsewhere = await send("POST", "/forms", doro, {
      slug: "not-mine",
      departmentId: await departmentId("shimin-ka"),
    });
    expect(elsewhere.status).toBe(403);

    const denied = await denialsOf("doro@tenohira.localhost");
    expect(denied.map((d) => [d.resourceType, d.resourceId, (d.after as { verb: string }).verb])).toEqual([
      ["forms_form", form.id, "forms.form.read"],
      ["forms_form", form.id, "forms.form.manage"],
      ["forms_form", form.id, "forms.application.read"],
      ["forms_form", null, "forms.form.manage"],
    ]);
    const [stored] = await db().select().from(forms).where(eq(forms.id, form.id));
    expect(stored!.draft.title.ja).toBe("新しい申請フォーム");

    const admin = await platform.signInStaff("admin@tenohira.localhost");
    expect((await get(`/forms/${form.id}`, admin)).status).toBe(200);
  });

  it("lets a 係 member edit but not publish (403 for the role, audited by verb)", async () => {
    const staff = await platform.signInStaff("staff@tenohira.localhost");
    const form = await ok<FormDetail>(send("POST", "/forms", staff, { slug: "madoguchi-form" }), 201);
    expect(form.departmentId).toBe(await departmentId("madoguchi-kakari"));
    await ok(send("PUT", `/forms/${form.id}/draft`, staff, { definition: dogForm }));
    expect((await send("POST", `/forms/${form.id}/publish`, staff)).status).toBe(403);
    expect((await send("POST", `/forms/${form.id}/unpublish`, staff)).status).toBe(403);
    expect((await denialsOf("staff@tenohira.localhost")).map((d) => d.resourceId)).toEqual([
      "forms.form.publish",
      "forms.form.publish",
    ]);
    expect((await db().select().from(formVersions).where(eq(formVersions.formId, form.id))).length).toBe(0);
    // Their manager, a department above, publishes it.
    expect((await ok<FormDetail>(send("POST", `/forms/${form.id}/publish`, manager))).currentVersion).toBe(1);
  });

  it("answers 404 to another city's staff, whatever their role", async () => {
    const form = await ok<FormDetail>(send("POST", "/forms", manager, { slug: "tenohira-only" }), 201);
    const outsider = await platform.signInStaff("admin@other.localhost", { host: "other.localhost" });
    const onOther = (method: string, path: string, body?: unknown) =>
      platform.request(`http://other.localhost${api(path)}`, {
        method,
        headers: { ...outsider, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    expect((await onOther("GET", `/forms/${form.id}`)).status).toBe(404);
    expect((await onOther("PUT", `/forms/${form.id}/draft`, { definition: dogForm })).status).toBe(404);
    expect((await onOther("POST", `/forms/${form.id}/publish`)).status).toBe(404);
    expect((await onOther("GET", `/forms/${form.id}/export`)).status).toBe(404);
    const listed = (await (await onOther("GET", "/forms")).json()) as { forms: unknown[] };
    expect(listed.forms).toEqual([]);
    // Slugs are per city: the other city may use the same one.
    expect((await onOther("POST", "/forms", { slug: "tenohira-only" })).status).toBe(201);
  });
});

describe("forms staff API: applications", () => {
  it("lists and reads submitted applications, auditing every read", async () => {
    const form = await ok<FormDetail>(send("POST", "/forms", manager, { slug: "inu-applications" }), 201);
    await ok(send("PUT", `/forms/${form.id}/draft`, manager, { definition: dogForm }));
    await ok(send("POST", `/forms/${form.id}/publish`, manager));
    const [version] = await db().select().from(formVersions).where(eq(formVersions.formId, form.id));
    const tenantId = version!.tenantId;

    const [submitted] = await db()
      .insert(applications)
      .values({
        tenantId,
        formId: form.id,
        formVersionId: version!.id,
        answers: {
          owner_name: { name: "手乃 平", kana: "テノ タイラ" },
          phone: "0994000000",
          dogs: [{ dog_name: "ポチ", breed: "柴犬" }],
        },
        provenance: {
          owner_name: { source: "prefilled", prefilledFrom: "card", changed: false },
          phone: { source: "typed" },
        },
        locale: "ja",
        channel: "web",
        referenceNumber: "R7K-4WXP-9M3T",
        submittedAt: new Date(),
      })
      .returning();
    // A resident's unfinished draft is theirs alone: staff neither list nor read it.
    const [unfinished] = await db()
      .insert(applications)
      .values({
        tenantId,
        formId: form.id,
        formVersionId: version!.id,
        guestKeyHash: "not-a-real-hash",
        locale: "en",
      })
      .returning();
    const bytes = new TextEncoder().encode("%PDF-1.4 certificate of rabies vaccination");
    await platform.services.storage.put(`test/${submitted!.id}/rabies.pdf`, bytes, "application/pdf");
    const [file] = await db()
      .insert(storedFiles)
      .values({
        tenantId,
        storageKey: `test/${submitted!.id}/rabies.pdf`,
        fileName: "狂犬病予防注射済証.pdf",
        contentType: "application/pdf",
        sizeBytes: bytes.length,
        sha256: "0".repeat(64),
      })
      .returning();
    const [attachment] = await db()
      .insert(attachments)
      .values({
        tenantId,
        applicationId: submitted!.id,
        fieldKey: "rabies",
        fileId: file!.id,
        scanResult: "not_scanned",
      })
      .returning();

    const viewer = await platform.signInStaff("viewer@tenohira.localhost");
    const listed = await ok<{ applications: Record<string, unknown>[] }>(
      get(`/forms/${form.id}/applications`, viewer),
    );
    expect(listed.applications).toEqual([
      {
        id: submitted!.id,
        referenceNumber: "R7K-4WXP-9M3T",
        submittedAt: submitted!.submittedAt!.toISOString(),
        versionNumber: 1,
        residentId: null,
        channel: "web",
        locale: "ja",
        feeAmount: null,
        paymentStatus: "not_required",
      },
    ]);
    expect((await ok<FormDetail>(get(`/forms/${form.id}`, viewer))).applicationCount).toBe(1);

    const read = await ok<{
      referenceNumber: string;
      formTitle: { ja: string };
      versionNumber: number;
      rows: { key: string; label: string; value: string; provenance: unknown }[];
      attachments: unknown[];
    }>(platform.request(`/staff/api/forms/applications/${submitted!.id}`, { headers: viewer }));
    expect(read).toMatchObject({
      referenceNumber: "R7K-4WXP-9M3T",
      formTitle: { ja: "犬の登録申請" },
      versionNumber: 1,
    });
    expect(read.rows).toEqual([
      {
        key: "owner_name",
        label: "飼い主の氏名",
        value: "手乃 平（テノ タイラ）",
        provenance: { source: "prefilled", prefilledFrom: "card", changed: false },
      },
      { key: "phone", label: "電話番号", value: "0994000000", provenance: { source: "typed" } },
      { key: "dogs.0.dog_name", label: "犬 1: 犬の名前", value: "ポチ", provenance: null },
      { key: "dogs.0.breed", label: "犬 1: 犬種", value: "柴犬", provenance: null },
    ]);
    expect(read.attachments).toEqual([
      {
        id: attachment!.id,
        fieldKey: "rabies",
        name: "狂犬病予防注射済証.pdf",
        size: bytes.length,
        contentType: "application/pdf",
      },
    ]);

    const download = await platform.request(
      `/staff/api/forms/applications/${submitted!.id}/attachments/${attachment!.id}`,
      { headers: viewer },
    );
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/pdf");
    expect(download.headers.get("content-disposition")).toContain("attachment");
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes);

    // No receipt yet: 404; once generated, the stored PDF.
    const receiptPath = `/staff/api/forms/applications/${submitted!.id}/receipt`;
    expect((await platform.request(receiptPath, { headers: viewer })).status).toBe(404);
    await db()
      .update(applications)
      .set({ receiptFileId: file!.id })
      .where(eq(applications.id, submitted!.id));
    const receipt = await platform.request(receiptPath, { headers: viewer });
    expect(receipt.status).toBe(200);
    expect(new Uint8Array(await receipt.arrayBuffer())).toEqual(bytes);

    expect(
      (await platform.request(`/staff/api/forms/applications/${unfinished!.id}`, { headers: viewer })).status,
    ).toBe(404);

    const viewerId = await staffId("viewer@tenohira.localhost");
    const reads = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actorId, viewerId), eq(auditLog.actorType, "staff")))
      .orderBy(asc(auditLog.id));
    expect(reads.filter((r) => r.action.startsWith("forms.")).map((r) => [r.action, r.resourceId])).toEqual([
      ["forms.application.list", form.id],
      ["forms.application.read", submitted!.id],
      ["forms.application.attachment_read", submitted!.id],
      ["forms.application.receipt_read", submitted!.id],
    ]);

    // Another department's member is refused the application itself, and the refusal is audited.
    const doro = await platform.signInStaff("doro@tenohira.localhost");
    expect(
      (await platform.request(`/staff/api/forms/applications/${submitted!.id}`, { headers: doro })).status,
    ).toBe(403);
    const denied = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "access.denied"), eq(auditLog.resourceId, submitted!.id)));
    expect(denied.map((d) => d.resourceType)).toEqual(["forms_application"]);
  });

  it("requires a staff session", async () => {
    expect((await platform.request(api("/forms"))).status).toBe(401);
    const resident = await platform.signInResident("resident@example.jp");
    expect((await platform.request(api("/forms"), { headers: { cookie: resident.cookie } })).status).toBe(
      401,
    );
  });
});
