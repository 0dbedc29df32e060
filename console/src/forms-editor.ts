// The form builder's editor: the draft of one form, edited in memory and saved with PUT /draft. Every
// action is a button (no drag and drop), keyboard focus is put back where the action happened, and the
// server's validation errors are shown next to the control their JSON pointer names.
import {
  amountControl,
  type ControlHost,
  checkControl,
  dateLimitControl,
  dateTimeControl,
  localizedControl,
  numberControl,
  type Slot,
  selectControl,
  textControl,
} from "./forms-controls.ts";
import {
  bilingual,
  both,
  button,
  type Child,
  formatDate,
  formsApi,
  h,
  problemText,
  replace,
  statusBadge,
} from "./forms-dom.ts";
import {
  allFieldTypes,
  fieldTypes,
  freshKey,
  isAnswerable,
  memberFieldTypes,
  newField,
  usedKeys,
} from "./forms-field-types.ts";
import { type ConditionCandidate, conditionEditor, describeCondition } from "./forms-logic.ts";
import { type FormsView, formTabs } from "./forms-nav.ts";
import type {
  Expression,
  Field,
  FieldType,
  FormDefinition,
  FormDetail,
  GroupMemberField,
  Page,
} from "./forms-types.ts";

type AnyField = Field | GroupMemberField;
type ServerError = { pointer: string; detail: string; detailJa?: string };

const assuranceNames: [string, string][] = [
  ["none", "本人確認なし・アカウント不要 (No sign-in needed)"],
  ["email", "メールアドレスを確認したアカウント (Account with a confirmed email)"],
  ["line", "LINE連携したアカウント (Account linked with LINE)"],
  ["card", "マイナンバーカードで本人確認 (Verified with the My Number card)"],
];

const prefillNames: Record<string, [string, string]> = {
  name: ["氏名", "name"],
  name_kana: ["フリガナ", "name reading"],
  birth_date: ["生年月日", "birth date"],
  gender: ["性別", "gender"],
  postal_code: ["郵便番号", "postal code"],
  address: ["住所", "address"],
  phone: ["電話番号", "phone"],
  email: ["メールアドレス", "email"],
};
/** Profile attributes that make sense for a field type; the card's 基本4情報 only for those four. */
const prefillFor: Partial<Record<FieldType, string[]>> = {
  name: ["name"],
  text: ["name", "name_kana", "gender", "address"],
  date: ["birth_date"],
  postal_code: ["postal_code"],
  address: ["address"],
  phone: ["phone"],
  email: ["email"],
};
const cardAttributes = new Set(["name", "birth_date", "gender", "address"]);

function clone<T>(value: T): T {
  return structuredClone(value);
}

function fieldTitle(field: AnyField): string {
  if (field.type === "info") {
    const text = field.text.ja;
    return text.length > 30 ? `${text.slice(0, 30)}…` : text;
  }
  return field.label.ja || "（名前なし）";
}

/**
 * A short visible action (「削除 Delete」) whose accessible name also says what it acts on, through text
 * only screen readers read, so the name still contains the visible words (WCAG 2.5.3).
 */
function actionLabel(subject: string, ja: string, en: string, arrow = "", suffix = ""): HTMLElement {
  return h(
    "span",
    {},
    h("span", { class: "visually-hidden subject" }, subject),
    arrow ? h("span", { "aria-hidden": "true" }, `${arrow} `) : null,
    ja,
    suffix ? h("span", { class: "visually-hidden" }, suffix) : null,
    " ",
    h("span", { class: "en", lang: "en" }, en),
  );
}

function canManage(role: string): boolean {
  return ["system_admin", "department_manager", "staff"].includes(role);
}

export function canPublish(role: string): boolean {
  return ["system_admin", "department_manager"].includes(role);
}

/** Where a field sits: its list, position, element id base and JSON pointer. */
type Place = {
  list: AnyField[];
  index: number;
  idBase: string;
  pointer: string;
  group: Extract<Field, { type: "group" }> | null;
  page: Page;
};

class FormEditor implements ControlHost {
  readonly view: FormsView;
  detail: FormDetail;
  draft: FormDefinition;
  dirty = false;
  pageIndex = 0;
  settingsOpen: boolean;
  readonly open = new Set<object>();
  readonly advancedOpen = new Set<object>();
  errors: ServerError[] = [];
  generalError: HTMLElement | null = null;
  slots = new Map<string, Slot>();
  busy = false;

  readonly heading = h("h1", { tabindex: "-1" });
  readonly bar = h("div", { class: "editor-bar" });
  readonly panel = h("div", { id: "fb-action-panel" });
  readonly status = h("p", { id: "fb-status", role: "status", class: "status", tabindex: "-1" });
  readonly summary = h("div", { id: "fb-summary", role: "alert", class: "error-summary-slot" });
  readonly mainColumn = h("div", { class: "editor-main" });
  readonly pagePicker = h("select", { id: "fb-preview-page" }) as HTMLSelectElement;
  readonly previewFrame = h("iframe", {
    id: "fb-preview-frame",
    class: "preview-frame",
    title: "住民向け画面のプレビュー (Preview of the resident's page)",
    width: "360",
    height: "640",
  }) as HTMLIFrameElement;

  constructor(view: FormsView, detail: FormDetail) {
    this.view = view;
    this.detail = detail;
    this.draft = clone(detail.draft);
    this.settingsOpen = detail.versions.length === 0;
    this.pagePicker.addEventListener("change", () => this.loadPreview());
  }

  get editable(): boolean {
    return canManage(this.view.me.role);
  }

  // ── ControlHost ──
  register(pointer: string, slot: HTMLElement, control: HTMLElement | null): void {
    this.slots.set(pointer, { slot, control });
  }

  changed(): void {
    if (!this.dirty) {
      this.dirty = true;
      this.renderBar();
    }
  }

  announce(ja: string, en: string): void {
    this.status.textContent = both(ja, en);
  }

  // ── Layout ──
  mount(): void {
    const preview = h(
      "section",
      { class: "editor-preview", "aria-labelledby": "fb-preview-heading" },
      h("h2", { id: "fb-preview-heading" }, bilingual("プレビュー", "Preview")),
      h(
        "p",
        { class: "hint" },
        bilingual(
          "保存した下書きを、スマートフォンの幅（360px）で住民と同じように表示します。",
          "The saved draft, as a resident sees it on a phone (360 px).",
        ),
      ),
      h(
        "div",
        { class: "field" },
        h("label", { for: "fb-preview-page" }, bilingual("表示するページ", "Page to show")),
        this.pagePicker,
      ),
      h("div", { class: "preview-frame-wrap" }, this.previewFrame),
    );
    this.view.main.replaceChildren(
      this.heading,
      formTabs(this.detail.id, "edit", this.view.navigate),
      this.bar,
      this.panel,
      this.status,
      this.summary,
      h("div", { class: "editor-layout" }, this.mainColumn, preview),
    );
    this.mainColumn.addEventListener("keydown", (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key === "s") {
        event.preventDefault();
        void this.save();
      }
    });
    this.renderHeading();
    this.renderBar();
    this.renderMain();
    this.refreshPreview();
  }

  renderHeading(): void {
    document.title = `${this.detail.title.ja}の編集 | 申請フォーム | 職員用画面`;
    this.heading.replaceChildren(bilingual(`「${this.detail.title.ja}」の編集`, "Edit form"));
  }

  renderBar(): void {
    const detail = this.detail;
    const facts = h(
      "p",
      { class: "editor-facts" },
      statusBadge(detail.status),
      " ",
      h(
        "span",
        {},
        detail.currentVersion === null
          ? both("未公開", "Never published")
          : both(`公開中の版: 第${detail.currentVersion}版`, `Live version ${detail.currentVersion}`),
      ),
      " ",
      h(
        "span",
        { id: "fb-dirty", class: this.dirty ? "dirty" : "saved" },
        this.dirty
          ? both("保存していない変更があります", "Unsaved changes")
          : detail.hasUnpublishedChanges && detail.currentVersion !== null
            ? both("保存済み・未公開の変更あり", "Saved; changes not yet published")
            : both(`保存済み ${formatDate(detail.draftUpdatedAt)}`, "Saved"),
      ),
    );
    const actions: Child[] = [];
    if (this.editable) {
      actions.push(
        button(bilingual("保存", "Save"), () => void this.save(), { id: "fb-save", class: "button" }),
      );
      if (this.dirty) {
        actions.push(
          button(bilingual("変更を取り消す", "Discard changes"), () => this.discard(), { id: "fb-discard" }),
        );
      }
    }
    if (canPublish(this.view.me.role)) {
      actions.push(button(bilingual("公開", "Publish"), () => this.confirmPublish(), { id: "fb-publish" }));
      if (detail.status === "published") {
        actions.push(
          button(bilingual("公開停止", "Unpublish"), () => this.confirmUnpublish(), { id: "fb-unpublish" }),
        );
      }
    }
    if (this.editable) {
      actions.push(button(bilingual("複製", "Duplicate"), () => this.askDuplicate(), { id: "fb-duplicate" }));
    }
    actions.push(
      h(
        "a",
        {
          class: "button secondary",
          id: "fb-export",
          href: `/staff/api/forms/forms/${detail.id}/export`,
          download: `${detail.slug}.tenohira-form.json`,
        },
        bilingual("書き出し", "Export"),
      ),
    );
    replace(
      this.bar,
      facts,
      h("div", { class: "actions" }, ...actions),
      this.editable && !canPublish(this.view.me.role)
        ? h(
            "p",
            { class: "hint" },
            bilingual(
              "公開・公開停止は所属長が行います。保存すると所属長の一覧に「未公開の変更あり」と表示されます。",
              "A department manager publishes; once saved, the form shows as having unpublished changes.",
            ),
          )
        : null,
      this.editable
        ? null
        : h("p", { class: "notice" }, bilingual("この画面は閲覧のみです", "You can view this form only")),
    );
  }

  // ── Main column ──
  renderMain(focusId?: string): void {
    const scroll = window.scrollY;
    this.slots.clear();
    this.mainColumn.replaceChildren(this.settingsSection(), this.pagesSection(), this.fieldsSection());
    this.showErrors();
    if (focusId) {
      const target = document.getElementById(focusId);
      if (target) {
        target.focus();
        return;
      }
    }
    window.scrollTo({ top: scroll });
  }

  settingsSection(): HTMLElement {
    const form = this.draft;
    const body = h("div", { id: "fb-settings-body", class: "settings-body", hidden: !this.settingsOpen });
    const toggle = h(
      "button",
      {
        type: "button",
        class: "disclosure",
        id: "fb-settings-toggle",
        "aria-expanded": String(this.settingsOpen),
        "aria-controls": "fb-settings-body",
      },
      bilingual("フォームの設定", "Form settings"),
    );
    toggle.addEventListener("click", () => {
      this.settingsOpen = !this.settingsOpen;
      toggle.setAttribute("aria-expanded", String(this.settingsOpen));
      body.hidden = !this.settingsOpen;
    });
    const feeCandidates = () =>
      form.pages.flatMap((p) =>
        p.fields
          .filter((f) => f.type === "number" || f.type === "computed")
          .map((f) => ({ key: f.key, label: f.label.ja })),
      );
    const feeOn = form.fee !== undefined;
    const feeToggle = checkControl(this, {
      id: "fb-fee-on",
      pointer: "/fee",
      label: ["手数料を取る", "Charge a fee"],
      checked: feeOn,
      onChange: (checked) => {
        form.fee = checked
          ? { amount: 300, label: { ja: "手数料", en: "Fee" }, timing: "on_submission" }
          : undefined;
        this.renderMain("fb-fee-on");
      },
    });
    replace(
      body,
      localizedControl(this, {
        id: "fb-title",
        pointer: "/title",
        label: ["フォームの名前", "Form title"],
        value: form.title,
        optional: false,
        onChange: (value) => {
          form.title = value ?? { ja: "" };
        },
      }),
      localizedControl(this, {
        id: "fb-description",
        pointer: "/description",
        label: ["はじめに表示する説明", "Introduction"],
        value: form.description,
        optional: true,
        multiline: true,
        onChange: (value) => {
          form.description = value;
        },
      }),
      selectControl(this, {
        id: "fb-assurance",
        pointer: "/assuranceLevel",
        label: ["申請に必要な本人確認", "Identity check needed to apply"],
        value: form.assuranceLevel,
        options: assuranceNames,
        onChange: (value) => {
          form.assuranceLevel = value as FormDefinition["assuranceLevel"];
        },
      }),
      h(
        "div",
        { class: "pair" },
        dateTimeControl(this, {
          id: "fb-opens",
          pointer: "/opensAt",
          label: ["受付開始（日本時間）", "Opens (Japan time)"],
          hint: ["空欄なら公開とともに受付", "Empty: open when published"],
          value: form.opensAt,
          onChange: (value) => {
            form.opensAt = value;
          },
        }),
        dateTimeControl(this, {
          id: "fb-closes",
          pointer: "/closesAt",
          label: ["受付終了（日本時間）", "Closes (Japan time)"],
          hint: ["空欄なら期限なし", "Empty: no closing date"],
          value: form.closesAt,
          onChange: (value) => {
            form.closesAt = value;
          },
        }),
      ),
      numberControl(this, {
        id: "fb-max",
        pointer: "/maxApplications",
        label: ["受付件数の上限", "Most applications accepted"],
        hint: ["空欄なら上限なし（例: 抽選の定員）", "Empty: no cap (e.g. places in a lottery)"],
        value: form.maxApplications,
        attrs: { min: "1", step: "1" },
        onInput: (value) => {
          form.maxApplications = value;
        },
      }),
      feeToggle,
      form.fee
        ? h(
            "div",
            { class: "nested" },
            amountControl(this, {
              id: "fb-fee-amount",
              pointer: "/fee/amount",
              legend: ["手数料の金額", "Fee amount"],
              value: form.fee.amount,
              candidates: feeCandidates,
              onChange: (value) => {
                if (form.fee) {
                  form.fee.amount = value;
                }
              },
            }),
            selectControl(this, {
              id: "fb-fee-timing",
              pointer: "/fee/timing",
              label: ["支払いの時期", "When the fee is paid"],
              value: form.fee.timing,
              options: [
                ["on_submission", "申請と同時に支払う (Pay when applying)"],
                ["deferred", "審査の後に金額を確定して支払う・事後決済 (Pay after review)"],
              ],
              onChange: (value) => {
                if (form.fee) {
                  form.fee.timing = value === "deferred" ? "deferred" : "on_submission";
                }
              },
            }),
            localizedControl(this, {
              id: "fb-fee-label",
              pointer: "/fee/label",
              label: ["手数料の名前", "Fee name"],
              value: form.fee.label,
              optional: false,
              onChange: (value) => {
                if (form.fee) {
                  form.fee.label = value ?? { ja: "" };
                }
              },
            }),
          )
        : null,
      localizedControl(this, {
        id: "fb-confirmation",
        pointer: "/confirmationText",
        label: ["受付後に表示する文", "Text after submitting"],
        value: form.confirmationText,
        optional: true,
        multiline: true,
        onChange: (value) => {
          form.confirmationText = value;
        },
      }),
    );
    return h(
      "section",
      { class: "editor-section", "aria-labelledby": "fb-settings-heading" },
      h("h2", { id: "fb-settings-heading" }, toggle),
      body,
    );
  }

  pagesSection(): HTMLElement {
    const pages = this.draft.pages;
    const items = pages.map((page, index) => {
      const id = `fb-page-${index}`;
      const current = index === this.pageIndex;
      const select = button(
        h(
          "span",
          {},
          `${index + 1}. ${page.title.ja || "（名前なし）"}`,
          current ? h("span", { class: "en" }, " 編集中 (editing)") : null,
        ),
        () => {
          this.pageIndex = index;
          this.renderMain("fb-page-heading");
        },
        {
          id: `${id}-select`,
          class: "button secondary page-select",
          "aria-current": current ? "true" : false,
        },
      );
      const error = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
      this.register(`/pages/${index}`, error, select);
      return h(
        "li",
        { class: current ? "page-item current" : "page-item", "data-pointer": `/pages/${index}` },
        error,
        select,
        h(
          "span",
          { class: "row-actions" },
          ...this.moveButtons(id, page.title.ja, index, pages.length, (to) => {
            const [moved] = pages.splice(index, 1);
            pages.splice(to, 0, moved!);
            if (this.pageIndex === index) {
              this.pageIndex = to;
            } else if (this.pageIndex === to) {
              this.pageIndex = index;
            }
            return `fb-page-${to}`;
          }),
          this.editable
            ? button(
                actionLabel(`ページ「${page.title.ja}」を`, "削除", "Delete"),
                () => {
                  if (pages.length === 1) {
                    this.announce("ページは1つ以上必要です", "A form needs at least one page");
                    return;
                  }
                  pages.splice(index, 1);
                  this.pageIndex = Math.min(
                    this.pageIndex > index ? this.pageIndex - 1 : this.pageIndex,
                    pages.length - 1,
                  );
                  this.changed();
                  this.announce(`ページ「${page.title.ja}」を削除しました`, "Page deleted");
                  this.renderMain(`fb-page-${Math.min(index, pages.length - 1)}-select`);
                },
                {
                  id: `${id}-delete`,
                  class: "button secondary danger",
                },
              )
            : null,
        ),
      );
    });
    const add = this.editable
      ? button(
          bilingual("＋ ページを追加", "Add a page"),
          () => {
            const taken = new Set(pages.map((p) => p.key));
            const key = freshKey(`p${pages.length + 1}`, taken);
            const fieldKey = freshKey("text", usedKeys(this.draft));
            const field = newField("text", fieldKey, usedKeys(this.draft));
            pages.push({ key, title: { ja: `ページ${pages.length + 1}` }, fields: [field] });
            this.pageIndex = pages.length - 1;
            this.changed();
            this.announce("ページを追加しました。名前を入力してください", "Page added: give it a title");
            this.renderMain("fb-page-title-ja");
          },
          { id: "fb-add-page" },
        )
      : null;
    return h(
      "section",
      { class: "editor-section", "aria-labelledby": "fb-pages-heading" },
      h("h2", { id: "fb-pages-heading" }, bilingual("ページ", "Pages")),
      h(
        "p",
        { class: "hint" },
        bilingual(
          "住民は1ページずつ回答し、最後に確認画面が出ます。",
          "Residents answer one page at a time, then check their answers.",
        ),
      ),
      h("ol", { class: "page-list" }, ...items),
      add,
    );
  }

  /** Up and down buttons that stay focusable at the ends (aria-disabled), so focus never drops. */
  moveButtons(
    id: string,
    name: string,
    index: number,
    count: number,
    move: (to: number) => string,
  ): HTMLElement[] {
    if (!this.editable) {
      return [];
    }
    const make = (direction: "up" | "down") => {
      const to = direction === "up" ? index - 1 : index + 1;
      const blocked = to < 0 || to >= count;
      const label =
        direction === "up"
          ? actionLabel(`「${name}」を`, "上へ", "Move up", "↑", "移動")
          : actionLabel(`「${name}」を`, "下へ", "Move down", "↓", "移動");
      return button(
        label,
        () => {
          if (blocked) {
            this.announce(
              direction === "up" ? "これ以上、上へは移動できません" : "これ以上、下へは移動できません",
              "Already at the end",
            );
            return;
          }
          const base = move(to);
          this.changed();
          this.announce(`「${name}」を${to + 1}番目に移動しました`, `Moved to position ${to + 1}`);
          this.renderMain(`${base}-${direction}`);
        },
        {
          id: `${id}-${direction}`,
          "aria-disabled": blocked ? "true" : false,
        },
      );
    };
    return [make("up"), make("down")];
  }

  fieldsSection(): HTMLElement {
    const pageIndex = Math.min(this.pageIndex, this.draft.pages.length - 1);
    this.pageIndex = pageIndex;
    const page = this.draft.pages[pageIndex]!;
    const pointer = `/pages/${pageIndex}`;
    const fields = page.fields as AnyField[];
    const pageSettings = h(
      "div",
      { class: "page-settings" },
      localizedControl(this, {
        id: "fb-page-title",
        pointer: `${pointer}/title`,
        label: ["ページの名前", "Page title"],
        value: page.title,
        optional: false,
        onChange: (value) => {
          page.title = value ?? { ja: "" };
        },
      }),
      this.advanced(page, `fb-page-advanced`, [
        textControl(this, {
          id: "fb-page-key",
          pointer: `${pointer}/key`,
          label: ["ページのキー", "Page key"],
          hint: [
            "半角英小文字・数字・_（URLに使われます）",
            "Lowercase letters, digits and _ (used in URLs)",
          ],
          value: page.key,
          attrs: { spellcheck: "false", autocomplete: "off" },
          onInput: (value) => {
            page.key = value.trim();
          },
        }),
        conditionEditor({
          id: "fb-page-showif",
          legend: ["このページを表示する条件", "Show this page only when"],
          noneLabel: ["常に表示", "Always shown"],
          current: page.showIf,
          candidates: () => this.topCandidates(null),
          errorSlot: this.errorSlot(`${pointer}/showIf`, "fb-page-showif-error"),
          onChange: (value) => {
            page.showIf = value;
            this.changed();
          },
        }),
      ]),
      this.skipRules(page, pageIndex),
    );
    const list = h(
      "ol",
      { class: "field-list" },
      ...fields.map((_, index) =>
        this.fieldCard({
          list: fields,
          index,
          idBase: `fb-p${pageIndex}-f${index}`,
          pointer: `${pointer}/fields/${index}`,
          group: null,
          page,
        }),
      ),
    );
    return h(
      "section",
      { class: "editor-section", "aria-labelledby": "fb-page-heading" },
      h(
        "h2",
        { id: "fb-page-heading", tabindex: "-1" },
        bilingual(`${pageIndex + 1}ページ目「${page.title.ja}」`, `Page ${pageIndex + 1}`),
      ),
      pageSettings,
      h("h3", { id: "fb-fields-heading" }, bilingual("項目", "Fields")),
      fields.length === 0 ? h("p", { class: "hint" }, bilingual("項目がありません", "No fields yet")) : list,
      this.editable
        ? this.palette(
            "fb-add",
            allFieldTypes,
            fields,
            `fb-p${pageIndex}-f`,
            null,
            "このページに項目を追加",
            "Add a field to this page",
          )
        : null,
    );
  }

  /** Skip rules of a page: 「<項目>が<値>のとき、<ページ>へ進む」, first match wins. */
  skipRules(page: Page, pageIndex: number): HTMLElement {
    const pointer = `/pages/${pageIndex}/next`;
    const later: [string, string][] = [
      ...this.draft.pages
        .slice(pageIndex + 1)
        .map((p, i): [string, string] => [p.key, `${pageIndex + i + 2}. ${p.title.ja}`]),
      ["check", "確認画面 (Check answers)"],
    ];
    const rules = page.next ?? [];
    const error = h("p", { class: "field-error", id: "fb-skip-error", hidden: true });
    this.register(pointer, error, null);
    const items = rules.map((rule, index) => {
      const id = `fb-skip-${index}`;
      return h(
        "li",
        { class: "skip-rule", "data-pointer": `${pointer}/${index}` },
        conditionEditor({
          id: `${id}-if`,
          legend: [`ルール${index + 1}: 次の条件のとき`, `Rule ${index + 1}: when`],
          noneLabel: null,
          current: rule.if,
          candidates: () => this.topCandidates(null),
          errorSlot: this.errorSlot(`${pointer}/${index}/if`, `${id}-if-error`),
          onChange: (value) => {
            rule.if = value ?? false;
            this.changed();
          },
        }),
        selectControl(this, {
          id: `${id}-goto`,
          pointer: `${pointer}/${index}/goTo`,
          label: ["進む先", "Go to"],
          value: rule.goTo,
          options: later,
          onChange: (value) => {
            rule.goTo = value;
          },
        }),
        this.editable
          ? button(
              bilingual("このルールを削除", "Delete this rule"),
              () => {
                rules.splice(index, 1);
                page.next = rules.length ? rules : undefined;
                this.changed();
                this.announce("ルールを削除しました", "Rule deleted");
                this.renderMain("fb-add-skip");
              },
              { id: `${id}-delete`, class: "button secondary danger" },
            )
          : null,
      );
    });
    return h(
      "div",
      { class: "skip-rules", "data-pointer": pointer },
      h("h3", {}, bilingual("ページを飛ばすルール", "Skip rules")),
      h(
        "p",
        { class: "hint" },
        bilingual(
          "このページの回答によって、次のページを飛ばせます（上のルールから順に判定）。",
          "After this page, jump ahead when a rule matches (first match wins).",
        ),
      ),
      error,
      rules.length ? h("ol", { class: "skip-list" }, ...items) : null,
      this.editable
        ? button(
            bilingual("＋ ルールを追加", "Add a skip rule"),
            () => {
              const first = this.topCandidates(null)[0];
              const next = {
                if: first ? ({ "==": [{ var: first.key }, ""] } as Expression) : false,
                goTo: later[0]![0],
              };
              page.next = [...rules, next];
              this.changed();
              this.renderMain(`fb-skip-${rules.length}-if-field`);
            },
            { id: "fb-add-skip" },
          )
        : null,
    );
  }

  /** Fields a condition may test: answerable fields of the whole form, in order, except `self`. */
  topCandidates(self: AnyField | null): ConditionCandidate[] {
    return this.draft.pages.flatMap((p) =>
      p.fields.filter((f) => f !== self && (isAnswerable(f) || f.type === "computed")),
    );
  }

  memberCandidates(group: Extract<Field, { type: "group" }>, self: AnyField): ConditionCandidate[] {
    return [...group.fields.filter((f) => f !== self && isAnswerable(f)), ...this.topCandidates(group)];
  }

  advanced(owner: object, id: string, children: Child[]): HTMLElement {
    const details = h(
      "details",
      { class: "advanced", id, open: this.advancedOpen.has(owner) },
      h("summary", {}, bilingual("詳細設定", "Advanced")),
      ...children,
    ) as HTMLDetailsElement;
    details.addEventListener("toggle", () => {
      if (details.open) {
        this.advancedOpen.add(owner);
      } else {
        this.advancedOpen.delete(owner);
      }
    });
    return details;
  }

  palette(
    id: string,
    types: readonly FieldType[],
    list: AnyField[],
    idPrefix: string,
    group: Extract<Field, { type: "group" }> | null,
    ja: string,
    en: string,
  ): HTMLElement {
    const headingId = `${id}-heading`;
    return h(
      "div",
      { class: "palette", role: "group", "aria-labelledby": headingId },
      h("p", { id: headingId, class: "palette-heading" }, bilingual(ja, en)),
      h(
        "div",
        { class: "palette-buttons" },
        ...types.map((type) =>
          button(
            h("span", {}, "＋ ", bilingual(fieldTypes[type].ja, fieldTypes[type].en)),
            () => {
              const taken = usedKeys(this.draft);
              const key = freshKey(fieldTypes[type].prefix, taken);
              const field = newField(type, key, taken);
              list.push(field);
              this.open.add(field);
              this.changed();
              this.announce(
                `「${fieldTypes[type].ja}」の項目を追加しました。項目名を入力してください`,
                `${fieldTypes[type].en} added: type its label`,
              );
              const base = `${idPrefix}${list.length - 1}`;
              this.renderMain(type === "info" ? `${base}-text-ja` : `${base}-label-ja`);
            },
            {
              id: `${id}-${type}`,
              class: "button secondary palette-button",
              "data-group": group ? group.key : false,
            },
          ),
        ),
      ),
    );
  }

  fieldCard(place: Place): HTMLElement {
    const { list, index, idBase, pointer } = place;
    const field = list[index]!;
    const isOpen = this.open.has(field);
    const title = fieldTitle(field);
    const titleText = h("span", { class: "field-card-title" }, title);
    const badges = h("span", { class: "badges" });
    // The card's head follows the edits below it (label, required, conditions) as they are made.
    const refreshHead = () => {
      const candidates = place.group ? this.memberCandidates(place.group, field) : this.topCandidates(field);
      const showIf = "showIf" in field ? describeCondition(field.showIf, candidates) : null;
      const requiredIf =
        "requiredIf" in field && field.requiredIf !== undefined
          ? describeCondition(field.requiredIf, candidates)
          : null;
      titleText.textContent = fieldTitle(field);
      for (const subject of actions?.querySelectorAll(":scope > button .subject") ?? []) {
        subject.textContent = `「${fieldTitle(field)}」を`;
      }
      replace(
        badges,
        h("span", { class: "badge type" }, fieldTypes[field.type].ja),
        "required" in field && field.required
          ? h("span", { class: "badge required" }, both("必須", "Required"))
          : null,
        showIf ? h("span", { class: "badge logic" }, `表示条件: ${showIf}`) : null,
        requiredIf ? h("span", { class: "badge logic" }, `必須条件: ${requiredIf}`) : null,
      );
    };
    let actions: HTMLElement | null = null;
    refreshHead();
    const error = h("p", { class: "field-error", id: `${idBase}-error`, hidden: true });
    const edit = button(
      actionLabel(`「${title}」を`, isOpen ? "閉じる" : "編集", isOpen ? "Close" : "Edit"),
      () => {
        if (isOpen) {
          this.open.delete(field);
        } else {
          this.open.add(field);
        }
        this.renderMain(`${idBase}-edit`);
      },
      {
        id: `${idBase}-edit`,
        "aria-expanded": String(isOpen),
        "aria-controls": `${idBase}-panel`,
      },
    );
    this.register(pointer, error, edit);
    actions = h(
      "span",
      { class: "row-actions" },
      edit,
      ...this.moveButtons(idBase, title, index, list.length, (to) => {
        const [moved] = list.splice(index, 1);
        list.splice(to, 0, moved!);
        return idBase.replace(/\d+$/, String(to));
      }),
      this.editable
        ? button(
            actionLabel(`「${title}」を`, "削除", "Delete"),
            () => {
              list.splice(index, 1);
              this.open.delete(field);
              this.changed();
              const users = this.referencesTo(field.key);
              this.announce(
                `「${title}」を削除しました${users.length ? `。注意: 「${users.join("」「")}」の条件がこの項目を使っています` : ""}`,
                users.length ? "Field deleted; some conditions still refer to it" : "Field deleted",
              );
              // Focus the next field in the list, or the palette when the list is now empty.
              const next =
                list.length === 0
                  ? `${place.group ? `${idBase.replace(/-m\d+$/, "")}-add` : "fb-add"}-text`
                  : `${idBase.replace(/\d+$/, String(Math.min(index, list.length - 1)))}-edit`;
              this.renderMain(next);
            },
            {
              id: `${idBase}-delete`,
              class: "button secondary danger",
            },
          )
        : null,
    );
    return h(
      "li",
      { class: isOpen ? "field-card open" : "field-card", "data-pointer": pointer, id: `${idBase}-card` },
      h("div", { class: "field-card-head" }, titleText, badges),
      error,
      actions,
      isOpen
        ? h("div", { id: `${idBase}-panel`, class: "field-panel" }, ...this.fieldSettings(place, refreshHead))
        : null,
    );
  }

  /** Labels of fields whose conditions read this key (warned about when it is deleted). */
  referencesTo(key: string): string[] {
    const reads = (expression: Expression | undefined) =>
      expression !== undefined && JSON.stringify(expression).includes(`"var":"${key}"`);
    const users: string[] = [];
    for (const page of this.draft.pages) {
      if (reads(page.showIf) || page.next?.some((rule) => reads(rule.if))) {
        users.push(page.title.ja);
      }
      for (const field of page.fields) {
        const members: AnyField[] = field.type === "group" ? [field, ...field.fields] : [field];
        for (const f of members) {
          if (("showIf" in f && reads(f.showIf)) || ("requiredIf" in f && reads(f.requiredIf))) {
            users.push(fieldTitle(f));
          }
        }
      }
    }
    return users;
  }

  fieldSettings(place: Place, refreshHead: () => void): Child[] {
    const { idBase, pointer } = place;
    const field = place.list[place.index]!;
    const out: Child[] = [];
    if (field.type === "info") {
      out.push(
        localizedControl(this, {
          id: `${idBase}-text`,
          pointer: `${pointer}/text`,
          label: ["説明文", "Text"],
          value: field.text,
          optional: false,
          multiline: true,
          onChange: (value) => {
            field.text = value ?? { ja: "" };
            refreshHead();
          },
        }),
      );
    } else {
      out.push(
        localizedControl(this, {
          id: `${idBase}-label`,
          pointer: `${pointer}/label`,
          label: ["項目名", "Label"],
          value: field.label,
          optional: false,
          onChange: (value) => {
            field.label = value ?? { ja: "" };
            refreshHead();
          },
        }),
      );
    }
    if (field.type !== "info" && field.type !== "computed") {
      out.push(
        localizedControl(this, {
          id: `${idBase}-hint`,
          pointer: `${pointer}/hint`,
          label: ["補足説明", "Hint"],
          hint: ["項目名の下に小さく表示します", "Shown under the label"],
          value: field.hint,
          optional: true,
          onChange: (value) => {
            field.hint = value;
          },
        }),
        checkControl(this, {
          id: `${idBase}-required`,
          pointer: `${pointer}/required`,
          label: ["必須にする", "Required"],
          checked: field.required,
          onChange: (checked) => {
            field.required = checked;
            refreshHead();
          },
        }),
      );
    }
    out.push(...this.typeSettings(place));
    const conditionCandidates = () =>
      place.group ? this.memberCandidates(place.group, field) : this.topCandidates(field);
    out.push(
      conditionEditor({
        id: `${idBase}-showif`,
        legend: ["この項目を表示する条件", "Show this field only when"],
        noneLabel: ["常に表示", "Always shown"],
        current: field.showIf,
        candidates: conditionCandidates,
        errorSlot: this.errorSlot(`${pointer}/showIf`, `${idBase}-showif-error`),
        onChange: (value) => {
          field.showIf = value;
          this.changed();
          refreshHead();
        },
      }),
    );
    if (field.type !== "info" && field.type !== "computed") {
      out.push(
        conditionEditor({
          id: `${idBase}-requiredif`,
          legend: ["次の条件のときだけ必須にする", "Required only when"],
          noneLabel: ["条件なし（上の「必須」に従う）", "No condition (use Required above)"],
          current: field.requiredIf,
          candidates: conditionCandidates,
          errorSlot: this.errorSlot(`${pointer}/requiredIf`, `${idBase}-requiredif-error`),
          onChange: (value) => {
            field.requiredIf = value;
            this.changed();
            refreshHead();
          },
        }),
      );
    }
    const advanced: Child[] = [
      textControl(this, {
        id: `${idBase}-key`,
        pointer: `${pointer}/key`,
        label: ["キー（データの名前）", "Key (data name)"],
        hint: [
          "半角英小文字・数字・_。公開後に変えると、前の版の回答と別の項目になります。",
          "Lowercase letters, digits and _. Changing it after publishing makes it a different field.",
        ],
        value: field.key,
        attrs: { spellcheck: "false", autocomplete: "off" },
        onInput: (value) => {
          field.key = value.trim();
        },
      }),
    ];
    if (field.type !== "info" && field.type !== "computed") {
      advanced.push(
        localizedControl(this, {
          id: `${idBase}-errormessage`,
          pointer: `${pointer}/errorMessage`,
          label: ["独自のエラーメッセージ", "Own error message"],
          hint: ["空欄なら標準のメッセージ", "Empty: the standard message"],
          value: field.errorMessage,
          optional: true,
          onChange: (value) => {
            field.errorMessage = value;
          },
        }),
      );
      const attributes = prefillFor[field.type];
      if (attributes && field.type !== "group") {
        const options: [string, string][] = [["", "なし (None)"]];
        for (const attribute of attributes) {
          const [ja, en] = prefillNames[attribute]!;
          options.push([`profile:${attribute}`, `プロフィールの${ja} (Profile ${en})`]);
          if (cardAttributes.has(attribute)) {
            options.push([`card:${attribute}`, `マイナンバーカードの${ja} (${en} from the card)`]);
          }
        }
        advanced.push(
          selectControl(this, {
            id: `${idBase}-prefill`,
            pointer: `${pointer}/prefill`,
            label: ["自動入力", "Prefill"],
            hint: [
              "申請者の情報を最初から入れておきます（変更できます）",
              "Starts with the resident's data (they can change it)",
            ],
            value: field.prefill ? `${field.prefill.from}:${field.prefill.attribute}` : "",
            options,
            onChange: (value) => {
              const [from, attribute] = value.split(":");
              field.prefill = value ? ({ from, attribute } as NonNullable<typeof field.prefill>) : undefined;
            },
          }),
        );
      }
    }
    out.push(this.advanced(field, `${idBase}-advanced`, advanced));
    return out;
  }

  /** An error line registered for a pointer, for controls that place it themselves. */
  errorSlot(pointer: string, id: string): HTMLElement {
    const error = h("p", { class: "field-error", id, hidden: true });
    this.register(pointer, error, null);
    return error;
  }

  typeSettings(place: Place): Child[] {
    const { idBase, pointer } = place;
    const field = place.list[place.index]!;
    switch (field.type) {
      case "text":
        return [
          numberControl(this, {
            id: `${idBase}-maxlength`,
            pointer: `${pointer}/maxLength`,
            label: ["最大文字数", "Most characters"],
            value: field.maxLength,
            attrs: { min: "1", max: "1000", step: "1" },
            onInput: (value) => {
              field.maxLength = value ?? 200;
            },
          }),
        ];
      case "textarea":
        return [
          numberControl(this, {
            id: `${idBase}-maxlength`,
            pointer: `${pointer}/maxLength`,
            label: ["最大文字数", "Most characters"],
            value: field.maxLength,
            attrs: { min: "1", max: "4000", step: "1" },
            onInput: (value) => {
              field.maxLength = value ?? 2000;
            },
          }),
        ];
      case "number":
        return [
          h(
            "div",
            { class: "pair" },
            numberControl(this, {
              id: `${idBase}-min`,
              pointer: `${pointer}/min`,
              label: ["最小値", "Minimum"],
              value: field.min,
              onInput: (value) => {
                field.min = value;
              },
            }),
            numberControl(this, {
              id: `${idBase}-max`,
              pointer: `${pointer}/max`,
              label: ["最大値", "Maximum"],
              value: field.max,
              onInput: (value) => {
                field.max = value;
              },
            }),
          ),
          checkControl(this, {
            id: `${idBase}-integer`,
            pointer: `${pointer}/integer`,
            label: ["整数のみ", "Whole numbers only"],
            checked: field.integer,
            onChange: (checked) => {
              field.integer = checked;
            },
          }),
          localizedControl(this, {
            id: `${idBase}-unit`,
            pointer: `${pointer}/unit`,
            label: ["単位（例: 通）", "Unit (e.g. copies)"],
            value: field.unit,
            optional: true,
            onChange: (value) => {
              field.unit = value;
            },
          }),
        ];
      case "postal_code": {
        const addresses = place.page.fields.filter((f) => f.type === "address");
        return [
          selectControl(this, {
            id: `${idBase}-fills`,
            pointer: `${pointer}/fillsAddress`,
            label: ["郵便番号から自動入力する住所の項目", "Address field it fills in"],
            hint: ["同じページの「住所」項目", "An address field on the same page"],
            value: field.fillsAddress ?? "",
            options: [["", "なし (None)"], ...addresses.map((a): [string, string] => [a.key, a.label.ja])],
            onChange: (value) => {
              field.fillsAddress = value || undefined;
            },
          }),
        ];
      }
      case "name":
        return [
          checkControl(this, {
            id: `${idBase}-kana`,
            pointer: `${pointer}/withKana`,
            label: ["フリガナも入力してもらう", "Ask for the reading (furigana) too"],
            checked: field.withKana,
            onChange: (checked) => {
              field.withKana = checked;
            },
          }),
        ];
      case "date":
        return [
          h(
            "div",
            { class: "pair" },
            dateLimitControl(this, {
              id: `${idBase}-datemin`,
              pointer: `${pointer}/min`,
              label: ["これより前は不可", "Earliest"],
              value: field.min,
              onChange: (value) => {
                field.min = value;
              },
            }),
            dateLimitControl(this, {
              id: `${idBase}-datemax`,
              pointer: `${pointer}/max`,
              label: ["これより後は不可", "Latest"],
              value: field.max,
              onChange: (value) => {
                field.max = value;
              },
            }),
          ),
        ];
      case "choice":
        return [
          this.optionsEditor(place, field),
          selectControl(this, {
            id: `${idBase}-display`,
            pointer: `${pointer}/display`,
            label: ["表示のしかた", "Shown as"],
            value: field.display,
            options: [
              ["radio", "ボタンを並べる (Radio buttons)"],
              ["select", "プルダウン (Drop-down)"],
            ],
            onChange: (value) => {
              field.display = value as "radio" | "select";
            },
          }),
        ];
      case "multi_choice":
        return [
          this.optionsEditor(place, field),
          h(
            "div",
            { class: "pair" },
            numberControl(this, {
              id: `${idBase}-minselected`,
              pointer: `${pointer}/minSelected`,
              label: ["最低いくつ選ぶか", "Choose at least"],
              value: field.minSelected,
              attrs: { min: "0", step: "1" },
              onInput: (value) => {
                field.minSelected = value;
              },
            }),
            numberControl(this, {
              id: `${idBase}-maxselected`,
              pointer: `${pointer}/maxSelected`,
              label: ["最大いくつまで", "Choose at most"],
              value: field.maxSelected,
              attrs: { min: "1", step: "1" },
              onInput: (value) => {
                field.maxSelected = value;
              },
            }),
          ),
        ];
      case "file":
        return [
          h(
            "fieldset",
            { class: "checks", "data-pointer": `${pointer}/accept` },
            h("legend", {}, bilingual("受け付けるファイル", "Files accepted")),
            ...(["image", "pdf"] as const).map((kind) =>
              checkControl(this, {
                id: `${idBase}-accept-${kind}`,
                pointer: `${pointer}/accept/${kind}`,
                label: kind === "image" ? ["画像（写真）", "Images"] : ["PDF", "PDF"],
                checked: field.accept.includes(kind),
                onChange: (checked) => {
                  field.accept = checked
                    ? [...new Set([...field.accept, kind])]
                    : field.accept.filter((k) => k !== kind);
                },
              }),
            ),
          ),
          h(
            "div",
            { class: "pair" },
            numberControl(this, {
              id: `${idBase}-maxfiles`,
              pointer: `${pointer}/maxFiles`,
              label: ["ファイル数の上限", "Most files"],
              value: field.maxFiles,
              attrs: { min: "1", max: "10", step: "1" },
              onInput: (value) => {
                field.maxFiles = value ?? 1;
              },
            }),
            numberControl(this, {
              id: `${idBase}-maxsize`,
              pointer: `${pointer}/maxSizeMb`,
              label: ["1ファイルの上限（MB）", "Largest file (MB)"],
              value: field.maxSizeMb,
              attrs: { min: "0.1", max: "20", step: "0.1" },
              onInput: (value) => {
                field.maxSizeMb = value ?? 10;
              },
            }),
          ),
        ];
      case "computed":
        return [
          amountControl(this, {
            id: `${idBase}-expression`,
            pointer: `${pointer}/expression`,
            legend: ["計算のしかた", "How it is computed"],
            value: field.expression,
            candidates: () =>
              this.draft.pages.flatMap((p) =>
                p.fields.filter((f) => f.type === "number").map((f) => ({ key: f.key, label: f.label.ja })),
              ),
            onChange: (value) => {
              field.expression = value;
            },
          }),
          selectControl(this, {
            id: `${idBase}-format`,
            pointer: `${pointer}/format`,
            label: ["表示の形式", "Shown as"],
            value: field.format,
            options: [
              ["yen", "金額（円） (Yen)"],
              ["number", "数 (Number)"],
            ],
            onChange: (value) => {
              field.format = value as "yen" | "number";
            },
          }),
        ];
      case "group":
        return this.groupSettings(place, field);
      default:
        return [];
    }
  }

  optionsEditor(place: Place, field: Extract<AnyField, { type: "choice" | "multi_choice" }>): HTMLElement {
    const { idBase, pointer } = place;
    const options = field.options;
    const error = h("p", { class: "field-error", id: `${idBase}-options-error`, hidden: true });
    this.register(`${pointer}/options`, error, null);
    const rows = options.map((option, index) => {
      const id = `${idBase}-o${index}`;
      const optionPointer = `${pointer}/options/${index}`;
      return h(
        "li",
        { class: "option-row", "data-pointer": optionPointer },
        localizedControl(this, {
          id: `${id}-label`,
          pointer: `${optionPointer}/label`,
          label: [`選択肢${index + 1}`, `Option ${index + 1}`],
          value: option.label,
          optional: false,
          onChange: (value) => {
            option.label = value ?? { ja: "" };
          },
        }),
        h(
          "span",
          { class: "row-actions" },
          ...this.moveButtons(id, option.label.ja, index, options.length, (to) => {
            const [moved] = options.splice(index, 1);
            options.splice(to, 0, moved!);
            return `${idBase}-o${to}`;
          }),
          this.editable
            ? button(
                actionLabel(`選択肢「${option.label.ja}」を`, "削除", "Delete"),
                () => {
                  if (options.length === 1) {
                    this.announce("選択肢は1つ以上必要です", "At least one option is needed");
                    return;
                  }
                  options.splice(index, 1);
                  this.changed();
                  this.announce(`選択肢「${option.label.ja}」を削除しました`, "Option deleted");
                  this.renderMain(`${idBase}-o${Math.min(index, options.length - 1)}-label-ja`);
                },
                {
                  id: `${id}-delete`,
                  class: "button secondary danger",
                },
              )
            : null,
        ),
        this.advanced(option, `${id}-advanced`, [
          textControl(this, {
            id: `${id}-value`,
            pointer: `${optionPointer}/value`,
            label: ["値（データ用）", "Value (data)"],
            hint: ["半角英小文字・数字・_", "Lowercase letters, digits and _"],
            value: option.value,
            attrs: { spellcheck: "false", autocomplete: "off" },
            onInput: (value) => {
              option.value = value.trim();
            },
          }),
        ]),
      );
    });
    const bulk = h("textarea", {
      id: `${idBase}-bulk`,
      rows: "4",
      "aria-describedby": `${idBase}-bulk-hint`,
    }) as HTMLTextAreaElement;
    const freshValue = () => {
      const taken = new Set(options.map((o) => o.value));
      let n = options.length + 1;
      while (taken.has(`option_${n}`)) {
        n++;
      }
      return `option_${n}`;
    };
    const untouched = () =>
      options.length === 2 &&
      options.every(
        (o, i) => o.value === `option_${i + 1}` && o.label.ja === `選択肢${i + 1}` && !o.label.en,
      );
    const addAll = button(
      bilingual("まとめて追加", "Add these options"),
      () => {
        const lines = bulk.value
          .split("\n")
          .map((line) => line.trim())
          .filter(Boolean);
        if (lines.length === 0) {
          this.announce("追加する選択肢を1行に1つずつ入力してください", "Type one option per line first");
          bulk.focus();
          return;
        }
        if (untouched()) {
          options.splice(0, options.length);
        }
        for (const line of lines) {
          const [ja, en] = line.split("|").map((part) => part.trim());
          options.push({ value: freshValue(), label: en ? { ja: ja!, en } : { ja: ja! } });
        }
        this.changed();
        this.announce(`選択肢を${lines.length}件追加しました`, `${lines.length} options added`);
        this.renderMain(`${idBase}-bulk`);
      },
      { id: `${idBase}-bulk-add` },
    );
    return h(
      "fieldset",
      { class: "options", "data-pointer": `${pointer}/options` },
      h("legend", {}, bilingual("選択肢", "Options")),
      error,
      h("ol", { class: "option-list" }, ...rows),
      this.editable
        ? h(
            "div",
            { class: "bulk" },
            button(
              bilingual("＋ 選択肢を1つ追加", "Add an option"),
              () => {
                options.push({ value: freshValue(), label: { ja: `選択肢${options.length + 1}` } });
                this.changed();
                this.renderMain(`${idBase}-o${options.length - 1}-label-ja`);
              },
              { id: `${idBase}-add-option` },
            ),
            h(
              "div",
              { class: "field" },
              h(
                "label",
                { for: `${idBase}-bulk` },
                bilingual("選択肢をまとめて入力", "Several options at once"),
              ),
              h(
                "p",
                { class: "hint", id: `${idBase}-bulk-hint` },
                bilingual(
                  "1行に1つ。英語は「日本語 | English」のように縦線で区切ります。初期の「選択肢1・2」は置き換えます。",
                  "One per line; add English after a bar, like 日本語 | English. The default two options are replaced.",
                ),
              ),
              bulk,
            ),
            addAll,
          )
        : null,
    );
  }

  groupSettings(place: Place, group: Extract<Field, { type: "group" }>): Child[] {
    const { idBase, pointer } = place;
    const members = group.fields as AnyField[];
    const list = h(
      "ol",
      { class: "field-list members" },
      ...members.map((_, index) =>
        this.fieldCard({
          list: members,
          index,
          idBase: `${idBase}-m${index}`,
          pointer: `${pointer}/fields/${index}`,
          group,
          page: place.page,
        }),
      ),
    );
    return [
      localizedControl(this, {
        id: `${idBase}-itemlabel`,
        pointer: `${pointer}/itemLabel`,
        label: ["1件の呼び方（例: お子さん）", "Name of one item (e.g. Child)"],
        hint: ["「お子さん 1」「お子さん 2」のように表示されます", "Shown as “Child 1”, “Child 2”"],
        value: group.itemLabel,
        optional: false,
        onChange: (value) => {
          group.itemLabel = value ?? { ja: "" };
        },
      }),
      h(
        "div",
        { class: "pair" },
        numberControl(this, {
          id: `${idBase}-minitems`,
          pointer: `${pointer}/minItems`,
          label: ["最低件数", "Fewest items"],
          value: group.minItems,
          attrs: { min: "0", max: "20", step: "1" },
          onInput: (value) => {
            group.minItems = value ?? 0;
          },
        }),
        numberControl(this, {
          id: `${idBase}-maxitems`,
          pointer: `${pointer}/maxItems`,
          label: ["最大件数", "Most items"],
          value: group.maxItems,
          attrs: { min: "1", max: "20", step: "1" },
          onInput: (value) => {
            group.maxItems = value ?? 5;
          },
        }),
      ),
      h(
        "div",
        { class: "group-members", "aria-labelledby": `${idBase}-members-heading`, role: "group" },
        h(
          "h4",
          { id: `${idBase}-members-heading` },
          bilingual(`「${group.itemLabel.ja}」ごとに聞く項目`, "Fields asked for each item"),
        ),
        members.length ? list : h("p", { class: "hint" }, bilingual("項目がありません", "No fields yet")),
        this.editable
          ? this.palette(
              `${idBase}-add`,
              memberFieldTypes,
              members,
              `${idBase}-m`,
              group,
              `「${group.label.ja}」に項目を追加`,
              "Add a field to the group",
            )
          : null,
      ),
    ];
  }

  // ── Errors ──
  /** Puts each server error next to the deepest control whose pointer contains it. */
  showErrors(): void {
    for (const error of this.errors) {
      let pointer = error.pointer;
      let slot = this.slots.get(pointer);
      while (!slot && pointer.includes("/")) {
        pointer = pointer.slice(0, pointer.lastIndexOf("/"));
        slot = this.slots.get(pointer);
      }
      if (!slot) {
        continue;
      }
      const message = h(
        "span",
        { class: "error-line" },
        `${error.detailJa ?? error.detail}`,
        error.detailJa ? h("span", { lang: "en", class: "en" }, ` ${error.detail}`) : null,
      );
      slot.slot.append(message);
      slot.slot.hidden = false;
      if (slot.control) {
        slot.control.setAttribute("aria-invalid", "true");
        const describedBy = slot.control.getAttribute("aria-describedby");
        if (!describedBy?.split(" ").includes(slot.slot.id)) {
          slot.control.setAttribute(
            "aria-describedby",
            [slot.slot.id, describedBy].filter(Boolean).join(" "),
          );
        }
      }
      for (
        let details = slot.slot.closest("details");
        details;
        details = details.parentElement?.closest("details") ?? null
      ) {
        details.open = true;
      }
    }
  }

  /** Where in the form an error pointer is, in words, and how to get there. */
  locate(pointer: string): { words: string; page: number | null; fields: AnyField[] } {
    const match = /^\/pages\/(\d+)(?:\/fields\/(\d+)(?:\/fields\/(\d+))?)?/.exec(pointer);
    if (!match) {
      return { words: both("フォームの設定", "Form settings"), page: null, fields: [] };
    }
    const page = this.draft.pages[Number(match[1])];
    if (!page) {
      return { words: both("ページ", "Pages"), page: null, fields: [] };
    }
    const words = [`ページ「${page.title.ja}」`];
    const fields: AnyField[] = [];
    const field = match[2] === undefined ? undefined : page.fields[Number(match[2])];
    if (field) {
      words.push(`項目「${fieldTitle(field)}」`);
      fields.push(field);
      if (field.type === "group" && match[3] !== undefined) {
        const member = field.fields[Number(match[3])];
        if (member) {
          words.push(`「${fieldTitle(member)}」`);
          fields.push(member);
        }
      }
    }
    return { words: words.join(" › "), page: Number(match[1]), fields };
  }

  renderSummary(): void {
    if (this.errors.length === 0 && !this.generalError) {
      this.summary.replaceChildren();
      return;
    }
    const items = this.errors.map((error, index) => {
      const place = this.locate(error.pointer);
      const go = h("a", { href: `#fb-error-${index}`, class: "error-go" }, place.words);
      go.addEventListener("click", (event) => {
        event.preventDefault();
        if (place.page !== null) {
          this.pageIndex = place.page;
        } else {
          this.settingsOpen = true;
        }
        for (const field of place.fields) {
          this.open.add(field);
        }
        this.renderMain();
        let pointer = error.pointer;
        let slot = this.slots.get(pointer);
        while (!slot && pointer.includes("/")) {
          pointer = pointer.slice(0, pointer.lastIndexOf("/"));
          slot = this.slots.get(pointer);
        }
        (slot?.control ?? slot?.slot.parentElement)?.focus();
        (slot?.control ?? slot?.slot)?.scrollIntoView({ block: "center" });
      });
      return h(
        "li",
        { id: `fb-error-${index}` },
        go,
        ": ",
        error.detailJa ?? error.detail,
        error.detailJa ? h("span", { lang: "en", class: "en" }, ` (${error.detail})`) : null,
      );
    });
    replace(
      this.summary,
      h(
        "div",
        { class: "error-summary", tabindex: "-1", id: "fb-error-summary" },
        h(
          "h2",
          {},
          this.errors.length
            ? bilingual(
                `保存できませんでした（${this.errors.length}件の問題）`,
                "Not saved: please fix these",
              )
            : bilingual("処理できませんでした", "That did not work"),
        ),
        this.generalError,
        items.length ? h("ul", {}, ...items) : null,
      ),
    );
  }

  // ── Actions ──
  fieldPaths(): Map<object, string> {
    const paths = new Map<object, string>();
    this.draft.pages.forEach((page, p) => {
      page.fields.forEach((field, f) => {
        paths.set(field, `${p}/${f}`);
        if (field.type === "group") {
          field.fields.forEach((member, m) => {
            paths.set(member, `${p}/${f}/${m}`);
          });
        }
      });
    });
    return paths;
  }

  fieldAt(path: string): object | undefined {
    const [p, f, m] = path.split("/").map(Number);
    const field = this.draft.pages[p!]?.fields[f!];
    return m === undefined ? field : field?.type === "group" ? field.fields[m] : undefined;
  }

  /** Takes the server's copy of the draft, keeping open what was open. */
  adopt(detail: FormDetail): void {
    const paths = this.fieldPaths();
    const openPaths = [...this.open].map((f) => paths.get(f)).filter((p): p is string => Boolean(p));
    const advancedPaths = [...this.advancedOpen]
      .map((f) => paths.get(f))
      .filter((p): p is string => Boolean(p));
    this.detail = detail;
    this.draft = clone(detail.draft);
    this.open.clear();
    this.advancedOpen.clear();
    for (const path of openPaths) {
      const field = this.fieldAt(path);
      if (field) {
        this.open.add(field);
      }
    }
    for (const path of advancedPaths) {
      const field = this.fieldAt(path);
      if (field) {
        this.advancedOpen.add(field);
      }
    }
    this.dirty = false;
  }

  async save(): Promise<boolean> {
    if (this.busy) {
      return false;
    }
    this.busy = true;
    this.announce("保存しています…", "Saving…");
    const result = await formsApi<FormDetail>(this.view, "PUT", `/forms/${this.detail.id}/draft`, {
      definition: this.draft,
    });
    this.busy = false;
    if (result.ok) {
      this.errors = [];
      this.generalError = null;
      const focused = document.activeElement?.id;
      this.adopt(result.body);
      this.renderSummary();
      this.renderHeading();
      this.renderBar();
      this.renderMain(focused);
      this.refreshPreview();
      this.announce("保存しました。プレビューを更新しました", "Saved; the preview is up to date");
      return true;
    }
    this.errors = (result.problem.errors ?? []).map((error) => ({
      ...error,
      pointer: error.pointer.replace(/^\/definition(?=\/|$)/, ""),
    }));
    this.generalError = this.errors.length
      ? null
      : h("p", {}, problemText(result, "編集する権限がありません"));
    const first = this.errors[0];
    if (first) {
      const place = this.locate(first.pointer);
      if (place.page !== null) {
        this.pageIndex = place.page;
      } else {
        this.settingsOpen = true;
      }
    }
    for (const error of this.errors) {
      for (const field of this.locate(error.pointer).fields) {
        this.open.add(field);
      }
    }
    this.announce("保存できませんでした", "Not saved");
    this.renderSummary();
    this.renderMain();
    document.getElementById("fb-error-summary")?.focus();
    return false;
  }

  discard(): void {
    this.adopt(this.detail);
    this.errors = [];
    this.generalError = null;
    this.renderSummary();
    this.renderBar();
    this.renderMain();
    this.announce("保存していない変更を取り消しました", "Unsaved changes discarded");
    this.status.focus();
  }

  /** A small confirmation box under the toolbar; Cancel puts focus back on the button that opened it. */
  confirm(
    triggerId: string,
    text: HTMLElement,
    confirmLabel: HTMLElement,
    action: () => Promise<void>,
    extra: Child = null,
  ): void {
    const cancel = button(
      bilingual("やめる", "Cancel"),
      () => {
        this.panel.replaceChildren();
        document.getElementById(triggerId)?.focus();
      },
      { id: "fb-confirm-cancel" },
    );
    const ok = button(confirmLabel, () => void action(), { id: "fb-confirm", class: "button" });
    this.panel.replaceChildren(
      h(
        "div",
        { class: "confirm-panel", role: "group", "aria-labelledby": "fb-confirm-text" },
        h("p", { id: "fb-confirm-text" }, text),
        extra,
        h("div", { class: "actions" }, ok, cancel),
      ),
    );
    (this.panel.querySelector<HTMLElement>("input") ?? ok).focus();
  }

  confirmPublish(): void {
    const next = (this.detail.versions.at(-1)?.number ?? 0) + 1;
    this.confirm(
      "fb-publish",
      bilingual(
        `下書きを第${next}版として公開しますか？ 住民が申請できるようになります。${this.dirty ? "保存していない変更は先に保存します。" : ""}申請の途中の人は、始めた版のまま続けられます。`,
        `Publish the draft as version ${next}? Residents can then apply.${this.dirty ? " Unsaved changes are saved first." : ""} People part-way through keep the version they started.`,
      ),
      bilingual("公開する", "Publish"),
      async () => {
        if (this.dirty && !(await this.save())) {
          this.panel.replaceChildren();
          return;
        }
        const result = await formsApi<FormDetail>(this.view, "POST", `/forms/${this.detail.id}/publish`);
        this.panel.replaceChildren();
        if (!result.ok) {
          this.failed(result, "公開する権限がありません（所属長のみ）");
          return;
        }
        this.detail = result.body;
        this.renderBar();
        this.announce(
          `第${result.body.currentVersion}版を公開しました`,
          `Published: version ${result.body.currentVersion} is live`,
        );
        this.status.focus();
      },
    );
  }

  confirmUnpublish(): void {
    this.confirm(
      "fb-unpublish",
      bilingual(
        "公開を停止しますか？ 新しい申請は受け付けなくなります。入力途中の人は最後まで申請できます。",
        "Unpublish? No new applications start; people part-way through can still finish.",
      ),
      bilingual("公開を停止する", "Unpublish"),
      async () => {
        const result = await formsApi<FormDetail>(this.view, "POST", `/forms/${this.detail.id}/unpublish`);
        this.panel.replaceChildren();
        if (!result.ok) {
          this.failed(result, "公開を停止する権限がありません（所属長のみ）");
          return;
        }
        this.detail = result.body;
        this.renderBar();
        this.announce("公開を停止しました", "Unpublished");
        this.status.focus();
      },
    );
  }

  askDuplicate(): void {
    const slug = h("input", {
      id: "fb-duplicate-slug",
      type: "text",
      value: `${this.detail.slug}-copy`.slice(0, 60),
      autocomplete: "off",
      spellcheck: "false",
      "aria-describedby": "fb-duplicate-slug-hint fb-duplicate-slug-error",
    }) as HTMLInputElement;
    const error = h("p", { class: "field-error", id: "fb-duplicate-slug-error", hidden: true });
    this.confirm(
      "fb-duplicate",
      bilingual(
        "このフォームの下書きを複製して、新しいフォームを作ります。",
        "Copy this form's draft into a new form.",
      ),
      bilingual("複製する", "Duplicate"),
      async () => {
        const result = await formsApi<FormDetail>(this.view, "POST", `/forms/${this.detail.id}/duplicate`, {
          slug: slug.value.trim(),
        });
        if (!result.ok) {
          const detail = result.problem.errors?.[0];
          error.replaceChildren(
            detail
              ? bilingual(detail.detailJa ?? detail.detail, detail.detailJa ? detail.detail : undefined)
              : problemText(result, "複製する権限がありません"),
          );
          error.hidden = false;
          slug.setAttribute("aria-invalid", "true");
          slug.focus();
          return;
        }
        this.view.navigate(`/staff/forms/${result.body.id}`);
      },
      h(
        "div",
        { class: "field" },
        h(
          "label",
          { for: "fb-duplicate-slug" },
          bilingual("新しいフォームのURL名", "URL name of the new form"),
        ),
        h(
          "p",
          { class: "hint", id: "fb-duplicate-slug-hint" },
          bilingual(
            "半角英小文字・数字・ハイフン（2〜60文字）",
            "Lowercase letters, digits and hyphens (2–60)",
          ),
        ),
        error,
        slug,
      ),
    );
  }

  failed(
    result: { status: number; problem: { title?: string; title_ja?: string } },
    forbidden: string,
  ): void {
    this.generalError = h(
      "p",
      {},
      problemText({ status: result.status, problem: result.problem }, forbidden),
    );
    this.errors = [];
    this.renderSummary();
    this.announce("処理できませんでした", "That did not work");
    document.getElementById("fb-error-summary")?.focus();
  }

  // ── Preview ──
  refreshPreview(): void {
    const pages = this.detail.draft.pages;
    const selected = this.pagePicker.value;
    this.pagePicker.replaceChildren(
      ...pages.map((page, index) =>
        h("option", { value: page.key, selected: page.key === selected }, `${index + 1}. ${page.title.ja}`),
      ),
    );
    if (!pages.some((p) => p.key === selected)) {
      this.pagePicker.value = pages[0]?.key ?? "";
    }
    this.loadPreview();
  }

  loadPreview(): void {
    // Setting src, even to the same address, loads the page again: the preview shows the saved draft.
    this.previewFrame.src = `/staff/forms/${this.detail.id}/preview?page=${encodeURIComponent(this.pagePicker.value)}`;
  }
}

export const LEAVE_WARNING =
  "保存していない変更があります。変更を捨てて移動しますか？\n(You have unsaved changes. Leave and lose them?)";

/** The editor on screen, if any: asked before leaving it, so unsaved edits are not lost by a click. */
let mounted: FormEditor | null = null;

export function hasUnsavedChanges(): boolean {
  return Boolean(mounted?.dirty && mounted.view.main.contains(mounted.heading));
}

window.addEventListener("beforeunload", (event) => {
  if (hasUnsavedChanges()) {
    event.preventDefault();
  }
});

// The console's menu is outside the editor: ask before one of its links drops unsaved edits too (links
// inside the editor ask through `navigate`).
window.addEventListener(
  "click",
  (event) => {
    const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (link && hasUnsavedChanges() && !mounted?.view.main.contains(link) && !window.confirm(LEAVE_WARNING)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  },
  true,
);

export async function renderEditor(view: FormsView, formId: string): Promise<void> {
  const result = await formsApi<FormDetail>(view, "GET", `/forms/${encodeURIComponent(formId)}`);
  if (!result.ok) {
    view.main.replaceChildren(
      h("h1", { tabindex: "-1" }, bilingual("申請フォーム", "Forms")),
      h(
        "p",
        { class: "notice" },
        result.status === 404
          ? bilingual("フォームが見つかりません", "Form not found")
          : problemText(result, "このフォームを見る権限がありません"),
      ),
    );
    return;
  }
  mounted = new FormEditor(view, result.body);
  mounted.mount();
}
