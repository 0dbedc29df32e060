import { type Color, PageSizes, PDFDocument, type PDFPage, rgb } from "pdf-lib";
import {
  advanceOf,
  embedJapaneseFonts,
  type Face,
  printable,
  widthOf,
} from "../../../core/pdf/japanese-fonts.ts";
import { toJapaneseEra } from "../definition/japanese-era.ts";

export type ReceiptOptions = {
  cityName: string;
  formTitle: string;
  referenceNumber: string;
  /** Printed in Japan time, with 和暦 and ISO 8601. */
  submittedAt: Date;
  lang: "ja" | "en";
  /** Answers in order; values may be multi-line and long. */
  rows: { label: string; value: string }[];
  fee: { amount: number; status: "unpaid" | "paid" } | null;
  /** E.g. the form's confirmation text. */
  note?: string;
};

type Lang = ReceiptOptions["lang"];

const text = {
  title: { ja: "申請受付控え", en: "Application receipt" },
  continued: { ja: "（続き）", en: " (continued)" },
  continuedRow: { ja: "（前ページから続く）", en: "(continued)" },
  formTitle: { ja: "申請名", en: "Form" },
  reference: { ja: "受付番号", en: "Reference" },
  submittedAt: { ja: "受付日時", en: "Received" },
  answers: { ja: "申請内容", en: "Your answers" },
  item: { ja: "項目", en: "Question" },
  answer: { ja: "回答", en: "Answer" },
  unpaidHint: {
    ja: "お支払いの方法は、市からのご案内をご確認ください。",
    en: "The city will tell you how to pay.",
  },
  footer: {
    ja: "この控えは申請を受け付けたことを示すもので、審査の結果を示すものではありません。",
    en: "This receipt shows that your application was received; it is not a decision on it.",
  },
} as const;

/** 「手数料 600円（未払い）」 / "Fee ¥600 (unpaid)". */
export function feeLine(fee: NonNullable<ReceiptOptions["fee"]>, lang: Lang): string {
  const amount = fee.amount.toLocaleString("ja-JP");
  if (lang === "ja") {
    return `手数料 ${amount}円（${fee.status === "paid" ? "支払済み" : "未払い"}）`;
  }
  return `Fee ¥${amount} (${fee.status === "paid" ? "paid" : "unpaid"})`;
}

/** The moment in Japan time, as people read it (和暦) and as ISO 8601 with the +09:00 offset. */
export function japanTime(at: Date, lang: Lang): { readable: string; iso: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone: "Asia/Tokyo",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const time = `${parts.hour}:${parts.minute}`;
  const iso = `${date}T${time}:${parts.second}+09:00`;
  if (lang === "ja") {
    return { readable: `${toJapaneseEra(date, "ja") ?? date} ${time}（日本時間）`, iso };
  }
  const longDate = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Tokyo", dateStyle: "long" }).format(at);
  const era = toJapaneseEra(date, "en");
  return { readable: `${longDate}, ${time} Japan time${era ? ` (${era})` : ""}`, iso };
}

// --- Line breaking ------------------------------------------------------------------------------
// Japanese breaks between any two characters, except (禁則処理) before closing punctuation and small
// kana, and after opening brackets. Latin text breaks at spaces; an unbreakable run (a URL) is cut.

const noLineStart = new Set(
  Array.from(
    "、。，．,.・：:；;？?！!ー－）)］]｝}〕〉》」』】〙〗’”｣ゝゞヽヾ々ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ％%‰℃",
  ),
);
const noLineEnd = new Set(Array.from("（(［[｛{〔〈《「『【〘〖‘“｢￥¥＄$＃#"));

function isWide(character: string): boolean {
  return (character.codePointAt(0) ?? 0) >= 0x2e80;
}

function canBreakBetween(before: string, after: string): boolean {
  if (after === " " || noLineStart.has(after) || noLineEnd.has(before)) {
    return false;
  }
  return before === " " || before === "-" || before === "/" || isWide(before) || isWide(after);
}

/** Lines no wider than maxWidth; each "\n" starts a new line and blank lines are kept. */
export function wrapLines(value: string, maxWidth: number, measure: (character: string) => number): string[] {
  const lines: string[] = [];
  for (const paragraph of value.split("\n")) {
    const characters = Array.from(paragraph);
    if (characters.length === 0) {
      lines.push("");
      continue;
    }
    let start = 0;
    while (start < characters.length) {
      let width = 0;
      let end = start;
      let lastBreak = -1;
      while (end < characters.length) {
        const advance = measure(characters[end] as string);
        if (width + advance > maxWidth && end > start) {
          break;
        }
        width += advance;
        end++;
        if (
          end < characters.length &&
          canBreakBetween(characters[end - 1] as string, characters[end] as string)
        ) {
          lastBreak = end;
        }
      }
      const cut = end >= characters.length || characters[end] === " " || lastBreak <= start ? end : lastBreak;
      lines.push(characters.slice(start, cut).join("").trimEnd());
      start = cut;
      while (characters[start] === " ") {
        start++;
      }
    }
  }
  return lines;
}

// --- Layout -------------------------------------------------------------------------------------

const [pageWidth, pageHeight] = PageSizes.A4;
const marginX = 48;
const marginTop = 48;
const contentWidth = pageWidth - marginX * 2;
/** Text stops here; the footer lives below. */
const contentBottom = 72;

const ink = rgb(0.1, 0.1, 0.12);
const muted = rgb(0.38, 0.38, 0.42);
const rule = rgb(0.72, 0.72, 0.76);
const shade = rgb(0.94, 0.95, 0.96);
const headerShade = rgb(0.86, 0.88, 0.91);
const attention = rgb(0.72, 0.12, 0.08);

const body = { size: 10, lineHeight: 15 };
const table = { labelWidth: 168, padX: 6, padY: 5 };

type Style = { face: Face; size: number; lineHeight: number; color: Color };

type Layout = {
  doc: PDFDocument;
  regular: Face;
  bold: Face;
  lang: Lang;
  options: ReceiptOptions;
  page: PDFPage;
  /** Top of the space still free on the current page. */
  y: number;
};

function wrap(value: string, style: Style, maxWidth: number): string[] {
  return wrapLines(printable(value, style.face), maxWidth, (c) => advanceOf(style.face, c) * style.size);
}

/** Draws one line so its glyphs sit centred in a box of lineHeight whose top is `top`. */
function drawLine(page: PDFPage, line: string, x: number, top: number, style: Style): void {
  if (line === "") {
    return;
  }
  const baseline = top - (style.lineHeight + style.size * 0.72) / 2;
  page.drawText(line, { x, y: baseline, size: style.size, font: style.face.pdf, color: style.color });
}

function drawLines(layout: Layout, lines: string[], x: number, style: Style): void {
  for (const line of lines) {
    drawLine(layout.page, line, x, layout.y, style);
    layout.y -= style.lineHeight;
  }
}

function horizontalRule(page: PDFPage, y: number, color: Color = rule): void {
  page.drawLine({
    start: { x: marginX, y },
    end: { x: pageWidth - marginX, y },
    thickness: 0.6,
    color,
  });
}

function addPage(layout: Layout): void {
  layout.page = layout.doc.addPage(PageSizes.A4);
  layout.y = pageHeight - marginTop;
  const { options, lang, bold, regular } = layout;
  const small: Style = { face: bold, size: 10, lineHeight: 14, color: ink };
  drawLine(layout.page, `${text.title[lang]}${text.continued[lang]}`, marginX, layout.y, small);
  const reference = `${text.reference[lang]} ${options.referenceNumber}`;
  const referenceStyle: Style = { face: regular, size: 10, lineHeight: 14, color: ink };
  const referenceX = pageWidth - marginX - widthOf(regular, reference, 10);
  drawLine(layout.page, printable(reference, regular), referenceX, layout.y, referenceStyle);
  layout.y -= 18;
  horizontalRule(layout.page, layout.y);
  layout.y -= 12;
}

function drawHeader(layout: Layout): void {
  const { options, lang, bold, regular } = layout;
  const other: Lang = lang === "ja" ? "en" : "ja";
  drawLines(
    layout,
    wrap(options.cityName, styleOf(regular, 11, 16), contentWidth),
    marginX,
    styleOf(regular, 11, 16),
  );
  layout.y -= 2;
  drawLines(layout, [text.title[lang]], marginX, styleOf(bold, 22, 30));
  drawLines(layout, [text.title[other]], marginX, styleOf(regular, 9.5, 14, muted));
  layout.y -= 6;
  horizontalRule(layout.page, layout.y, ink);
  layout.y -= 12;

  const keyWidth = lang === "ja" ? 64 : 76;
  const valueX = marginX + keyWidth;
  const valueWidth = contentWidth - keyWidth;
  const key = styleOf(regular, 9.5, 18, muted);

  const titleStyle = styleOf(bold, 12.5, 18);
  drawLine(layout.page, text.formTitle[lang], marginX, layout.y, key);
  drawLines(layout, wrap(options.formTitle, titleStyle, valueWidth), valueX, titleStyle);
  layout.y -= 6;

  const referenceStyle = styleOf(bold, 26, 34);
  drawLine(layout.page, text.reference[lang], marginX, layout.y - 8, key);
  drawLines(layout, wrap(options.referenceNumber, referenceStyle, valueWidth), valueX, referenceStyle);
  layout.y -= 4;

  const when = japanTime(options.submittedAt, lang);
  drawLine(layout.page, text.submittedAt[lang], marginX, layout.y, key);
  drawLines(layout, [when.readable], valueX, styleOf(regular, 11, 18));
  drawLines(layout, [when.iso], valueX, styleOf(regular, 9, 13, muted));
  layout.y -= 8;

  if (options.fee) {
    const feeStyle = styleOf(bold, 12.5, 20, options.fee.status === "unpaid" ? attention : ink);
    drawLines(layout, [feeLine(options.fee, lang)], marginX, feeStyle);
    if (options.fee.status === "unpaid") {
      drawLines(
        layout,
        wrap(text.unpaidHint[lang], styleOf(regular, 9.5, 14), contentWidth),
        marginX,
        styleOf(regular, 9.5, 14),
      );
    }
    layout.y -= 8;
  }
}

function styleOf(face: Face, size: number, lineHeight: number, color: Color = ink): Style {
  return { face, size, lineHeight, color };
}

function drawTableHeader(layout: Layout): void {
  const height = 18;
  const style = styleOf(layout.bold, 9, height);
  layout.page.drawRectangle({
    x: marginX,
    y: layout.y - height,
    width: contentWidth,
    height,
    color: headerShade,
  });
  drawLine(layout.page, text.item[layout.lang], marginX + table.padX, layout.y, style);
  drawLine(layout.page, text.answer[layout.lang], marginX + table.labelWidth + table.padX, layout.y, style);
  layout.y -= height;
}

/** Lines that fit between the cursor and the footer, inside one table row. */
function rowCapacity(y: number): number {
  return Math.floor((y - contentBottom - table.padY * 2) / body.lineHeight);
}

function drawRows(layout: Layout): void {
  const labelStyle = styleOf(layout.bold, 9.5, body.lineHeight);
  const valueStyle = styleOf(layout.regular, body.size, body.lineHeight);
  const labelTextWidth = table.labelWidth - table.padX * 2;
  const valueTextWidth = contentWidth - table.labelWidth - table.padX * 2;
  // On a fresh page the table starts below the running header and the repeated table header.
  const freshCapacity = rowCapacity(pageHeight - marginTop - 30 - 18);

  for (const row of layout.options.rows) {
    let labels = wrap(row.label, labelStyle, labelTextWidth);
    let values = row.value.trim() === "" ? ["—"] : wrap(row.value, valueStyle, valueTextWidth);
    let continued = false;
    while (labels.length > 0 || values.length > 0) {
      const needed = Math.max(labels.length, values.length, 1);
      const capacity = rowCapacity(layout.y);
      // Keep a row whole when a fresh page would hold it; split only rows taller than a page.
      if (capacity < needed && (needed <= freshCapacity || capacity < 3)) {
        addPage(layout);
        drawTableHeader(layout);
        continue;
      }
      const take = Math.min(needed, capacity);
      const shownLabels =
        continued && labels.length === 0 ? [text.continuedRow[layout.lang]] : labels.slice(0, take);
      const height = take * body.lineHeight + table.padY * 2;
      const top = layout.y;
      const page = layout.page;
      page.drawRectangle({ x: marginX, y: top - height, width: table.labelWidth, height, color: shade });
      page.drawRectangle({
        x: marginX,
        y: top - height,
        width: contentWidth,
        height,
        borderColor: rule,
        borderWidth: 0.6,
      });
      page.drawLine({
        start: { x: marginX + table.labelWidth, y: top },
        end: { x: marginX + table.labelWidth, y: top - height },
        thickness: 0.6,
        color: rule,
      });
      const labelColor = continued && labels.length === 0 ? { ...labelStyle, color: muted } : labelStyle;
      shownLabels.forEach((line, i) => {
        drawLine(page, line, marginX + table.padX, top - table.padY - i * body.lineHeight, labelColor);
      });
      values.slice(0, take).forEach((line, i) => {
        drawLine(
          page,
          line,
          marginX + table.labelWidth + table.padX,
          top - table.padY - i * body.lineHeight,
          valueStyle,
        );
      });
      layout.y -= height;
      labels = labels.slice(take);
      values = values.slice(take);
      if (labels.length > 0 || values.length > 0) {
        continued = true;
        addPage(layout);
        drawTableHeader(layout);
      }
    }
  }
}

function drawNote(layout: Layout, note: string): void {
  const style = styleOf(layout.regular, 9.5, 14);
  layout.y -= 14;
  for (const line of wrap(note, style, contentWidth)) {
    if (layout.y - style.lineHeight < contentBottom) {
      addPage(layout);
    }
    drawLines(layout, [line], marginX, style);
  }
}

function drawFooters(layout: Layout): void {
  const pages = layout.doc.getPages();
  const { lang, regular, options } = layout;
  const style = styleOf(regular, 8, 11, muted);
  const footer = wrap(`${options.cityName}　${text.footer[lang]}`, style, contentWidth - 70);
  pages.forEach((page, index) => {
    horizontalRule(page, 54);
    footer.forEach((line, i) => {
      drawLine(page, line, marginX, 48 - i * 11, style);
    });
    const number =
      lang === "ja" ? `${index + 1} / ${pages.length} ページ` : `Page ${index + 1} of ${pages.length}`;
    drawLine(page, number, pageWidth - marginX - widthOf(regular, number, 8), 48, style);
  });
}

/** The resident's 申請受付控え: A4, Japanese fonts embedded as subsets so it reads the same on any device. */
export async function renderReceiptPdf(options: ReceiptOptions): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const { regular, bold } = await embedJapaneseFonts(doc);

  const lang = options.lang;
  doc.setTitle(`${text.title[lang]} ${options.referenceNumber}`);
  doc.setSubject(options.formTitle);
  doc.setAuthor(options.cityName);
  doc.setLanguage(lang === "ja" ? "ja-JP" : "en");
  doc.setCreator("tenohira");
  doc.setProducer("tenohira (pdf-lib)");

  const layout: Layout = {
    doc,
    regular,
    bold,
    lang,
    options,
    page: doc.addPage(PageSizes.A4),
    y: pageHeight - marginTop,
  };
  drawHeader(layout);
  if (options.rows.length > 0) {
    const answersStyle = styleOf(bold, 12, 20);
    // A heading alone at the foot of a page helps no one: start the table where two rows fit.
    if (rowCapacity(layout.y - answersStyle.lineHeight - 18) < 2) {
      addPage(layout);
    }
    drawLines(layout, [text.answers[lang]], marginX, answersStyle);
    drawTableHeader(layout);
    drawRows(layout);
  }
  if (options.note?.trim()) {
    drawNote(layout, options.note);
  }
  drawFooters(layout);
  return doc.save();
}
