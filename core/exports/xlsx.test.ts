import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { columnName, encodeXlsx } from "./xlsx.ts";

/** The cells of sheet1 as { ref: { type, style, value } }, read back from the XML. */
function cellsOf(
  sheet: string,
): Record<string, { type: string | null; style: string | null; value: string }> {
  const cells: Record<string, { type: string | null; style: string | null; value: string }> = {};
  for (const match of sheet.matchAll(/<c r="([A-Z]+\d+)"( s="(\d+)")?( t="(\w+)")?>(.*?)<\/c>/g)) {
    const inner = match[6]!;
    const value = inner.startsWith("<is>")
      ? inner.replace(/^<is><t xml:space="preserve">|<\/t><\/is>$/g, "")
      : inner.replace(/^<v>|<\/v>$/g, "");
    cells[match[1]!] = { type: match[5] ?? null, style: match[3] ?? null, value };
  }
  return cells;
}

describe("encodeXlsx", () => {
  const bytes = encodeXlsx({
    sheetName: "犬の登録申請 [v1/v2]: とても長いシート名はExcelの上限で切り詰めます",
    header: ["受付番号", "氏名", "手数料"],
    rows: [
      ["A7K2-9QXP", '髙橋 <𠮷子> & "家族"', 300],
      ["B3M8-2HTR", '=HYPERLINK("x")\u0007', null],
    ],
  });
  const files = unzipSync(bytes);
  const text = (path: string) => strFromU8(files[path]!);

  it("is a zip holding the parts of a workbook", () => {
    expect([...bytes.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
    expect(Object.keys(files).sort()).toEqual([
      "[Content_Types].xml",
      "_rels/.rels",
      "xl/_rels/workbook.xml.rels",
      "xl/styles.xml",
      "xl/workbook.xml",
      "xl/worksheets/sheet1.xml",
    ]);
    expect(text("[Content_Types].xml")).toContain('PartName="/xl/worksheets/sheet1.xml"');
    expect(text("_rels/.rels")).toContain('Target="xl/workbook.xml"');
    expect(text("xl/_rels/workbook.xml.rels")).toContain('Target="worksheets/sheet1.xml"');
  });

  it("names the sheet within Excel's rules", () => {
    const name = /<sheet name="([^"]*)"/.exec(text("xl/workbook.xml"))![1]!;
    expect(name).toBe("犬の登録申請 _v1_v2__ とても長いシート名はExcel");
    expect([...name].length).toBeLessThanOrEqual(31);
  });

  it("writes text as escaped inline strings, numbers as numbers and the header in bold", () => {
    const sheet = text("xl/worksheets/sheet1.xml");
    expect(cellsOf(sheet)).toEqual({
      A1: { type: "inlineStr", style: "1", value: "受付番号" },
      B1: { type: "inlineStr", style: "1", value: "氏名" },
      C1: { type: "inlineStr", style: "1", value: "手数料" },
      A2: { type: "inlineStr", style: null, value: "A7K2-9QXP" },
      B2: { type: "inlineStr", style: null, value: "髙橋 &lt;𠮷子&gt; &amp; &quot;家族&quot;" },
      C2: { type: null, style: null, value: "300" },
      A3: { type: "inlineStr", style: null, value: "B3M8-2HTR" },
      // A string cell is never a formula; the control character XML cannot hold is dropped.
      B3: { type: "inlineStr", style: null, value: "=HYPERLINK(&quot;x&quot;)" },
    });
    expect(sheet).not.toContain("<f>");
    expect(text("xl/styles.xml")).toMatch(/<font><b\/>/);
  });

  it("gives the same bytes for the same data", () => {
    expect(encodeXlsx({ sheetName: "a", header: ["x"], rows: [[1]] })).toEqual(
      encodeXlsx({ sheetName: "a", header: ["x"], rows: [[1]] }),
    );
  });

  it("names columns past Z as spreadsheets do", () => {
    expect([0, 25, 26, 27, 51, 52, 701, 702].map(columnName)).toEqual([
      "A",
      "Z",
      "AA",
      "AB",
      "AZ",
      "BA",
      "ZZ",
      "AAA",
    ]);
  });
});
