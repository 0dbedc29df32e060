import iconv from "iconv-lite";

export type CellValue = string | number | null;

export type CsvEncoding = "utf-8" | "cp932";

/** A character CP932 cannot hold, where it is: `row` counts data rows from 1 (0 is the header row). */
export type UnrepresentableCharacter = {
  row: number;
  column: string;
  character: string;
  /** "U+20BB7". */
  codePoint: string;
};

export type EncodeCsvOptions = {
  header: string[];
  rows: CellValue[][];
  encoding: CsvEncoding;
  /**
   * CP932 only. "refuse" (default): the caller must not hand out the bytes when `unrepresentable` is not
   * empty (answer 422 listing them). "replace": each such character becomes 〓 (げた記号), still reported.
   */
  onUnrepresentable?: "refuse" | "replace";
};

export type EncodedCsv = { bytes: Uint8Array; unrepresentable: UnrepresentableCharacter[] };

const UTF8_BOM = new Uint8Array([0xef, 0xbb, 0xbf]);
export const REPLACEMENT_CHARACTER = "〓";

/**
 * The same JIS X 0208 characters under the code points other systems (macOS input, JIS mapping tables) use
 * and the ones CP932 (Windows) uses: the "wave dash problem". A resident's 9時〜17時 typed on a Mac is the
 * same character as Windows' ～, so it is mapped, not reported. Anything else CP932 lacks is reported.
 */
const cp932Equivalents: ReadonlyMap<string, string> = new Map([
  ["\u301c", "\uff5e"], // 〜 WAVE DASH → ～
  ["\u2212", "\uff0d"], // − MINUS SIGN → －
  ["\u2014", "\u2015"], // — EM DASH → ―
  ["\u2016", "\u2225"], // ‖ DOUBLE VERTICAL LINE → ∥
  ["\u00a2", "\uffe0"], // ¢ → ￠
  ["\u00a3", "\uffe1"], // £ → ￡
  ["\u00ac", "\uffe2"], // ¬ → ￢
  // CP932's 0x5C reads back as a backslash, so the yen sign goes to the full-width one JIS X 0208 has.
  ["\u00a5", "\uffe5"], // ¥ → ￥
]);

/** Whether CP932 holds the character: it must encode and decode back to itself (iconv-lite writes "?" otherwise). */
const holdable = new Map<string, boolean>();
function cp932Holds(character: string): boolean {
  const code = character.codePointAt(0)!;
  if (code < 0x80) {
    return true;
  }
  let known = holdable.get(character);
  if (known === undefined) {
    known = iconv.decode(iconv.encode(character, "cp932"), "cp932") === character;
    holdable.set(character, known);
  }
  return known;
}

/**
 * Spreadsheet formula injection (CWE-1236): Excel and LibreOffice run a cell typed as =, +, - or @ (and
 * strip a leading tab or CR before looking), so a resident's answer such as =HYPERLINK(...) could run on
 * a staff member's machine. Text starting with one of them gets a leading apostrophe, which spreadsheets
 * show as plain text; a program reading the CSV sees the apostrophe. Numbers pass as they are.
 */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function cellText(value: CellValue): string {
  if (value === null) {
    return "";
  }
  if (typeof value === "number") {
    return Number.isFinite(value) ? String(value) : "";
  }
  return neutraliseFormula(value);
}

/** RFC 4180: quote a field holding a quote, comma, CR or LF, and double its quotes. */
function quoted(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A CSV file: RFC 4180 quoting, CRLF line ends. UTF-8 starts with a BOM so Excel reads it as UTF-8; CP932
 * (Shift_JIS with Microsoft's extensions, e.g. 髙 and ①) serves Excel on older setups and legacy core
 * systems. Characters CP932 cannot hold (𠮷, emoji, ♡, accented Latin) are reported with their row and
 * column, never silently dropped: refused by default, replaced by 〓 when asked.
 *
 * @example
 * const { bytes, unrepresentable } = encodeCsv({ header: ["氏名"], rows: [["吉田"]], encoding: "cp932" });
 * if (unrepresentable.length > 0) { ... answer 422 listing them ... }
 */
export function encodeCsv({
  header,
  rows,
  encoding,
  onUnrepresentable = "refuse",
}: EncodeCsvOptions): EncodedCsv {
  const unrepresentable: UnrepresentableCharacter[] = [];
  const toCp932 = (text: string, row: number, column: string): string => {
    let out = "";
    const seen = new Set<string>();
    for (const original of text) {
      const character = cp932Equivalents.get(original) ?? original;
      if (cp932Holds(character)) {
        out += character;
        continue;
      }
      if (!seen.has(character)) {
        seen.add(character);
        unrepresentable.push({ row, column, character, codePoint: codePointOf(character) });
      }
      out += REPLACEMENT_CHARACTER;
    }
    return out;
  };
  const line = (cells: readonly CellValue[], row: number): string =>
    cells
      .map((value, index) => {
        const text = cellText(value);
        return quoted(encoding === "cp932" ? toCp932(text, row, header[index] ?? `#${index + 1}`) : text);
      })
      .join(",");
  const text = [line(header, 0), ...rows.map((cells, index) => line(cells, index + 1))]
    .map((l) => `${l}\r\n`)
    .join("");
  if (encoding === "utf-8") {
    const body = new TextEncoder().encode(text);
    const bytes = new Uint8Array(UTF8_BOM.length + body.length);
    bytes.set(UTF8_BOM);
    bytes.set(body, UTF8_BOM.length);
    return { bytes, unrepresentable };
  }
  if (unrepresentable.length > 0 && onUnrepresentable === "refuse") {
    return { bytes: new Uint8Array(0), unrepresentable };
  }
  return { bytes: new Uint8Array(iconv.encode(text, "cp932")), unrepresentable };
}

/** "U+20BB7" for 𠮷. */
export function codePointOf(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}
