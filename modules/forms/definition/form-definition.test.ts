import { describe, expect, it } from "vitest";
import {
  FORM_SCHEMA_VERSION,
  FormDefinition,
  type FormDefinitionInput,
  fieldsOf,
  formDefinitionJsonSchema,
} from "./form-definition.ts";

const valid: FormDefinitionInput = {
  schema_version: 1,
  title: { ja: "粗大ごみ収集申込", en: "Oversized garbage collection" },
  pages: [
    {
      key: "where",
      title: { ja: "収集場所" },
      fields: [
        { key: "postal_code", type: "postal_code", label: { ja: "郵便番号" }, fillsAddress: "address" },
        { key: "address", type: "address", label: { ja: "住所" }, required: true },
        {
          key: "place",
          type: "choice",
          label: { ja: "出す場所" },
          options: [
            { value: "entrance", label: { ja: "玄関前" } },
            { value: "other", label: { ja: "その他" } },
          ],
        },
      ],
      next: [{ if: { "==": [{ var: "place" }, "entrance"] }, goTo: "check" }],
    },
    {
      key: "detail",
      title: { ja: "詳しい場所" },
      fields: [{ key: "place_detail", type: "text", label: { ja: "説明" } }],
    },
  ],
};

/** A copy of the valid form with one change, and the messages parsing it gives. */
function problemsAfter(change: (draft: FormDefinitionInput) => void): string[] {
  const draft = structuredClone(valid);
  change(draft);
  const result = FormDefinition.safeParse(draft);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

describe("FormDefinition", () => {
  it("parses a valid form and fills in the defaults", () => {
    const form = FormDefinition.parse(valid);
    expect(form.assuranceLevel).toBe("email");
    const detail = form.pages[1]!.fields[0]!;
    expect(detail).toMatchObject({ type: "text", required: false, maxLength: 200 });
    const place = form.pages[0]!.fields[2]!;
    expect(place).toMatchObject({ type: "choice", display: "radio" });
    expect(fieldsOf(form).map(({ field, page }) => `${page.key}/${field.key}`)).toEqual([
      "where/postal_code",
      "where/address",
      "where/place",
      "detail/place_detail",
    ]);
  });

  it("refuses a field key used twice, even on another page", () => {
    expect(
      problemsAfter((d) => {
        d.pages[1]!.fields.push({ key: "address", type: "text", label: { ja: "住所(再)" } });
      }),
    ).toEqual(["Field key address is used twice"]);
  });

  it("refuses a member key used twice within a group, and minItems above maxItems", () => {
    expect(
      problemsAfter((d) => {
        d.pages[1]!.fields.push({
          key: "items",
          type: "group",
          label: { ja: "品目" },
          itemLabel: { ja: "品目" },
          minItems: 3,
          maxItems: 2,
          fields: [
            { key: "count", type: "number", label: { ja: "数" } },
            { key: "count", type: "text", label: { ja: "数(文字)" } },
          ],
        });
      }),
    ).toEqual(["Field key count is used twice in group items", "minItems is above maxItems"]);
  });

  it("allows the same member key in different groups and as a top-level key", () => {
    expect(
      problemsAfter((d) => {
        d.pages[1]!.fields.push(
          {
            key: "a",
            type: "group",
            label: { ja: "A" },
            itemLabel: { ja: "A" },
            fields: [{ key: "address", type: "text", label: { ja: "x" } }],
          },
          {
            key: "b",
            type: "group",
            label: { ja: "B" },
            itemLabel: { ja: "B" },
            fields: [{ key: "address", type: "text", label: { ja: "x" } }],
          },
        );
      }),
    ).toEqual([]);
  });

  it("refuses duplicate page keys and the reserved page key check", () => {
    expect(problemsAfter((d) => Object.assign(d.pages[1]!, { key: "where" }))).toContain(
      "Page keys must be unique",
    );
    expect(problemsAfter((d) => Object.assign(d.pages[1]!, { key: "check" }))).toContain(
      "Page key check is reserved",
    );
  });

  it("refuses a skip to the same page, an earlier page or a page that does not exist", () => {
    const skipTo = (goTo: string) =>
      problemsAfter((d) => {
        d.pages[1]!.next = [{ if: true, goTo }];
      });
    expect(skipTo("where")).toEqual(["Skip target where must be a later page"]);
    expect(skipTo("detail")).toEqual(["Skip target detail must be a later page"]);
    expect(skipTo("nowhere")).toEqual(["Skip target nowhere must be a later page"]);
    expect(skipTo("check")).toEqual([]);
    expect(
      problemsAfter((d) => {
        d.pages[0]!.next = [{ if: true, goTo: "detail" }];
      }),
    ).toEqual([]);
  });

  it("requires fillsAddress to name an address field on the same page", () => {
    const fillsAddress = (target: string) =>
      problemsAfter((d) => {
        const postal = d.pages[0]!.fields[0]!;
        if (postal.type === "postal_code") {
          postal.fillsAddress = target;
        }
      });
    const message = "fillsAddress must name an address field on the same page";
    expect(fillsAddress("place")).toEqual([message]);
    expect(fillsAddress("nothing")).toEqual([message]);
    expect(fillsAddress("place_detail")).toEqual([message]);
    expect(
      problemsAfter((d) => {
        d.pages[1]!.fields.push({ key: "other_address", type: "address", label: { ja: "別の住所" } });
        const postal = d.pages[0]!.fields[0]!;
        if (postal.type === "postal_code") {
          postal.fillsAddress = "other_address";
        }
      }),
    ).toEqual([message]);
  });

  it("requires closesAt after opensAt", () => {
    expect(
      problemsAfter((d) => {
        d.opensAt = "2026-04-01T00:00:00+09:00";
        d.closesAt = "2026-03-31T23:59:59+09:00";
      }),
    ).toEqual(["closesAt must be after opensAt"]);
    expect(
      problemsAfter((d) => {
        d.opensAt = "2026-04-01T00:00:00+09:00";
        d.closesAt = "2026-04-30T17:00:00+09:00";
      }),
    ).toEqual([]);
  });

  it("refuses unknown properties, bad keys, unknown types and unsafe expressions", () => {
    const refuses = (change: (draft: Record<string, unknown>) => void) => {
      const draft = structuredClone(valid) as unknown as Record<string, unknown>;
      change(draft);
      return FormDefinition.safeParse(draft).success === false;
    };
    const firstField = (d: Record<string, unknown>) =>
      (d.pages as { fields: Record<string, unknown>[] }[])[0]!.fields[0] as Record<string, unknown>;
    expect(refuses((d) => Object.assign(d, { script: "alert(1)" }))).toBe(true);
    expect(refuses((d) => Object.assign(d, { schema_version: 2 }))).toBe(true);
    expect(refuses((d) => Object.assign(firstField(d), { key: "Postal-Code" }))).toBe(true);
    expect(refuses((d) => Object.assign(firstField(d), { key: "_private" }))).toBe(true);
    expect(refuses((d) => Object.assign(firstField(d), { type: "html" }))).toBe(true);
    expect(refuses((d) => Object.assign(firstField(d), { onclick: "x" }))).toBe(true);
    expect(refuses((d) => Object.assign(firstField(d), { showIf: { method: ["constructor"] } }))).toBe(true);
    expect(refuses((d) => Object.assign(d, { title: { ja: "" } }))).toBe(true);
    expect(refuses((d) => Object.assign(d, { pages: [] }))).toBe(true);
  });
});

describe("formDefinitionJsonSchema", () => {
  const schema = formDefinitionJsonSchema();

  it("is plain JSON with its $id, title and draft", () => {
    const roundTripped = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
    expect(roundTripped).toEqual(schema);
    expect(schema.$id).toBe(`https://tenohira.jp/schemas/form-definition/v${FORM_SCHEMA_VERSION}.json`);
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.title).toBe("tenohira form definition");
    expect(schema.type).toBe("object");
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(["schema_version", "title", "pages"]));
  });

  it("describes what authors may leave out and every field type", () => {
    const properties = schema.properties as Record<string, { default?: unknown }>;
    expect(properties.assuranceLevel?.default).toBe("email");
    const text = JSON.stringify(schema);
    for (const type of [
      "text",
      "postal_code",
      "name",
      "multi_choice",
      "file",
      "signature",
      "group",
      "computed",
    ]) {
      expect(text).toContain(`"const":"${type}"`);
    }
  });

  it("resolves every $ref inside itself (expressions are recursive)", () => {
    const defs = (schema.$defs ?? {}) as Record<string, unknown>;
    const refs = [...JSON.stringify(schema).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      if (ref === "#") {
        continue;
      }
      expect(ref).toMatch(/^#\/\$defs\//);
      expect(defs[ref.slice("#/$defs/".length)], ref).toBeDefined();
    }
  });
});
