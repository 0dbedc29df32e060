import type { z } from "zod";
import { problems } from "../../../core/http/problem.ts";
import { fieldErrors } from "../../../core/http/validation.ts";

/**
 * Japanese for the cross-checks of form-definition.ts, whose messages are English only (zod's Japanese
 * locale would say just 「無効な入力」).
 */
const customJapanese: [RegExp, (match: RegExpMatchArray) => string][] = [
  [
    /^Field key (\S+) is used twice in group (\S+)$/,
    (m) => `グループ「${m[2]}」の中で項目キー「${m[1]}」が重複しています`,
  ],
  [/^Field key (\S+) is used twice$/, (m) => `項目キー「${m[1]}」が重複しています`],
  [/^minItems is above maxItems$/, () => "最少件数が最多件数を超えています"],
  [/^Skip target (\S+) must be a later page$/, (m) => `分岐先「${m[1]}」は後のページでなければなりません`],
  [/^Page keys must be unique$/, () => "ページのキーが重複しています"],
  [
    /^fillsAddress must name an address field on the same page$/,
    () => "住所の自動入力先は同じページの住所項目にしてください",
  ],
  [/^closesAt must be after opensAt$/, () => "受付終了日時は受付開始日時より後にしてください"],
  [
    /^lowercase letters, digits and _, starting with a letter$/,
    () => "キーは英小文字で始め、英小文字・数字・_ で書いてください",
  ],
  [/^Invalid discriminator value/, () => "項目の種類が正しくありません"],
];

/**
 * Parses staff-supplied JSON (a definition, an imported file) or refuses it with a 400 naming every bad
 * place as a JSON pointer under `pointer` (e.g. "/definition"), in English and Japanese.
 */
export function parseOrRefuse<T extends z.ZodType>(schema: T, input: unknown, pointer: string): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) {
    return result.data;
  }
  throw problems.invalidRequest(
    fieldErrors(result.error.issues).map((error) => {
      const known = customJapanese
        .map(([pattern, translate]) => {
          const match = error.detail.match(pattern);
          return match ? translate(match) : null;
        })
        .find((text) => text !== null);
      return {
        pointer: error.pointer === "/" ? pointer : `${pointer}${error.pointer}`,
        detail: error.detail,
        detailJa: known ?? error.detailJa ?? error.detail,
      };
    }),
  );
}
