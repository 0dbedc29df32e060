import { describe, expect, it } from "vitest";
import { diffDefinitions } from "./diff-definitions.ts";
import { FormDefinition, type FormDefinitionInput } from "./form-definition.ts";

const base: FormDefinitionInput = {
  schema_version: 1,
  title: { ja: "放課後児童クラブ入所申込", en: "After-school club application" },
  pages: [
    {
      key: "applicant",
      title: { ja: "申請者" },
      fields: [
        { key: "name", type: "name", label: { ja: "氏名" }, required: true },
        { key: "phone", type: "phone", label: { ja: "電話番号" } },
        { key: "email", type: "email", label: { ja: "メールアドレス" } },
      ],
    },
    {
      key: "children",
      title: { ja: "お子さん" },
      fields: [
        {
          key: "child",
          type: "group",
          label: { ja: "お子さん" },
          itemLabel: { ja: "お子さん" },
          fields: [
            { key: "child_name", type: "name", label: { ja: "氏名" } },
            { key: "grade", type: "number", label: { ja: "学年" } },
            { key: "nickname", type: "text", label: { ja: "通称" } },
          ],
        },
      ],
    },
  ],
};

const parse = (input: FormDefinitionInput) => FormDefinition.parse(input);
const edit = (change: (draft: FormDefinitionInput) => void) => {
  const copy = structuredClone(base);
  change(copy);
  return parse(copy);
};

describe("diffDefinitions", () => {
  it("finds nothing between equal definitions", () => {
    expect(diffDefinitions(parse(base), parse(structuredClone(base)))).toEqual([]);
  });

  it("reports a form setting and a field property by key, with Japanese labels", () => {
    const after = edit((d) => {
      d.title = { ja: "放課後児童クラブ入所申込（令和8年度）" };
      d.fee = { amount: 300, label: { ja: "手数料" } };
      d.pages[0]!.fields[0] = { key: "name", type: "name", label: { ja: "申請者の氏名" }, required: true };
    });
    expect(diffDefinitions(parse(base), after)).toEqual([
      {
        path: "title",
        kind: "changed",
        label: "フォームの題名を変更",
        before: { ja: "放課後児童クラブ入所申込", en: "After-school club application" },
        after: { ja: "放課後児童クラブ入所申込（令和8年度）" },
      },
      {
        path: "fee",
        kind: "added",
        label: "フォームの手数料を追加",
        after: { amount: 300, label: { ja: "手数料" }, timing: "on_submission" },
      },
      {
        path: "pages.applicant.fields.name.label",
        kind: "changed",
        label: "項目「申請者の氏名」の表示名を変更",
        before: { ja: "氏名" },
        after: { ja: "申請者の氏名" },
      },
    ]);
  });

  it("reports a reordered field as a change of position, not a removal and an addition", () => {
    const after = edit((d) => {
      const [name, phone, email] = d.pages[0]!.fields;
      d.pages[0]!.fields = [name!, email!, phone!];
    });
    const changes = diffDefinitions(parse(base), after);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ kind: "changed", label: "項目「電話番号」の順番を変更" });
    expect(changes[0]!.path).toMatch(/^pages\.applicant\.fields\.(phone|email)\.position$/);
  });

  it("does not report the fields after an inserted one as moved", () => {
    const after = edit((d) => {
      d.pages[0]!.fields.splice(1, 0, { key: "kana", type: "text", label: { ja: "ふりがな" } });
    });
    expect(diffDefinitions(parse(base), after).map((c) => [c.path, c.kind])).toEqual([
      ["pages.applicant.fields.kana", "added"],
    ]);
  });

  it("reports added and removed pages and fields, and a field moved to another page", () => {
    const after = edit((d) => {
      const email = d.pages[0]!.fields.pop()!;
      d.pages[0]!.fields.shift();
      d.pages.push({ key: "contact", title: { ja: "連絡先" }, fields: [email] });
    });
    expect(diffDefinitions(parse(base), after).map((c) => [c.path, c.kind, c.label])).toEqual([
      ["pages.contact", "added", "ページ「連絡先」を追加"],
      [
        "pages.contact.fields.email.page",
        "changed",
        "項目「メールアドレス」を「申請者」から「連絡先」へ移動",
      ],
      ["pages.applicant.fields.name", "removed", "項目「氏名」を削除"],
    ]);
    const removedPage = edit((d) => {
      d.pages.pop();
    });
    expect(diffDefinitions(parse(base), removedPage).map((c) => [c.path, c.kind])).toEqual([
      ["pages.children.fields.child", "removed"],
      ["pages.children", "removed"],
    ]);
  });

  it("looks inside repeating groups by member key", () => {
    const after = edit((d) => {
      const group = d.pages[1]!.fields[0]!;
      if (group.type !== "group") {
        throw new Error("fixture");
      }
      // 学年 moves from second to last, past the new 学校名 and the unchanged 通称.
      group.fields = [
        { key: "child_name", type: "name", label: { ja: "氏名" } },
        { key: "nickname", type: "text", label: { ja: "通称" } },
        { key: "grade", type: "number", label: { ja: "学年" }, min: 1, max: 6 },
      ];
    });
    expect(diffDefinitions(parse(base), after).map((c) => [c.path, c.kind, c.label])).toEqual([
      [
        "pages.children.fields.child.fields.grade.position",
        "changed",
        "項目「お子さん」の「学年」の順番を変更",
      ],
      ["pages.children.fields.child.fields.grade.min", "added", "項目「お子さん」の「学年」の最小値を追加"],
      ["pages.children.fields.child.fields.grade.max", "added", "項目「お子さん」の「学年」の最大値を追加"],
    ]);
  });

  it("reports a page moved and a page heading renamed", () => {
    const after = edit((d) => {
      d.pages.reverse();
      d.pages[0]!.title = { ja: "お子さんについて" };
    });
    const changes = diffDefinitions(parse(base), after);
    expect(changes.filter((c) => c.path.endsWith(".title")).map((c) => [c.path, c.label])).toEqual([
      ["pages.children.title", "ページ「お子さんについて」の見出しを変更"],
    ]);
    // Two pages swapped: either one may be the one said to have moved, but only one of them.
    const moved = changes.filter((c) => c.path.endsWith(".position"));
    expect(moved).toHaveLength(1);
    expect(changes).toHaveLength(2);
  });
});
