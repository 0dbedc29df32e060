import type { z } from "zod";
import { problems } from "../../../core/http/problem.ts";
import { fieldErrors } from "../../../core/http/validation.ts";

/**
 * Japanese for the few built-in checks whose zod Japanese is only 「無効な入力」 (the definition's own
 * cross-checks carry their Japanese in `params.ja`, see core/http/validation.ts).
 */
const customJapanese: [RegExp, (match: RegExpMatchArray) => string][] = [
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
