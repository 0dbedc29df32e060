import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { create as createFont } from "fontkit";
import { decodePDFRawStream, PDFDict, PDFDocument, PDFName, PDFRawStream } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { feeLine, japanTime, type ReceiptOptions, renderReceiptPdf, wrapLines } from "./receipt-pdf.ts";

const run = promisify(execFile);

const longAddress =
  "東京都千代田区霞が関一丁目二番三号 てのひら第一ビル 十二階（株式会社てのひら商事 総務部気付）。" +
  "建物の裏手にある通用口からお入りください、受付で名前をお伝えいただければ担当者が伺います。";

const typical: ReceiptOptions = {
  cityName: "てのひら市",
  formTitle: "住民票の写し交付申請",
  referenceNumber: "K7XM-4RPA",
  submittedAt: new Date("2026-11-22T05:05:09Z"),
  lang: "ja",
  rows: [
    { label: "氏名", value: "髙橋 花子（たかはし はなこ）" },
    { label: "住所", value: longAddress },
    { label: "必要な通数", value: "2通" },
    { label: "使いみち", value: "パスポートの申請\n運転免許の更新" },
    { label: "マイナンバーの記載", value: "記載しない" },
  ],
  fee: { amount: 600, status: "unpaid" },
  note: "申請を受け付けました。内容を確認のうえ、3開庁日以内に郵送します。",
};

let dir: string;
let counter = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "receipt-pdf-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function saved(pdf: Uint8Array): Promise<string> {
  const path = join(dir, `receipt-${++counter}.pdf`);
  await writeFile(path, pdf);
  return path;
}

/** Text as poppler extracts it, with the line breaks our wrapping added taken out. */
async function textOf(path: string): Promise<{ raw: string; joined: string }> {
  const { stdout } = await run("pdftotext", ["-enc", "UTF-8", path, "-"]);
  return { raw: stdout, joined: stdout.replace(/\s+/g, "") };
}

async function pageCount(path: string): Promise<number> {
  const { stdout } = await run("pdfinfo", [path]);
  return Number(/^Pages:\s+(\d+)/m.exec(stdout)?.[1]);
}

/** The embedded TrueType programs, parsed back: proof the subsets hold real outlines. */
async function embeddedFonts(pdf: Uint8Array) {
  const doc = await PDFDocument.load(pdf);
  const fonts = [];
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (object instanceof PDFDict && object.get(PDFName.of("Type")) === PDFName.of("FontDescriptor")) {
      const stream = doc.context.lookup(object.get(PDFName.of("FontFile2")));
      if (stream instanceof PDFRawStream) {
        const bytes = Buffer.from(decodePDFRawStream(stream).decode());
        const font = createFont(bytes);
        if ("numGlyphs" in font) {
          fonts.push({ name: String(object.get(PDFName.of("FontName"))), font });
        }
      }
    }
  }
  return fonts;
}

describe("renderReceiptPdf", () => {
  it("prints a Japanese receipt that poppler reads back, with subset fonts embedded", async () => {
    const started = performance.now();
    const pdf = await renderReceiptPdf(typical);
    const firstMs = performance.now() - started;
    const again = performance.now();
    await renderReceiptPdf(typical);
    const warmMs = performance.now() - again;
    console.info(
      `typical receipt: ${pdf.byteLength} bytes; first render ${firstMs.toFixed(0)} ms (loads fonts), then ${warmMs.toFixed(0)} ms`,
    );

    const path = await saved(pdf);
    const { raw, joined } = await textOf(path);
    expect(raw).toContain("申請受付控え");
    expect(raw).toContain("てのひら市");
    expect(raw).toContain("住民票の写し交付申請");
    expect(raw).toContain("K7XM-4RPA");
    expect(raw).toContain("手数料 600円（未払い）");
    expect(raw).toContain("令和8年11月22日 14:05（日本時間）");
    expect(raw).toContain("2026-11-22T14:05:09+09:00");
    expect(raw).toContain("1 / 1 ページ");
    expect(raw).toContain("この控えは申請を受け付けたことを示すもの");
    // The long value is wrapped over several lines, and every character survives.
    expect(joined).toContain(longAddress.replace(/\s+/g, ""));
    expect(raw).not.toContain(longAddress);

    const { stdout: fonts } = await run("pdffonts", [path]);
    const fontRows = fonts.split("\n").slice(2).filter(Boolean);
    expect(fontRows).toHaveLength(2);
    for (const row of fontRows) {
      expect(row).toMatch(
        /^[A-Z]{6}\+BIZUDPGothic-(Regular|Bold)\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/,
      );
    }

    expect(pdf.byteLength).toBeLessThan(150_000);
    expect(warmMs).toBeLessThan(2_000);
  });

  it("embeds subsets whose glyphs all have outlines (the @pdf-lib/fontkit subsetter silently blanked some)", async () => {
    const fonts = await embeddedFonts(await renderReceiptPdf(typical));
    // Subset names carry a random six-letter tag, so compare without it (sorting by it would be random).
    expect(fonts.every((f) => /^\/[A-Z]{6}\+/.test(f.name))).toBe(true);
    expect(fonts.map((f) => f.name.slice(8)).sort()).toEqual(["BIZUDPGothic-Bold", "BIZUDPGothic-Regular"]);
    for (const { font } of fonts) {
      // A few dozen glyphs, not the whole 12,000-glyph font.
      expect(font.numGlyphs).toBeGreaterThan(10);
      expect(font.numGlyphs).toBeLessThan(400);
      const blank = [];
      for (let id = 1; id < font.numGlyphs; id++) {
        if (font.getGlyph(id).path.commands.length === 0) {
          blank.push(id);
        }
      }
      // Only the spaces (" " and the ideographic "　") have no outline.
      expect(blank.length).toBeLessThanOrEqual(2);
    }
  });

  it("flows 60 answers onto further pages, numbered, with the table header repeated", async () => {
    const rows = Array.from({ length: 60 }, (_, i) => ({
      label: `質問 ${i + 1}`,
      value: i % 5 === 0 ? `${longAddress}（${i + 1}件目）` : `回答 ${i + 1}`,
    }));
    const path = await saved(await renderReceiptPdf({ ...typical, rows }));
    const pages = await pageCount(path);
    expect(pages).toBeGreaterThanOrEqual(2);
    const { raw, joined } = await textOf(path);
    expect(raw).toContain(`1 / ${pages} ページ`);
    expect(raw).toContain(`${pages} / ${pages} ページ`);
    expect(raw).toContain("申請受付控え（続き）");
    for (let i = 1; i <= 60; i++) {
      expect(raw).toContain(`質問 ${i}\n`);
    }
    expect(joined).toContain(`${longAddress}（56件目）`.replace(/\s+/g, ""));

    const { stdout: lastPage } = await run("pdftotext", [
      "-f",
      String(pages),
      "-l",
      String(pages),
      path,
      "-",
    ]);
    expect(lastPage).toContain("項目");
    expect(lastPage).toContain("質問 60");
  });

  it("splits an answer taller than a page across pages without losing a line", async () => {
    const essay = Array.from({ length: 90 }, (_, i) => `Line ${i + 1} of a long answer.`).join("\n");
    const pdf = await renderReceiptPdf({
      ...typical,
      lang: "en",
      rows: [
        { label: "Essay", value: essay },
        { label: "After", value: "the essay" },
      ],
      fee: { amount: 1200, status: "paid" },
    });
    const path = await saved(pdf);
    expect(await pageCount(path)).toBeGreaterThanOrEqual(2);
    const { raw } = await textOf(path);
    for (let i = 1; i <= 90; i++) {
      expect(raw).toContain(`Line ${i} of a long answer.`);
    }
    expect(raw).toContain("(continued)");
    expect(raw).toContain("Application receipt");
    expect(raw).toContain("Fee ¥1,200 (paid)");
    expect(raw).toContain("22 November 2026, 14:05 Japan time (Reiwa 8)");
    expect(raw).toMatch(/Page 1 of \d/);
  });

  it("draws 〓 for characters the font lacks and drops control characters, instead of failing", async () => {
    const path = await saved(
      await renderReceiptPdf({
        ...typical,
        rows: [{ label: "氏名", value: "𠮷田\u0007 太郎 😀\tさん\r\nか\u3099" }],
        fee: null,
        note: undefined,
      }),
    );
    const { raw } = await textOf(path);
    expect(raw).toMatch(/〓田 太郎 〓\s+さん/);
    expect(raw).toContain("が");
    expect(raw).not.toContain("手数料");
  });

  it("renders receipts concurrently from the one parsed font", async () => {
    const [a, b] = await Promise.all([
      renderReceiptPdf({ ...typical, referenceNumber: "AAAA-1111" }),
      renderReceiptPdf({ ...typical, referenceNumber: "BBBB-2222", lang: "en" }),
    ]);
    expect((await textOf(await saved(a))).raw).toContain("AAAA-1111");
    expect((await textOf(await saved(b))).raw).toContain("BBBB-2222");
  });
});

describe("wrapLines", () => {
  const unit = () => 1;

  it("never starts a line with closing punctuation or small kana (禁則処理)", () => {
    const lines = wrapLines("あいうえお、かきくけこ。さしすせっそ", 5, unit);
    for (const line of lines) {
      expect(line).not.toMatch(/^[、。っ]/);
      expect(Array.from(line).length).toBeLessThanOrEqual(5);
    }
    expect(lines.join("")).toBe("あいうえお、かきくけこ。さしすせっそ");
    expect(lines.slice(0, 2)).toEqual(["あいうえ", "お、かきく"]);
  });

  it("keeps an opening bracket with what follows it", () => {
    expect(wrapLines("あいう「えお」", 4, unit)).toEqual(["あいう", "「えお」"]);
  });

  it("breaks Latin text at spaces, cuts a run with none, and keeps blank lines", () => {
    expect(wrapLines("the quick brown fox", 10, unit)).toEqual(["the quick", "brown fox"]);
    expect(wrapLines("abcdefghijkl", 5, unit)).toEqual(["abcde", "fghij", "kl"]);
    expect(wrapLines("one\n\ntwo", 10, unit)).toEqual(["one", "", "two"]);
  });
});

describe("receipt text", () => {
  it("writes the fee line in both languages", () => {
    expect(feeLine({ amount: 600, status: "unpaid" }, "ja")).toBe("手数料 600円（未払い）");
    expect(feeLine({ amount: 1200, status: "paid" }, "ja")).toBe("手数料 1,200円（支払済み）");
    expect(feeLine({ amount: 600, status: "unpaid" }, "en")).toBe("Fee ¥600 (unpaid)");
  });

  it("prints the moment in Japan time, crossing the date line from UTC", () => {
    expect(japanTime(new Date("2026-11-22T15:30:00Z"), "ja")).toEqual({
      readable: "令和8年11月23日 00:30（日本時間）",
      iso: "2026-11-23T00:30:00+09:00",
    });
    expect(japanTime(new Date("2019-05-01T00:00:00Z"), "ja").readable).toBe(
      "令和元年5月1日 09:00（日本時間）",
    );
  });
});
