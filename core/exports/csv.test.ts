import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { type CellValue, encodeCsv } from "./csv.ts";

/** An RFC 4180 reader, as a spreadsheet or a core system would read the file. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inQuotes) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        inQuotes = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      inQuotes = true;
    } else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i++;
    } else {
      field += c;
    }
  }
  expect(field, "the file ends with CRLF").toBe("");
  return records;
}

const header = ["受付番号", "氏名", "住所", "手数料"];
const japaneseRows: CellValue[][] = [
  ["A7K2-9QXP", "髙橋 﨑子", "てのひら市中央1丁目2番3号 ①号室", 300],
  ["B3M8-2HTR", "ｶﾀｶﾅ ﾀﾛｳ", "㈱てのひら商事 気付", 0],
  ["C4N9-7WZE", '山田, "花子"', "一行目\r\n二行目\n三行目", null],
];

describe("encodeCsv", () => {
  it("quotes per RFC 4180 and ends every line with CRLF", () => {
    const { bytes, unrepresentable } = encodeCsv({
      header: ["a", "b", "c"],
      rows: [
        ["plain", 'say "hi"', "x,y"],
        ["line\nbreak", null, 12.5],
      ],
      encoding: "utf-8",
    });
    expect(unrepresentable).toEqual([]);
    const text = new TextDecoder().decode(bytes.subarray(3));
    expect(text).toBe('a,b,c\r\nplain,"say ""hi""","x,y"\r\n"line\nbreak",,12.5\r\n');
    expect(parseCsv(text)).toEqual([
      ["a", "b", "c"],
      ["plain", 'say "hi"', "x,y"],
      ["line\nbreak", "", "12.5"],
    ]);
  });

  it("writes UTF-8 with a BOM so Excel reads it as UTF-8, any character included", () => {
    const rows: CellValue[][] = [...japaneseRows, ["D1", "吉田 𠮷子 😀 ♡", "", 1]];
    const { bytes, unrepresentable } = encodeCsv({ header, rows, encoding: "utf-8" });
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(unrepresentable).toEqual([]);
    const decoded = parseCsv(new TextDecoder("utf-8", { ignoreBOM: false }).decode(bytes));
    expect(decoded).toEqual([header, ...rows.map((r) => r.map((v) => (v === null ? "" : String(v))))]);
  });

  it("writes CP932 that decodes back to exactly the same table (NEC and IBM extensions included)", () => {
    const { bytes, unrepresentable } = encodeCsv({ header, rows: japaneseRows, encoding: "cp932" });
    expect(unrepresentable).toEqual([]);
    // No BOM in CP932, and it really is Shift_JIS: 受 is 0x8EF3.
    expect([...bytes.subarray(0, 2)]).toEqual([0x8e, 0xf3]);
    expect(new TextDecoder("utf-8", { fatal: false }).decode(bytes)).not.toContain("受付番号");
    const decoded = parseCsv(iconv.decode(Buffer.from(bytes), "cp932"));
    expect(decoded).toEqual([
      header,
      ...japaneseRows.map((r) => r.map((v) => (v === null ? "" : String(v)))),
    ]);
    // The WHATWG decoder browsers and Node share (Shift_JIS = CP932 there) reads it the same way.
    expect(parseCsv(new TextDecoder("shift_jis").decode(bytes))).toEqual(decoded);
  });

  it("maps the JIS/CP932 look-alikes (wave dash problem) instead of reporting them", () => {
    const { bytes, unrepresentable } = encodeCsv({
      header: ["時間"],
      rows: [["9時〜17時 −5 ‖ ¥300"]],
      encoding: "cp932",
    });
    expect(unrepresentable).toEqual([]);
    expect(parseCsv(iconv.decode(Buffer.from(bytes), "cp932"))[1]).toEqual(["9時～17時 －5 ∥ ￥300"]);
  });

  it("refuses CP932 by default, listing each character CP932 cannot hold with its row and column", () => {
    const { bytes, unrepresentable } = encodeCsv({
      header,
      rows: [
        ["A1", "吉田 𠮷子", "髙橋ビル", 300],
        ["A2", "佐藤 😀😀", "♡ハイツ café", null],
      ],
      encoding: "cp932",
    });
    expect(bytes.length).toBe(0);
    expect(unrepresentable).toEqual([
      { row: 1, column: "氏名", character: "𠮷", codePoint: "U+20BB7" },
      { row: 2, column: "氏名", character: "😀", codePoint: "U+1F600" },
      { row: 2, column: "住所", character: "♡", codePoint: "U+2661" },
      { row: 2, column: "住所", character: "é", codePoint: "U+00E9" },
    ]);
  });

  it("replaces with 〓 when asked, and still reports what it replaced", () => {
    const { bytes, unrepresentable } = encodeCsv({
      header: ["氏名", "備考"],
      rows: [["吉田 𠮷子", "鷗外"]],
      encoding: "cp932",
      onUnrepresentable: "replace",
    });
    expect(unrepresentable.map((u) => u.codePoint)).toEqual(["U+20BB7", "U+9DD7"]);
    expect(parseCsv(iconv.decode(Buffer.from(bytes), "cp932"))).toEqual([
      ["氏名", "備考"],
      ["吉田 〓子", "〓外"],
    ]);
  });

  it("reports a header CP932 cannot hold as row 0", () => {
    const { unrepresentable } = encodeCsv({ header: ["お気に入り♡"], rows: [], encoding: "cp932" });
    expect(unrepresentable).toEqual([{ row: 0, column: "お気に入り♡", character: "♡", codePoint: "U+2661" }]);
  });

  it("neutralises spreadsheet formulas in text, not in numbers", () => {
    const values = ['=HYPERLINK("http://evil")', "+81 90", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "a=b"];
    const { bytes } = encodeCsv({
      header: ["v", "n"],
      rows: values.map((v) => [v, -300]),
      encoding: "utf-8",
    });
    const decoded = parseCsv(new TextDecoder().decode(bytes.subarray(3))).slice(1);
    expect(decoded.map((r) => r[0])).toEqual([
      '\'=HYPERLINK("http://evil")',
      "'+81 90",
      "'-1+1",
      "'@SUM(A1)",
      "'\t=1",
      "'\r=1",
      "a=b",
    ]);
    expect(decoded.every((r) => r[1] === "-300")).toBe(true);
  });
});
