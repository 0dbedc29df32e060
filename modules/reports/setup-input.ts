import type { Bilingual } from "../../core/http/problem.ts";
import { wholeNumber } from "./staff-changes.ts";

/** Field errors of a setup form, keyed by the field's name, shown beside what was typed. */
type SetupErrors = Record<string, Bilingual>;

/**
 * A setup text typed in Japanese and English (fields `<field>Ja` and `<field>En`), both required since
 * residents read either; cut to `max` characters.
 */
export function textInBothLanguages(
  errors: SetupErrors,
  field: string,
  typed: { ja: string; en: string },
  what: Bilingual,
  max: number,
): { ja: string; en: string } {
  const ja = typed.ja.trim().slice(0, max);
  const en = typed.en.trim().slice(0, max);
  if (!ja) {
    errors[`${field}Ja`] = {
      ja: `${what.ja}（日本語）を入力してください`,
      en: `Enter the Japanese ${what.en}`,
    };
  }
  if (!en) {
    errors[`${field}En`] = { ja: `${what.ja}（英語）を入力してください`, en: `Enter the English ${what.en}` };
  }
  return { ja, en };
}

/** A list position typed in a setup form (blank is 0); null, with the error noted, when out of range. */
export function sortOrderField(errors: SetupErrors, typed: string): number | null {
  const sortOrder = typed.trim() === "" ? 0 : wholeNumber(typed, -1_000_000, 1_000_000);
  if (sortOrder === null) {
    errors["sortOrder"] = {
      ja: "順番は-1000000〜1000000の整数です",
      en: "Order is a whole number from -1000000 to 1000000",
    };
  }
  return sortOrder;
}
