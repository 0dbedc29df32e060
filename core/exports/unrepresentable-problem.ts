import { ProblemError } from "../http/problem.ts";
import type { UnrepresentableCharacter } from "./csv.ts";

/** A busy export could hold thousands; the first ones are enough to find and fix the data. */
const LISTED = 200;

/** RFC 6901: ~ and / in a column name would otherwise split the pointer. */
const pointerToken = (text: string) => text.replaceAll("~", "~0").replaceAll("/", "~1");

/**
 * The 422 answer to a CP932 export that would lose characters: each as row, column, character and code
 * point, in Japanese and English, with the two ways out (UTF-8, or 〓 in their place).
 */
export function unrepresentableProblem(characters: readonly UnrepresentableCharacter[]): ProblemError {
  const listed = characters.slice(0, LISTED);
  const more = characters.length - listed.length;
  return new ProblemError(
    422,
    "unrepresentable-characters",
    {
      ja: "CP932（Shift_JIS）で表せない文字があります",
      en: "Some characters cannot be written in CP932 (Shift_JIS)",
    },
    {
      detail:
        `${characters.length} character(s); choose UTF-8, or onUnrepresentable=replace to write 〓 in their place` +
        `${more > 0 ? ` (first ${LISTED} listed)` : ""}. / ${characters.length}件あります。UTF-8を選ぶか、` +
        `onUnrepresentable=replace で〓に置き換えてください${more > 0 ? `（先頭の${LISTED}件を表示）` : ""}。`,
      errors: listed.map(({ row, column, character, codePoint }) => ({
        pointer: `/rows/${row}/${pointerToken(column)}`,
        detail: `${row === 0 ? "Header row" : `Row ${row}`}, column "${column}": "${character}" (${codePoint}) cannot be written in CP932`,
        detailJa: `${row === 0 ? "見出し行" : `${row}行目`}「${column}」の「${character}」（${codePoint}）はCP932で表せません`,
      })),
    },
  );
}
