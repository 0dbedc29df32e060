// The builder's palette: every field type of the definition format, named for staff, and a sensible new
// field of each type (staff edit the label; the key is made up for them).
import type { Field, FieldType, FormDefinition, GroupMemberField } from "./forms-types.ts";

type TypeInfo = { ja: string; en: string; prefix: string; label: string };

/** A Record over FieldType, so a type added to the format fails to compile until the palette has it. */
export const fieldTypes: Record<FieldType, TypeInfo> = {
  text: { ja: "短い文章", en: "Short text", prefix: "text", label: "質問" },
  textarea: { ja: "長い文章", en: "Long text", prefix: "note", label: "詳しい内容" },
  number: { ja: "数値", en: "Number", prefix: "number", label: "数" },
  email: { ja: "メールアドレス", en: "Email", prefix: "email", label: "メールアドレス" },
  phone: { ja: "電話番号", en: "Phone number", prefix: "phone", label: "電話番号" },
  postal_code: { ja: "郵便番号", en: "Postal code", prefix: "postal_code", label: "郵便番号" },
  address: { ja: "住所", en: "Address", prefix: "address", label: "住所" },
  name: { ja: "氏名（フリガナ付き）", en: "Name with furigana", prefix: "name", label: "氏名" },
  date: { ja: "日付", en: "Date", prefix: "date", label: "日付" },
  choice: { ja: "選択（1つ）", en: "Single choice", prefix: "choice", label: "選んでください" },
  multi_choice: {
    ja: "選択（複数）",
    en: "Multiple choice",
    prefix: "choices",
    label: "当てはまるものをすべて選んでください",
  },
  consent: { ja: "同意のチェック", en: "Consent checkbox", prefix: "consent", label: "内容に同意します" },
  file: { ja: "ファイル添付", en: "File upload", prefix: "file", label: "添付書類" },
  signature: { ja: "署名", en: "Signature", prefix: "signature", label: "署名" },
  location: { ja: "地図の位置", en: "Map location", prefix: "location", label: "場所" },
  info: { ja: "説明文", en: "Information text", prefix: "info", label: "説明文" },
  computed: { ja: "計算（手数料など）", en: "Computed value", prefix: "total", label: "合計" },
  group: {
    ja: "繰り返し（例: お子さんごと）",
    en: "Repeating group",
    prefix: "group",
    label: "繰り返し項目",
  },
};

export const allFieldTypes = Object.keys(fieldTypes) as FieldType[];

/** Types allowed inside a repeating group (the format allows one level, without files or signatures). */
export const memberFieldTypes = [
  "text",
  "textarea",
  "number",
  "email",
  "phone",
  "name",
  "date",
  "choice",
  "multi_choice",
  "consent",
  "info",
] as const satisfies readonly GroupMemberField["type"][];

/** Every key in use anywhere in the form (fields and group members), so new keys never collide. */
export function usedKeys(form: FormDefinition): Set<string> {
  const keys = new Set<string>();
  for (const page of form.pages) {
    for (const field of page.fields) {
      keys.add(field.key);
      if (field.type === "group") {
        for (const member of field.fields) {
          keys.add(member.key);
        }
      }
    }
  }
  return keys;
}

export function freshKey(prefix: string, taken: Set<string>): string {
  if (!taken.has(prefix)) {
    return prefix;
  }
  let n = 2;
  while (taken.has(`${prefix}_${n}`)) {
    n++;
  }
  return `${prefix}_${n}`;
}

function defaultOptions() {
  return [
    { value: "option_1", label: { ja: "選択肢1" } },
    { value: "option_2", label: { ja: "選択肢2" } },
  ];
}

/** A new, valid field of this type with the default settings of the format. */
export function newField(type: FieldType, key: string, taken: Set<string>): Field {
  const label = { ja: fieldTypes[type].label };
  const base = { key, label, required: false };
  switch (type) {
    case "text":
      return { ...base, type, maxLength: 200 };
    case "textarea":
      return { ...base, type, maxLength: 2000 };
    case "number":
      return { ...base, type, integer: true };
    case "name":
      return { ...base, type, withKana: true };
    case "choice":
      return { ...base, type, options: defaultOptions(), display: "radio" };
    case "multi_choice":
      return { ...base, type, options: defaultOptions() };
    case "file":
      return { ...base, type, accept: ["image", "pdf"], maxFiles: 1, maxSizeMb: 10 };
    case "info":
      return { key, type, text: { ja: "ここに説明を書きます。" } };
    case "computed":
      return { key, type, label, expression: 0, format: "yen" };
    case "group": {
      taken.add(key);
      const memberKey = freshKey("text", taken);
      return {
        ...base,
        type,
        itemLabel: { ja: "項目" },
        fields: [{ key: memberKey, type: "text", label: { ja: "質問" }, required: false, maxLength: 200 }],
        minItems: 1,
        maxItems: 5,
      };
    }
    case "email":
    case "phone":
    case "postal_code":
    case "address":
    case "date":
    case "consent":
    case "signature":
    case "location":
      return { ...base, type };
  }
}

/** Whether a field takes an answer a condition can test (information text and groups do not). */
export function isAnswerable(field: Field | GroupMemberField): boolean {
  return !["info", "group", "file", "signature", "location"].includes(field.type);
}
