// Version history of one form, and the field-level differences between two versions or a version and
// the draft (GET /diff).
import { bilingual, both, button, formatDate, formsApi, h, problemText, table } from "./forms-dom.ts";
import { fieldTypes } from "./forms-field-types.ts";
import { type FormsView, formTabs } from "./forms-nav.ts";
import type { DiffChange, FieldType, FormDefinition, FormDetail } from "./forms-types.ts";

const kindNames: Record<DiffChange["kind"], [string, string]> = {
  added: ["追加", "Added"],
  removed: ["削除", "Removed"],
  changed: ["変更", "Changed"],
};

function textOf(value: unknown): string | null {
  return value !== null && typeof value === "object" && "ja" in value && typeof value.ja === "string"
    ? value.ja
    : null;
}

/**
 * A value of the diff as short readable text: texts as they are, a whole field or page by its name and
 * kind (「緊急連絡先」電話番号・必須), anything else as compact JSON.
 */
function shown(value: unknown): HTMLElement | string {
  if (value === undefined) {
    return "—";
  }
  if (typeof value === "string") {
    return value;
  }
  if (value === null || typeof value !== "object") {
    return h("code", { class: "details" }, JSON.stringify(value));
  }
  const text = textOf(value);
  if (text !== null) {
    const en = "en" in value && typeof value.en === "string" ? value.en : undefined;
    return bilingual(text, en);
  }
  if ("type" in value && typeof value.type === "string" && value.type in fieldTypes) {
    const type = fieldTypes[value.type as FieldType];
    const name = textOf("label" in value ? value.label : "text" in value ? value.text : null) ?? "";
    const required = "required" in value && value.required === true;
    return h(
      "span",
      {},
      `「${name}」`,
      h(
        "span",
        { class: "sub" },
        `${type.ja}${required ? "・必須" : ""} (${type.en}${required ? ", required" : ""})`,
      ),
    );
  }
  if ("fields" in value && "title" in value) {
    return `ページ「${textOf(value.title) ?? ""}」`;
  }
  return h("code", { class: "details" }, JSON.stringify(value));
}

async function staffNames(): Promise<Map<string, string>> {
  try {
    const response = await fetch("/staff/api/staff", { headers: { accept: "application/json" } });
    if (!response.ok) {
      return new Map();
    }
    const body = (await response.json()) as { staff: { id: string; displayName: string }[] };
    return new Map(body.staff.map((s) => [s.id, s.displayName]));
  } catch {
    return new Map();
  }
}

function outline(definition: FormDefinition): HTMLElement {
  return h(
    "ol",
    { class: "outline" },
    ...definition.pages.map((page) =>
      h(
        "li",
        {},
        h("strong", {}, page.title.ja),
        h(
          "ul",
          {},
          ...page.fields.map((field) =>
            h(
              "li",
              {},
              field.type === "info" ? field.text.ja.slice(0, 40) : field.label.ja,
              field.type === "group"
                ? h(
                    "ul",
                    {},
                    ...field.fields.map((m) =>
                      h("li", {}, m.type === "info" ? m.text.ja.slice(0, 40) : m.label.ja),
                    ),
                  )
                : null,
            ),
          ),
        ),
      ),
    ),
  );
}

export async function renderHistory(view: FormsView, formId: string): Promise<void> {
  const [result, names] = await Promise.all([
    formsApi<FormDetail>(view, "GET", `/forms/${encodeURIComponent(formId)}`),
    staffNames(),
  ]);
  if (!result.ok) {
    view.main.replaceChildren(
      h("h1", { tabindex: "-1" }, bilingual("版の履歴", "Versions")),
      h("p", { class: "notice" }, problemText(result, "このフォームを見る権限がありません")),
    );
    return;
  }
  const detail = result.body;
  document.title = `${detail.title.ja}の版の履歴 | 申請フォーム | 職員用画面`;
  const versions = [...detail.versions].sort((a, b) => b.number - a.number);
  const versionView = h("div", { id: "version-view" });
  const versionTable =
    versions.length === 0
      ? h("p", { class: "notice" }, bilingual("まだ公開された版はありません", "Not published yet"))
      : table(
          "versions-caption",
          bilingual(`公開された版（${versions.length}件、新しい順）`, "Published versions, newest first"),
          [
            ["版", "Version"],
            ["公開日時", "Published"],
            ["公開した人", "Published by"],
            ["内容", "Contents"],
          ],
          versions.map((v) => [
            `第${v.number}版${v.number === detail.currentVersion ? "（公開中）" : ""}`,
            formatDate(v.publishedAt),
            v.publishedBy ? (names.get(v.publishedBy) ?? "—") : "—",
            button(bilingual("内容を見る", "Show contents"), () => void showVersion(v.number), {
              id: `version-${v.number}-show`,
              "aria-label": both(`第${v.number}版の内容を見る`, "Show contents"),
            }),
          ]),
        );

  const showVersion = async (number: number) => {
    const version = await formsApi<{ number: number; definition: FormDefinition; publishedAt: string }>(
      view,
      "GET",
      `/forms/${detail.id}/versions/${number}`,
    );
    versionView.replaceChildren(
      version.ok
        ? h(
            "section",
            { class: "version-outline", "aria-labelledby": "version-view-heading" },
            h(
              "h3",
              { id: "version-view-heading", tabindex: "-1" },
              bilingual(`第${number}版の内容`, `Version ${number}`),
            ),
            outline(version.body.definition),
          )
        : h("p", { class: "notice" }, problemText(version)),
    );
    versionView.querySelector<HTMLElement>("h3")?.focus();
  };

  const params = new URLSearchParams(location.search);
  const latest = versions[0]?.number;
  const defaultFrom = versions.length >= 2 ? versions[1]!.number : latest;
  const defaultTo = versions.length >= 2 ? String(latest) : "draft";
  const from = h(
    "select",
    { id: "diff-from" },
    ...versions.map((v) =>
      h(
        "option",
        {
          value: String(v.number),
          selected: String(v.number) === (params.get("from") ?? String(defaultFrom)),
        },
        `第${v.number}版 (v${v.number})`,
      ),
    ),
  ) as HTMLSelectElement;
  const to = h(
    "select",
    { id: "diff-to" },
    h("option", { value: "draft", selected: (params.get("to") ?? defaultTo) === "draft" }, "下書き (Draft)"),
    ...versions.map((v) =>
      h(
        "option",
        { value: String(v.number), selected: String(v.number) === (params.get("to") ?? defaultTo) },
        `第${v.number}版 (v${v.number})`,
      ),
    ),
  ) as HTMLSelectElement;
  const status = h("p", { id: "diff-status", role: "status", class: "status" });
  const results = h("div", { id: "diff-results" });
  const compare = async () => {
    status.textContent = both("比べています…", "Comparing…");
    const query = new URLSearchParams({ from: from.value, to: to.value });
    history.replaceState(null, "", `${location.pathname}?${query.toString()}`);
    const diff = await formsApi<{ changes: DiffChange[] }>(
      view,
      "GET",
      `/forms/${detail.id}/diff?${query.toString()}`,
    );
    if (!diff.ok) {
      status.textContent = "";
      results.replaceChildren(h("p", { class: "notice" }, problemText(diff)));
      return;
    }
    const changes = diff.body.changes;
    const toName = to.value === "draft" ? "下書き" : `第${to.value}版`;
    status.textContent = both(`${changes.length}件の違いがあります`, `${changes.length} differences`);
    results.replaceChildren(
      changes.length === 0
        ? h("p", {}, bilingual("違いはありません", "No differences"))
        : table(
            "diff-caption",
            bilingual(`第${from.value}版 → ${toName} の違い`, `Changes from v${from.value} to ${to.value}`),
            [
              ["種類", "Kind"],
              ["場所", "Where"],
              ["変更前", "Before"],
              ["変更後", "After"],
            ],
            changes.map((change) => [
              h("span", { class: `badge diff-${change.kind}` }, bilingual(...kindNames[change.kind])),
              h("span", {}, change.label, h("span", { class: "sub" }, change.path)),
              shown(change.before),
              shown(change.after),
            ]),
          ),
    );
  };
  const form = h(
    "form",
    { class: "diff-form", "aria-labelledby": "diff-heading", novalidate: true },
    h(
      "div",
      { class: "filter-grid" },
      h("div", { class: "field" }, h("label", { for: "diff-from" }, bilingual("比べる元", "From")), from),
      h("div", { class: "field" }, h("label", { for: "diff-to" }, bilingual("比べる先", "To")), to),
    ),
    h("button", { type: "submit", class: "button", id: "diff-compare" }, bilingual("比べる", "Compare")),
  ) as HTMLFormElement;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void compare();
  });
  view.main.replaceChildren(
    h("h1", { tabindex: "-1" }, bilingual(`「${detail.title.ja}」の版の履歴`, "Versions")),
    formTabs(detail.id, "versions", view.navigate),
    h(
      "p",
      {},
      bilingual(
        "公開した版は変更されません。申請はそれぞれ、始めたときの版で受け付けます。",
        "Published versions never change; each application keeps the version it was started on.",
      ),
    ),
    versionTable,
    versionView,
    h("h2", { id: "diff-heading" }, bilingual("版を比べる", "Compare versions")),
    versions.length === 0
      ? h("p", {}, bilingual("公開すると比べられるようになります", "Publish first to compare"))
      : h("div", {}, form, status, results),
  );
  if (versions.length > 0 && (params.has("from") || versions.length >= 2)) {
    await compare();
  }
}
