import type { FormDefinitionInput } from "../../modules/forms/definition/form-definition.ts";

/**
 * The bench form: one list of 30 fields, turned into our definition format, SurveyJS JSON and Form.io JSON,
 * so the three renderers draw the same form (same fields, labels, options, required flags, one page).
 * Types are the ones all three have natively; file, signature and location are left out because the
 * libraries' versions of them differ too much to compare.
 */

type Choice = { value: string; label: string };

export type BenchField =
  | { kind: "text" | "textarea" | "email" | "phone" | "postal_code" | "address" | "date"; key: string }
  | { kind: "number"; key: string; min: number; max: number }
  | { kind: "radio" | "select" | "checkboxes"; key: string; options: readonly Choice[] }
  | { kind: "consent"; key: string };

type Labelled = BenchField & { label: string; required: boolean };

const choices = (...pairs: [string, string][]): Choice[] => pairs.map(([value, label]) => ({ value, label }));

export const FORM_TITLE = "転入に伴う各種手続きの申請（ベンチマーク用）";
export const PAGE_TITLE = "申請者と世帯の情報";

export const benchFields: readonly Labelled[] = [
  { kind: "text", key: "family_name", label: "氏（姓）", required: true },
  { kind: "text", key: "given_name", label: "名", required: true },
  { kind: "text", key: "family_name_kana", label: "氏（フリガナ）", required: true },
  { kind: "text", key: "given_name_kana", label: "名（フリガナ）", required: true },
  { kind: "date", key: "birth_date", label: "生年月日", required: true },
  {
    kind: "radio",
    key: "gender",
    label: "性別",
    required: false,
    options: choices(["female", "女性"], ["male", "男性"], ["other", "その他"], ["unanswered", "回答しない"]),
  },
  { kind: "postal_code", key: "postal_code", label: "郵便番号", required: true },
  { kind: "address", key: "address", label: "住所", required: true },
  { kind: "text", key: "building", label: "建物名・部屋番号", required: false },
  { kind: "phone", key: "phone", label: "電話番号", required: true },
  { kind: "email", key: "email", label: "メールアドレス", required: true },
  { kind: "number", key: "household_size", label: "世帯の人数", required: true, min: 1, max: 20 },
  {
    kind: "select",
    key: "previous_prefecture",
    label: "転入前の都道府県",
    required: true,
    options: choices(
      ["hokkaido", "北海道"],
      ["miyagi", "宮城県"],
      ["tokyo", "東京都"],
      ["kanagawa", "神奈川県"],
      ["aichi", "愛知県"],
      ["osaka", "大阪府"],
      ["hiroshima", "広島県"],
      ["fukuoka", "福岡県"],
      ["okinawa", "沖縄県"],
      ["abroad", "国外"],
    ),
  },
  { kind: "text", key: "previous_address", label: "転入前の住所", required: true },
  { kind: "date", key: "moved_on", label: "転入した日", required: true },
  {
    kind: "select",
    key: "relationship",
    label: "世帯主との続柄",
    required: true,
    options: choices(
      ["self", "本人"],
      ["spouse", "配偶者"],
      ["child", "子"],
      ["parent", "親"],
      ["other", "その他"],
    ),
  },
  {
    kind: "radio",
    key: "occupation",
    label: "職業",
    required: false,
    options: choices(
      ["employee", "会社員"],
      ["self_employed", "自営業"],
      ["student", "学生"],
      ["none", "無職"],
    ),
  },
  { kind: "text", key: "employer", label: "勤務先・学校名", required: false },
  { kind: "phone", key: "employer_phone", label: "勤務先の電話番号", required: false },
  { kind: "number", key: "children", label: "中学生以下のお子さんの人数", required: false, min: 0, max: 10 },
  {
    kind: "checkboxes",
    key: "procedures",
    label: "あわせて行う手続き",
    required: true,
    options: choices(
      ["national_health_insurance", "国民健康保険"],
      ["national_pension", "国民年金"],
      ["child_allowance", "児童手当"],
      ["school_enrolment", "小中学校の転入学"],
      ["seal_registration", "印鑑登録"],
      ["water", "水道の使用開始"],
    ),
  },
  {
    kind: "radio",
    key: "has_my_number_card",
    label: "マイナンバーカードをお持ちですか",
    required: true,
    options: choices(["yes", "はい"], ["no", "いいえ"]),
  },
  { kind: "date", key: "visit_date", label: "来庁予定日", required: false },
  {
    kind: "select",
    key: "visit_time",
    label: "来庁予定の時間帯",
    required: false,
    options: choices(["morning", "午前"], ["afternoon", "午後"], ["evening", "夜間窓口"]),
  },
  {
    kind: "radio",
    key: "contact_method",
    label: "ご連絡の方法",
    required: true,
    options: choices(["email", "メール"], ["phone", "電話"], ["post", "郵便"]),
  },
  { kind: "email", key: "alternate_email", label: "予備のメールアドレス", required: false },
  {
    kind: "checkboxes",
    key: "heard_from",
    label: "この申請を知ったきっかけ",
    required: false,
    options: choices(
      ["website", "市のウェブサイト"],
      ["newsletter", "広報紙"],
      ["counter", "窓口"],
      ["friend", "知人"],
    ),
  },
  { kind: "textarea", key: "notes", label: "窓口へのご要望", required: false },
  { kind: "textarea", key: "accessibility_needs", label: "来庁時に必要な配慮", required: false },
  { kind: "consent", key: "consent", label: "入力内容に誤りがないことを確認しました", required: true },
];

/** Our format (様式定義 v1): one page with all 30 fields, open to guests so the bench needs no sign-in. */
export function tenohiraDefinition(): FormDefinitionInput {
  return {
    schema_version: 1,
    title: { ja: FORM_TITLE },
    assuranceLevel: "none",
    pages: [
      {
        key: "applicant",
        title: { ja: PAGE_TITLE },
        fields: benchFields.map(tenohiraField),
      },
    ],
  };
}

type TenohiraField = NonNullable<FormDefinitionInput["pages"]>[number]["fields"][number];

function tenohiraField(field: Labelled): TenohiraField {
  const base = { key: field.key, label: { ja: field.label }, required: field.required };
  const options = (list: readonly Choice[]) =>
    list.map((option) => ({ value: option.value, label: { ja: option.label } }));
  switch (field.kind) {
    case "text":
    case "textarea":
    case "email":
    case "phone":
    case "postal_code":
    case "address":
    case "date":
    case "consent":
      return { ...base, type: field.kind };
    case "number":
      return { ...base, type: "number", min: field.min, max: field.max };
    case "radio":
      return { ...base, type: "choice", display: "radio", options: options(field.options) };
    case "select":
      return { ...base, type: "choice", display: "select", options: options(field.options) };
    case "checkboxes":
      return { ...base, type: "multi_choice", options: options(field.options) };
  }
}

type Json = Record<string, unknown>;

/** SurveyJS (survey-core) JSON: one page, native input types where SurveyJS has them. */
export function surveyJsDefinition(): Json {
  return {
    title: FORM_TITLE,
    pages: [{ name: "applicant", title: PAGE_TITLE, elements: benchFields.map(surveyJsElement) }],
  };
}

function surveyJsElement(field: Labelled): Json {
  const base = { name: field.key, title: field.label, isRequired: field.required };
  const choicesOf = (list: readonly Choice[]) =>
    list.map((option) => ({ value: option.value, text: option.label }));
  switch (field.kind) {
    case "text":
    case "postal_code":
    case "address":
      return { ...base, type: "text" };
    case "textarea":
      return { ...base, type: "comment" };
    case "email":
      return { ...base, type: "text", inputType: "email" };
    case "phone":
      return { ...base, type: "text", inputType: "tel" };
    case "date":
      return { ...base, type: "text", inputType: "date" };
    case "number":
      return { ...base, type: "text", inputType: "number", min: field.min, max: field.max };
    case "radio":
      return { ...base, type: "radiogroup", choices: choicesOf(field.options) };
    case "select":
      return { ...base, type: "dropdown", choices: choicesOf(field.options) };
    case "checkboxes":
      return { ...base, type: "checkbox", choices: choicesOf(field.options) };
    case "consent":
      return { ...base, type: "boolean", renderAs: "checkbox" };
  }
}

/** Form.io JSON: one form (a single page, display "form") with the components Form.io has for each type. */
export function formioDefinition(): Json {
  const components = benchFields.map(formioComponent);
  components.push({ type: "button", action: "submit", key: "submit", label: "送信", input: true });
  return { title: FORM_TITLE, display: "form", components };
}

function formioComponent(field: Labelled): Json {
  const base = {
    key: field.key,
    label: field.label,
    input: true,
    validate: { required: field.required },
  };
  const valuesOf = (list: readonly Choice[]) =>
    list.map((option) => ({ value: option.value, label: option.label }));
  switch (field.kind) {
    case "text":
    case "postal_code":
    case "address":
      return { ...base, type: "textfield" };
    case "textarea":
      return { ...base, type: "textarea" };
    case "email":
      return { ...base, type: "email" };
    case "phone":
      return { ...base, type: "phoneNumber" };
    case "date":
      return { ...base, type: "datetime", enableTime: false, format: "yyyy-MM-dd" };
    case "number":
      return { ...base, type: "number", validate: { ...base.validate, min: field.min, max: field.max } };
    case "radio":
      return { ...base, type: "radio", values: valuesOf(field.options) };
    case "select":
      return { ...base, type: "select", data: { values: valuesOf(field.options) } };
    case "checkboxes":
      return { ...base, type: "selectboxes", values: valuesOf(field.options) };
    case "consent":
      return { ...base, type: "checkbox" };
  }
}
