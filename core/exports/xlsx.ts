import { strToU8, zipSync } from "fflate";
import type { CellValue } from "./csv.ts";

export type EncodeXlsxOptions = {
  sheetName: string;
  header: string[];
  rows: CellValue[][];
};

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships";

/** XML 1.0 has no place for most control characters, so they are dropped rather than breaking the file. */
function xmlText(value: string): string {
  return value
    .replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** A, B, … Z, AA, AB, … */
export function columnName(index: number): string {
  let name = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  }
  return name;
}

/** Excel refuses a sheet name longer than 31 characters, empty, or holding : \ / ? * [ ]. */
function safeSheetName(name: string): string {
  const cleaned = [...name.replace(/[:\\/?*[\]]/g, "_")].slice(0, 31).join("").trim();
  return cleaned === "" ? "Sheet1" : cleaned;
}

/**
 * Text is written as an inline string (t="inlineStr") and so can never be a formula, unlike in a CSV;
 * numbers are numbers Excel can sum. Style 1 is the bold header.
 */
function cell(value: CellValue, ref: string, style: number): string {
  const s = style ? ` s="${style}"` : "";
  if (value === null) {
    return "";
  }
  if (typeof value === "number") {
    return Number.isFinite(value) ? `<c r="${ref}"${s}><v>${value}</v></c>` : "";
  }
  return `<c r="${ref}"${s} t="inlineStr"><is><t xml:space="preserve">${xmlText(value)}</t></is></c>`;
}

function sheetXml(header: readonly string[], rows: readonly CellValue[][]): string {
  const lines = [header, ...rows].map((cells, r) => {
    const content = cells
      .map((value, c) => cell(value, `${columnName(c)}${r + 1}`, r === 0 ? 1 : 0))
      .join("");
    return `<row r="${r + 1}">${content}</row>`;
  });
  // The header row stays in view while scrolling.
  const pane =
    rows.length > 0
      ? '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
      : "";
  return `${XML_HEAD}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">${pane}<sheetData>${lines.join("")}</sheetData></worksheet>`;
}

/**
 * A one-sheet workbook (Office Open XML, ECMA-376) holding only what Excel, LibreOffice and Numbers need:
 * content types, relationships, the workbook, one sheet with inline strings, and styles for a bold header.
 *
 * @example
 * const bytes = encodeXlsx({ sheetName: "申請一覧", header: ["受付番号", "手数料"], rows: [["A7K2", 300]] });
 */
export function encodeXlsx({ sheetName, header, rows }: EncodeXlsxOptions): Uint8Array {
  const files: Record<string, string> = {
    "[Content_Types].xml": `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`,
    "_rels/.rels": `${XML_HEAD}<Relationships xmlns="${PACKAGE_REL_NS}"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    "xl/workbook.xml": `${XML_HEAD}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets><sheet name="${xmlText(safeSheetName(sheetName))}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    "xl/_rels/workbook.xml.rels": `${XML_HEAD}<Relationships xmlns="${PACKAGE_REL_NS}"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
    "xl/styles.xml": `${XML_HEAD}<styleSheet xmlns="${MAIN_NS}"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`,
    "xl/worksheets/sheet1.xml": sheetXml(header, rows),
  };
  // A fixed date keeps the bytes of the same export identical (the zip stores one per entry).
  const mtime = new Date("2000-01-01T00:00:00Z");
  return zipSync(
    Object.fromEntries(
      Object.entries(files).map(([path, xml]) => [path, [strToU8(xml), { level: 6, mtime }]]),
    ),
  );
}
