// The list of forms, and creating one: from scratch, from a template, or from a shared file.

import {
  bilingual,
  both,
  formatDate,
  formsApi,
  h,
  link,
  problemText,
  replace,
  statusBadge,
  table,
} from "./forms-dom.ts";
import { canPublish } from "./forms-editor.ts";
import type { FormsView } from "./forms-nav.ts";
import type { FormDetail, FormSummary, TemplateSummary } from "./forms-types.ts";

export async function renderFormList(view: FormsView): Promise<void> {
  document.title = "申請フォーム | 職員用画面 | てのひら市役所";
  const result = await formsApi<{ forms: FormSummary[] }>(view, "GET", "/forms");
  const heading = h("h1", { tabindex: "-1" }, bilingual("申請フォーム", "Online application forms"));
  const create = link("/staff/forms/new", bilingual("＋ 新規作成", "New form"), view.navigate, {
    class: "button",
    id: "forms-new",
  });
  if (!result.ok) {
    view.main.replaceChildren(
      heading,
      h("p", { class: "notice" }, problemText(result, "申請フォームを見る権限がありません")),
    );
    return;
  }
  const forms = result.body.forms;
  const canCreate = ["system_admin", "department_manager", "staff"].includes(view.me.role);
  const list =
    forms.length === 0
      ? h(
          "p",
          { class: "notice" },
          bilingual(
            "まだフォームがありません。「新規作成」から作ってください。",
            "No forms yet: start with New form.",
          ),
        )
      : table(
          "forms-caption",
          bilingual(`フォームの一覧（${forms.length}件）`, "All forms you can see"),
          [
            ["名前", "Title"],
            ["状態", "Status"],
            ["公開中の版", "Live version"],
            ["未公開の変更", "Unpublished changes"],
            ["申請数", "Applications"],
            ["下書きの更新", "Draft saved"],
          ],
          forms.map((form) => [
            link(`/staff/forms/${form.id}`, bilingual(form.title.ja, form.title.en), view.navigate),
            statusBadge(form.status),
            form.currentVersion === null ? "—" : `第${form.currentVersion}版`,
            form.hasUnpublishedChanges
              ? h("span", { class: "badge changes" }, both("あり", "Yes"))
              : both("なし", "None"),
            link(
              `/staff/forms/${form.id}/applications`,
              `${form.applicationCount.toLocaleString("ja-JP")}件`,
              view.navigate,
              { "aria-label": both(`「${form.title.ja}」の申請 ${form.applicationCount}件`, "Applications") },
            ),
            formatDate(form.draftUpdatedAt),
          ]),
        );
  const waiting = forms.filter((f) => f.hasUnpublishedChanges).length;
  replace(
    view.main,
    heading,
    h(
      "p",
      {},
      bilingual(
        "住民がオンラインで申請するフォームを、プログラムなしで作成・公開できます。",
        "Build and publish online application forms without code.",
      ),
    ),
    canCreate ? h("p", { class: "actions" }, create) : null,
    canPublish(view.me.role) && waiting > 0
      ? h(
          "p",
          { class: "notice" },
          bilingual(
            `未公開の変更があるフォームが${waiting}件あります`,
            `${waiting} with unpublished changes`,
          ),
        )
      : null,
    list,
  );
}

type Source = "scratch" | "template" | "file";

/** Lowercase letters, digits and hyphens: the form's address on the resident site. */
const SLUG = /^[a-z0-9-]{2,60}$/;

export async function renderNewForm(view: FormsView): Promise<void> {
  document.title = "新規作成 | 申請フォーム | 職員用画面 | てのひら市役所";
  const templates = await formsApi<{ templates: TemplateSummary[] }>(view, "GET", "/templates");
  const templateList = templates.ok ? templates.body.templates : [];
  let source: Source = "scratch";
  const alert = h("div", { id: "new-form-error", class: "alert", role: "alert" });
  const slug = h("input", {
    id: "new-slug",
    name: "slug",
    type: "text",
    autocomplete: "off",
    spellcheck: "false",
    "aria-describedby": "new-slug-hint",
  }) as HTMLInputElement;
  const slugError = h("p", { class: "field-error", id: "new-slug-error", hidden: true });
  const categories = [...new Set(templateList.map((t) => t.category))];
  const template = h(
    "select",
    { id: "new-template", name: "template" },
    ...categories.map((category) =>
      h(
        "optgroup",
        { label: category },
        ...templateList
          .filter((t) => t.category === category)
          .map((t) =>
            h("option", { value: t.key }, t.title.en ? `${t.title.ja} (${t.title.en})` : t.title.ja),
          ),
      ),
    ),
  ) as HTMLSelectElement;
  const file = h("input", {
    id: "new-file",
    name: "file",
    type: "file",
    accept: ".json,application/json",
    "aria-describedby": "new-file-hint",
  }) as HTMLInputElement;
  const fileError = h("p", { class: "field-error", id: "new-file-error", hidden: true });
  const templateField = h(
    "div",
    { class: "field", hidden: true },
    h("label", { for: "new-template" }, bilingual("テンプレート", "Template")),
    templates.ok
      ? null
      : h(
          "p",
          { class: "field-error" },
          bilingual("テンプレートを読み込めませんでした", "Could not load templates"),
        ),
    template,
  );
  const fileField = h(
    "div",
    { class: "field", hidden: true },
    h("label", { for: "new-file" }, bilingual("フォームのファイル（.tenohira-form.json）", "Form file")),
    h(
      "p",
      { class: "hint", id: "new-file-hint" },
      bilingual("他の自治体から共有されたファイルを読み込みます", "A file another city shared with you"),
    ),
    fileError,
    file,
  );
  const sources: [Source, string, string][] = [
    ["scratch", "白紙から作る", "From scratch"],
    ["template", "テンプレートから作る", "From a template"],
    ["file", "ファイルを読み込む", "Import a file"],
  ];
  const radios = sources.map(([value, ja, en]) => {
    const radio = h("input", {
      type: "radio",
      name: "source",
      id: `new-source-${value}`,
      value,
      checked: value === source,
    }) as HTMLInputElement;
    radio.addEventListener("change", () => {
      source = value;
      templateField.hidden = source !== "template";
      fileField.hidden = source !== "file";
    });
    return h("div", { class: "check" }, radio, h("label", { for: `new-source-${value}` }, bilingual(ja, en)));
  });
  template.addEventListener("change", () => {
    // Suggest the template's own address when the member has not typed one.
    if (!slug.value) {
      slug.placeholder = template.value.replace(/_/g, "-");
    }
  });
  const submit = h(
    "button",
    { type: "submit", class: "button", id: "new-create" },
    bilingual("作成する", "Create"),
  );
  const form = h(
    "form",
    { class: "new-form", novalidate: true, "aria-labelledby": "new-heading" },
    alert,
    h("fieldset", { class: "radios" }, h("legend", {}, bilingual("作り方", "Start from")), ...radios),
    templateField,
    fileField,
    h(
      "div",
      { class: "field" },
      h("label", { for: "new-slug" }, bilingual("URL名", "URL name")),
      h(
        "p",
        { class: "hint", id: "new-slug-hint" },
        bilingual(
          "住民向けのアドレスに使います。半角英小文字・数字・ハイフン（例: houkago-club）",
          "Used in the form's address: lowercase letters, digits and hyphens, like houkago-club",
        ),
      ),
      slugError,
      slug,
    ),
    h(
      "div",
      { class: "actions" },
      submit,
      link("/staff/forms", bilingual("やめる", "Cancel"), view.navigate),
    ),
  ) as HTMLFormElement;

  const showError = (input: HTMLElement, slot: HTMLElement, message: HTMLElement | null) => {
    slot.replaceChildren(...(message ? [message] : []));
    slot.hidden = !message;
    if (message) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute(
        "aria-describedby",
        `${slot.id} ${input.getAttribute("aria-describedby") ?? ""}`.trim(),
      );
    } else {
      input.removeAttribute("aria-invalid");
    }
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void (async () => {
      alert.replaceChildren();
      showError(slug, slugError, null);
      showError(file, fileError, null);
      const slugValue = (slug.value.trim() || slug.placeholder).toLowerCase();
      let body: unknown;
      let path = "/forms";
      if (source === "file") {
        const chosen = file.files?.[0];
        if (!chosen) {
          showError(file, fileError, bilingual("ファイルを選んでください", "Choose a file"));
          file.focus();
          return;
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(await chosen.text());
        } catch {
          showError(file, fileError, bilingual("JSONのファイルではありません", "This is not a JSON file"));
          file.focus();
          return;
        }
        path = "/forms/import";
        body = { file: parsed, ...(slugValue ? { slug: slugValue } : {}) };
      } else {
        if (!SLUG.test(slugValue)) {
          showError(
            slug,
            slugError,
            bilingual(
              "URL名は半角英小文字・数字・ハイフンで2〜60文字にしてください",
              "Use 2 to 60 lowercase letters, digits or hyphens",
            ),
          );
          slug.focus();
          return;
        }
        body = { slug: slugValue, ...(source === "template" ? { templateKey: template.value } : {}) };
      }
      (submit as HTMLButtonElement).disabled = true;
      const result = await formsApi<FormDetail>(view, "POST", path, body);
      (submit as HTMLButtonElement).disabled = false;
      if (result.ok) {
        view.navigate(`/staff/forms/${result.body.id}`);
        return;
      }
      alert.replaceChildren(problemText(result, "フォームを作成する権限がありません"));
      for (const error of result.problem.errors ?? []) {
        const message = bilingual(error.detailJa ?? error.detail, error.detailJa ? error.detail : undefined);
        if (error.pointer === "/slug") {
          showError(slug, slugError, message);
        } else if (error.pointer.startsWith("/file")) {
          showError(
            file,
            fileError,
            bilingual(`${error.pointer}: ${error.detailJa ?? error.detail}`, error.detail),
          );
        }
      }
      form.querySelector<HTMLElement>("[aria-invalid=true]")?.focus();
    })();
  });

  view.main.replaceChildren(
    h("h1", { id: "new-heading", tabindex: "-1" }, bilingual("申請フォームの新規作成", "New form")),
    h("p", {}, link("/staff/forms", bilingual("← 一覧に戻る", "Back to all forms"), view.navigate)),
    form,
  );
}
