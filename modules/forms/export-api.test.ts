import { and, eq } from "drizzle-orm";
import { strFromU8, unzipSync } from "fflate";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../core/audit/schema.ts";
import { departments } from "../../core/identity/schema.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import { addCityAdmin } from "../../core/testing/second-city.ts";
import { createTestPlatform, type TestPlatform } from "../../core/testing/test-platform.ts";
import type { Answers } from "./definition/answers.ts";
import { contentHash } from "./definition/content-hash.ts";
import { FormDefinition, type FormDefinitionInput } from "./definition/form-definition.ts";
import { applications, forms, formVersions } from "./schema.ts";
import { insertPublishedForm } from "./testing.ts";

let platform: TestPlatform;
let manager: Record<string, string>;
let tenantId: string;
let formId: string;
const db = () => platform.services.database.db;

const versionOne: FormDefinitionInput = {
  schema_version: 1,
  title: { ja: "犬の登録申請", en: "Dog registration" },
  pages: [
    {
      key: "owner",
      title: { ja: "飼い主" },
      fields: [
        { key: "intro", type: "info", text: { ja: "飼い主について" } },
        { key: "owner_name", type: "name", label: { ja: "飼い主の氏名", en: "Owner's name" } },
        { key: "phone", type: "phone", label: { ja: "電話番号" } },
        {
          key: "housing",
          type: "choice",
          label: { ja: "住まい" },
          options: [
            { value: "house", label: { ja: "一戸建て" } },
            { value: "flat", label: { ja: "集合住宅" } },
          ],
        },
      ],
    },
    {
      key: "dogs_page",
      title: { ja: "犬" },
      fields: [
        {
          key: "dogs",
          type: "group",
          label: { ja: "犬", en: "Dogs" },
          itemLabel: { ja: "犬" },
          maxItems: 2,
          fields: [
            { key: "dog_name", type: "text", label: { ja: "犬の名前" } },
            { key: "born", type: "date", label: { ja: "生年月日" } },
          ],
        },
        { key: "copies", type: "number", label: { ja: "鑑札の枚数" }, unit: { ja: "枚" } },
      ],
    },
  ],
};
/** Version 2 asks one more question: new columns, so a new file. */
const versionTwo: FormDefinitionInput = {
  ...versionOne,
  pages: [
    ...versionOne.pages,
    {
      key: "more",
      title: { ja: "その他" },
      fields: [{ key: "note", type: "textarea", label: { ja: "備考" } }],
    },
  ],
};
/** Version 3 only changes the description: the same columns, so it shares version 2's file. */
const versionThree: FormDefinitionInput = { ...versionTwo, description: { ja: "説明を直しました" } };

async function publishVersion(number: number, definition: FormDefinitionInput): Promise<string> {
  const parsed = FormDefinition.parse(definition);
  const [version] = await db()
    .insert(formVersions)
    .values({
      tenantId,
      formId,
      number,
      schemaVersion: 1,
      definition: parsed,
      contentHash: contentHash(parsed),
      appRelease: "test",
    })
    .returning();
  await db().update(forms).set({ currentVersionId: version!.id, draft: parsed }).where(eq(forms.id, formId));
  return version!.id;
}

type Submitted = {
  reference: string;
  versionId: string;
  at: string;
  answers: Answers;
} & Partial<{
  channel: "web" | "line" | "counter";
  fee: number;
  paymentStatus: "not_required" | "unpaid" | "paid";
}>;
async function submitted(rows: Submitted[]) {
  await db()
    .insert(applications)
    .values(
      rows.map((row) => ({
        tenantId,
        formId,
        formVersionId: row.versionId,
        answers: row.answers,
        provenance: {
          owner_name: { source: "prefilled" as const, prefilledFrom: "card" as const, changed: false },
        },
        locale: "ja" as const,
        channel: row.channel ?? "web",
        referenceNumber: row.reference,
        submittedAt: new Date(row.at),
        feeAmount: row.fee ?? null,
        paymentStatus: row.paymentStatus ?? "not_required",
      })),
    );
}

beforeAll(async () => {
  platform = await createTestPlatform();
  const [other] = await db()
    .insert(tenants)
    .values({
      municipalityCode: "990027",
      slug: "other-city",
      nameJa: "よその市",
      nameEn: "Other City",
      hosts: ["other.localhost"],
    })
    .returning();
  await addCityAdmin(db(), other!.id);
  tenantId = (await db().select().from(tenants).where(eq(tenants.slug, "tenohira")))[0]!.id;
  const { form, version } = await insertPublishedForm(db(), {
    tenantId,
    slug: "inu-toroku",
    definition: versionOne,
  });
  formId = form.id;
  const [shimin] = await db().select().from(departments).where(eq(departments.code, "shimin-ka"));
  await db().update(forms).set({ departmentId: shimin!.id }).where(eq(forms.id, formId));
  const v2 = await publishVersion(2, versionTwo);
  const v3 = await publishVersion(3, versionThree);
  await submitted([
    {
      reference: "A3C4-D6E7",
      versionId: version.id,
      at: "2026-04-30T15:30:00Z",
      answers: {
        owner_name: { name: "髙橋 﨑子", kana: "タカハシ サキコ" },
        phone: "=1+1",
        housing: "flat",
        dogs: [
          { dog_name: "ポチ①", born: "2024-05-01" },
          { dog_name: 'ハナ, "二代目"', born: "2025-01-10" },
        ],
        copies: 2,
      },
      channel: "counter",
      fee: 600,
      paymentStatus: "paid",
    },
    {
      reference: "F7G9-H3J4",
      versionId: version.id,
      at: "2026-05-01T00:00:00Z",
      answers: { owner_name: { name: "山田 太郎" }, housing: "house", dogs: [{ dog_name: "ｺﾀﾛｳ" }] },
    },
    {
      reference: "K6M7-N9P3",
      versionId: v2,
      at: "2026-05-02T01:00:00Z",
      answers: { owner_name: { name: "吉田 𠮷子" }, note: "9時〜17時に連絡ください 😀" },
      fee: 300,
      paymentStatus: "unpaid",
    },
    {
      reference: "Q4R6-T7W9",
      versionId: v3,
      at: "2026-05-03T02:00:00Z",
      answers: { owner_name: { name: "佐藤 花子" }, note: "なし" },
      channel: "line",
    },
  ]);
  manager = await platform.signInStaff("manager@tenohira.localhost");
});
afterAll(() => platform.close());

const api = (path: string) => `/staff/api/forms/forms/${formId}${path}`;
const get = (path: string, headers: Record<string, string> = manager) =>
  platform.request(api(path), { headers });
async function ok<T>(response: Response | Promise<Response>, status = 200): Promise<T> {
  const answered = await response;
  const text = await answered.text();
  expect(answered.status, text).toBe(status);
  return JSON.parse(text) as T;
}
const exportAudits = () =>
  db()
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, "forms.application.export"), eq(auditLog.resourceId, formId)));

type ExportFile = {
  fileKey: string;
  versions: number[];
  columns: { key: string; header: string }[];
  applicationCount: number;
};

/** RFC 4180 rows (the encoder's own tests check the quoting in detail). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else {
      field += c;
    }
  }
  return rows;
}

describe("forms exports", () => {
  it("lists one file per set of columns: versions 2 and 3 share one, version 1 has its own", async () => {
    const { files } = await ok<{ files: ExportFile[] }>(get("/exports"));
    expect(
      files.map(({ fileKey, versions, applicationCount }) => ({ fileKey, versions, applicationCount })),
    ).toEqual([
      { fileKey: "v1", versions: [1], applicationCount: 2 },
      { fileKey: "v2", versions: [2, 3], applicationCount: 2 },
    ]);
    expect(files[0]!.columns.map((c) => c.header)).toEqual([
      "受付番号",
      "申請日時",
      "様式の版",
      "受付方法",
      "手数料（円）",
      "支払状況",
      "飼い主の氏名 (owner_name)",
      "飼い主の氏名（フリガナ） (owner_name.kana)",
      "電話番号 (phone)",
      "住まい (housing)",
      "犬[1] 犬の名前 (dogs[1].dog_name)",
      "犬[1] 生年月日 (dogs[1].born)",
      "犬[2] 犬の名前 (dogs[2].dog_name)",
      "犬[2] 生年月日 (dogs[2].born)",
      "鑑札の枚数 (copies)",
    ]);
    expect(files[1]!.columns.at(-1)).toEqual({ key: "note", header: "備考 (note)" });
  });

  it("downloads a version's applications as UTF-8 CSV with a BOM, named after the form (audited)", async () => {
    const response = await get("/exports/v1?format=csv");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const disposition = response.headers.get("content-disposition")!;
    expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
    expect(decodeURIComponent(disposition.split("''")[1]!)).toMatch(/^犬の登録申請_v1_\d{8}\.csv$/);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(new TextDecoder().decode(bytes.subarray(3)));
    expect(rows).toHaveLength(3);
    expect(rows[1]).toEqual([
      "A3C4-D6E7",
      "2026-05-01 00:30:00",
      "1",
      "窓口",
      "600",
      "支払済み",
      "髙橋 﨑子",
      "タカハシ サキコ",
      "'=1+1",
      "集合住宅",
      "ポチ①",
      "2024-05-01",
      'ハナ, "二代目"',
      "2025-01-10",
      "2",
    ]);
    expect(rows[2]).toEqual([
      "F7G9-H3J4",
      "2026-05-01 09:00:00",
      "1",
      "ウェブ",
      "",
      "不要",
      "山田 太郎",
      "",
      "",
      "一戸建て",
      "ｺﾀﾛｳ",
      "",
      "",
      "",
      "",
    ]);
    const [audit] = await exportAudits();
    expect(audit).toMatchObject({
      actorType: "staff",
      after: { fileKey: "v1", versions: [1], format: "csv", encoding: "utf-8", count: 2 },
    });
  });

  it("writes CP932 that decodes back to exactly the UTF-8 export", async () => {
    const utf8 = new Uint8Array(await (await get("/exports/v1?format=csv&encoding=utf-8")).arrayBuffer());
    const response = await get("/exports/v1?format=csv&encoding=cp932");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=Shift_JIS");
    const cp932 = Buffer.from(await response.arrayBuffer());
    // Not UTF-8 in disguise: 犬 is 0x8CA2 in Shift_JIS.
    expect(cp932.includes(Buffer.from([0x8c, 0xa2]))).toBe(true);
    expect(iconv.decode(cp932, "cp932")).toBe(new TextDecoder().decode(utf8.subarray(3)));
  });

  it("refuses CP932 when characters would be lost, listing each in Japanese and English (not audited)", async () => {
    const before = (await exportAudits()).length;
    const problem = await ok<{
      status: number;
      title_ja: string;
      errors: { pointer: string; detail: string; detailJa: string }[];
    }>(get("/exports/v2?format=csv&encoding=cp932"), 422);
    expect(problem.title_ja).toBe("CP932（Shift_JIS）で表せない文字があります");
    expect(problem.errors).toEqual([
      {
        pointer: "/rows/1/飼い主の氏名 (owner_name)",
        detail: 'Row 1, column "飼い主の氏名 (owner_name)": "𠮷" (U+20BB7) cannot be written in CP932',
        detailJa: "1行目「飼い主の氏名 (owner_name)」の「𠮷」（U+20BB7）はCP932で表せません",
      },
      {
        pointer: "/rows/1/備考 (note)",
        detail: 'Row 1, column "備考 (note)": "😀" (U+1F600) cannot be written in CP932',
        detailJa: "1行目「備考 (note)」の「😀」（U+1F600）はCP932で表せません",
      },
    ]);
    expect((await exportAudits()).length).toBe(before);
  });

  it("replaces them with 〓 when asked, and says how many", async () => {
    const response = await get("/exports/v2?format=csv&encoding=cp932&onUnrepresentable=replace");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-export-replaced-characters")).toBe("2");
    const rows = parseCsv(iconv.decode(Buffer.from(await response.arrayBuffer()), "cp932"));
    expect(rows[1]![6]).toBe("吉田 〓子");
    // The wave dash a Mac types is CP932's ～, not a loss.
    expect(rows[1]!.at(-1)).toBe("9時～17時に連絡ください 〓");
    expect(rows[2]![2]).toBe("3");
    expect(rows[2]![3]).toBe("LINE");
  });

  it("downloads XLSX and JSON", async () => {
    const xlsx = await get("/exports/v2?format=xlsx");
    expect(xlsx.headers.get("content-type")).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    const sheet = strFromU8(unzipSync(new Uint8Array(await xlsx.arrayBuffer()))["xl/worksheets/sheet1.xml"]!);
    expect(sheet).toContain("吉田 𠮷子");
    expect(sheet).toMatch(/<c r="E2"><v>300<\/v><\/c>/);
    const document = await ok<{ versions: number[]; applications: Record<string, unknown>[] }>(
      get("/exports/v2?format=json"),
    );
    expect(document.versions).toEqual([2, 3]);
    expect(document.applications[1]).toMatchObject({
      referenceNumber: "Q4R6-T7W9",
      version: 3,
      note: "なし",
    });
    const formats = (await exportAudits()).map((a) => (a.after as { format: string }).format);
    expect(formats).toEqual(expect.arrayContaining(["xlsx", "json"]));
  });

  it("needs forms.application.export on the form's department (denials audited); other cities see nothing", async () => {
    for (const email of [
      "staff@tenohira.localhost",
      "viewer@tenohira.localhost",
      "doro@tenohira.localhost",
    ]) {
      const headers = await platform.signInStaff(email);
      expect((await get("/exports", headers)).status, email).toBe(403);
      expect((await get("/exports/v1?format=csv", headers)).status, email).toBe(403);
      expect((await get("/applications.json", headers)).status, email).toBe(403);
    }
    const denials = await db().select().from(auditLog).where(eq(auditLog.action, "access.denied"));
    expect(
      denials.filter((row) => (row.after as { verb: string }).verb === "forms.application.export").length,
    ).toBeGreaterThanOrEqual(9);
    const admin = await platform.signInStaff("admin@tenohira.localhost");
    expect((await get("/exports", admin)).status).toBe(200);
    expect((await get("/exports/v9?format=csv")).status).toBe(404);

    const { cookie } = await platform.signInStaff("admin@other.localhost", { host: "other.localhost" });
    const outsider = { cookie: cookie! };
    for (const path of ["/exports", "/exports/v1?format=csv", "/applications.json"]) {
      expect(
        (await platform.request(`http://other.localhost${api(path)}`, { headers: outsider })).status,
      ).toBe(404);
    }
  });
});

type Feed = {
  applications: {
    referenceNumber: string;
    form: { slug: string; version: number };
    answers: Record<
      string,
      {
        key: string;
        label: { ja: string; en: string | null };
        value: unknown;
        text: string | null;
        provenance: unknown;
        items?: Record<string, { value: unknown }>[];
      }
    >;
  }[];
  nextCursor: string | null;
  hasMore: boolean;
};

describe("JSON API for core systems", () => {
  it("pages through submitted applications in the order they came, by cursor", async () => {
    const first = await ok<Feed>(get("/applications.json?limit=3"));
    expect(first.applications.map((a) => a.referenceNumber)).toEqual(["A3C4-D6E7", "F7G9-H3J4", "K6M7-N9P3"]);
    expect(first.hasMore).toBe(true);
    const second = await ok<Feed>(get(`/applications.json?limit=3&cursor=${first.nextCursor}`));
    expect(second.applications.map((a) => a.referenceNumber)).toEqual(["Q4R6-T7W9"]);
    expect(second.hasMore).toBe(false);
    // Nothing new yet: the same cursor comes back to ask with later.
    const third = await ok<Feed>(get(`/applications.json?cursor=${second.nextCursor}`));
    expect(third).toEqual({ applications: [], nextCursor: second.nextCursor, hasMore: false });
    const since = await ok<Feed>(
      get(`/applications.json?since=${encodeURIComponent("2026-05-02T10:00:00+09:00")}`),
    );
    expect(since.applications.map((a) => a.referenceNumber)).toEqual(["K6M7-N9P3", "Q4R6-T7W9"]);
  });

  it("gives each answer by its key with both labels, the stored value, the text and where it came from", async () => {
    const {
      applications: [first],
    } = await ok<Feed>(get("/applications.json?limit=1"));
    expect(first!.form).toMatchObject({ slug: "inu-toroku", version: 1 });
    expect(first!.answers["owner_name"]).toEqual({
      key: "owner_name",
      type: "name",
      label: { ja: "飼い主の氏名", en: "Owner's name" },
      value: { name: "髙橋 﨑子", kana: "タカハシ サキコ" },
      text: "髙橋 﨑子（タカハシ サキコ）",
      provenance: { source: "prefilled", prefilledFrom: "card", changed: false },
    });
    expect(first!.answers["housing"]).toMatchObject({ value: "flat", text: "集合住宅" });
    expect(first!.answers["dogs"]!.items![1]!["dog_name"]!.value).toBe('ハナ, "二代目"');
    expect(first!.answers["copies"]).toMatchObject({ value: 2, text: "2枚" });
    expect(Object.keys(first!.answers)).not.toContain("intro");
  });

  it("refuses a cursor it did not give out, and audits only answers that held applications", async () => {
    const problem = await ok<{ errors: { pointer: string }[] }>(get("/applications.json?cursor=bm9wZQ"), 400);
    expect(problem.errors[0]!.pointer).toBe("/cursor");
    const feeds = (await exportAudits()).filter((a) => (a.after as { format: string }).format === "json-api");
    expect(feeds.map((a) => (a.after as { count: number }).count)).toEqual([3, 1, 2, 1]);
  });
});
