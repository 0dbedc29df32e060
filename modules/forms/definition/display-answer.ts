import type { AnswerValue, AttachmentRef, LocationValue, NameValue } from "./answers.ts";
import type { Field, GroupMemberField, LocalizedText } from "./form-definition.ts";
import { toJapaneseEra } from "./japanese-era.ts";

export type Lang = "ja" | "en";

/** Text in the reader's language, falling back to Japanese. */
export function localized(text: LocalizedText | undefined, lang: Lang): string {
  return text ? (lang === "en" ? (text.en ?? text.ja) : text.ja) : "";
}

const yen = (amount: number) => `${amount.toLocaleString("ja-JP")}円`;

/**
 * One answer as a person reads it (check-answers page, receipt, staff view): choices by their label,
 * dates with 和暦, names with their reading. Group items are shown by the caller, one row per member.
 */
export function displayAnswer(
  field: Field | GroupMemberField,
  value: AnswerValue | null,
  lang: Lang,
): string {
  if (value === null || value === undefined || value === "") {
    return lang === "ja" ? "（未回答）" : "(not answered)";
  }
  switch (field.type) {
    case "choice":
      return localized(field.options.find((o) => o.value === value)?.label, lang) || String(value);
    case "multi_choice":
      return (value as string[])
        .map((v) => localized(field.options.find((o) => o.value === v)?.label, lang) || v)
        .join(lang === "ja" ? "、" : ", ");
    case "consent":
      return value === true
        ? lang === "ja"
          ? "同意する"
          : "Agreed"
        : lang === "ja"
          ? "同意しない"
          : "Not agreed";
    case "date": {
      const era = toJapaneseEra(String(value), lang);
      return era && lang === "ja" ? `${era}（${String(value)}）` : String(value);
    }
    case "name": {
      const name = value as NameValue;
      return name.kana ? `${name.name}（${name.kana}）` : name.name;
    }
    case "number":
      return `${Number(value).toLocaleString("ja-JP")}${localized(field.unit, lang)}`;
    case "computed":
      return field.format === "yen" ? yen(Number(value)) : Number(value).toLocaleString("ja-JP");
    case "location": {
      const point = value as LocationValue;
      return `${point.lat.toFixed(6)}, ${point.lng.toFixed(6)}`;
    }
    case "file":
      return (value as AttachmentRef[]).map((file) => file.name).join(lang === "ja" ? "、" : ", ");
    case "signature":
      return "typed" in (value as object)
        ? (value as { typed: string }).typed
        : lang === "ja"
          ? "手書き署名あり"
          : "Signed by hand";
    case "postal_code":
      return `〒${String(value)}`;
    default:
      return String(value);
  }
}

export { yen };
