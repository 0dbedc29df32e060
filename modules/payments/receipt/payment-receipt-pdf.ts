import { type Color, PageSizes, PDFDocument, type PDFPage, rgb } from "pdf-lib";
import {
  advanceOf,
  embedJapaneseFonts,
  type Face,
  printable,
  widthOf,
} from "../../../core/pdf/japanese-fonts.ts";

export type PaymentReceiptOptions = {
  cityName: string;
  lang: "ja" | "en";
  amount: number;
  /** What was paid for (但し書き). */
  description: string;
  reference: string;
  paymentId: string;
  receivedAt: Date;
  refundedAmount: number;
};

type Lang = PaymentReceiptOptions["lang"];

const text = {
  title: { ja: "領収書", en: "Receipt" },
  amount: { ja: "金額", en: "Amount" },
  for: { ja: "但し", en: "For" },
  receivedAt: { ja: "受領日", en: "Received on" },
  reference: { ja: "参照番号", en: "Reference" },
  paymentId: { ja: "決済番号", en: "Payment ID" },
  statement: { ja: "上記の金額を正に領収いたしました。", en: "We have received the amount above." },
  refunded: { ja: "うち {amount} 返金済み", en: "Of which {amount} refunded" },
  footer: {
    ja: "この領収書はオンライン決済の記録から作成しました。",
    en: "This receipt was made from the record of the online payment.",
  },
} as const;

/** 「¥600-」 / "¥600": the amount as Japanese receipts print it. */
export function yen(amount: number, lang: Lang): string {
  const digits = amount.toLocaleString("ja-JP");
  return lang === "ja" ? `¥${digits}-` : `¥${digits}`;
}

/** The day in Japan, as residents read it: 令和8年1月15日 (2026-01-15) / 15 January 2026. */
export function receiptDate(at: Date, lang: Lang): string {
  const iso = new Intl.DateTimeFormat("sv-SE", { timeZone: "Asia/Tokyo", dateStyle: "short" }).format(at);
  if (lang === "ja") {
    const era = new Intl.DateTimeFormat("ja-JP-u-ca-japanese", {
      timeZone: "Asia/Tokyo",
      era: "long",
      year: "numeric",
      month: "long",
      day: "numeric",
    }).format(at);
    return `${era}（${iso}）`;
  }
  return new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Tokyo", dateStyle: "long" }).format(at);
}

const [pageWidth, pageHeight] = PageSizes.A4;
const marginX = 56;
const contentWidth = pageWidth - marginX * 2;
const ink = rgb(0.1, 0.1, 0.12);
const muted = rgb(0.38, 0.38, 0.42);
const rule = rgb(0.72, 0.72, 0.76);

type Pen = { page: PDFPage; y: number };

function draw(pen: Pen, line: string, x: number, face: Face, size: number, color: Color = ink): void {
  pen.page.drawText(printable(line, face), { x, y: pen.y - size, size, font: face.pdf, color });
}

/** Lines no wider than maxWidth: Japanese breaks between any characters, Latin at the last space. */
function wrap(value: string, face: Face, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const character of printable(value, face).replace(/\n/g, " ")) {
    if (line !== "" && widthOf(face, line, size) + advanceOf(face, character) * size > maxWidth) {
      const space = line.lastIndexOf(" ");
      const latinTail = space > 0 && !/[\u2e80-\uffff]/.test(line.slice(space + 1));
      lines.push(latinTail ? line.slice(0, space) : line);
      line = latinTail ? line.slice(space + 1) : "";
    }
    if (line !== "" || character !== " ") {
      line += character;
    }
  }
  return line === "" ? lines : [...lines, line];
}

/** The 領収書 of a successful payment: A4, Japanese fonts embedded as subsets. */
export async function renderPaymentReceiptPdf(options: PaymentReceiptOptions): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const { regular, bold } = await embedJapaneseFonts(doc);
  const { lang } = options;
  const other: Lang = lang === "ja" ? "en" : "ja";
  doc.setTitle(`${text.title[lang]} ${options.reference}`);
  doc.setAuthor(options.cityName);
  doc.setLanguage(lang === "ja" ? "ja-JP" : "en");
  doc.setCreator("tenohira");
  doc.setProducer("tenohira (pdf-lib)");
  const page = doc.addPage(PageSizes.A4);
  const pen: Pen = { page, y: pageHeight - 64 };

  const title = text.title[lang];
  const titleSize = 30;
  draw({ page, y: pen.y }, title, (pageWidth - widthOf(bold, title, titleSize)) / 2, bold, titleSize);
  pen.y -= titleSize + 8;
  const subtitle = text.title[other];
  draw(pen, subtitle, (pageWidth - widthOf(regular, subtitle, 10)) / 2, regular, 10, muted);
  pen.y -= 40;

  const amountLine = yen(options.amount, lang);
  const amountSize = 28;
  draw(pen, text.amount[lang], marginX, regular, 11, muted);
  draw(pen, amountLine, (pageWidth - widthOf(bold, amountLine, amountSize)) / 2, bold, amountSize);
  pen.y -= amountSize + 10;
  page.drawLine({
    start: { x: marginX + 60, y: pen.y },
    end: { x: pageWidth - marginX - 60, y: pen.y },
    thickness: 0.8,
    color: ink,
  });
  pen.y -= 14;
  if (options.refundedAmount > 0) {
    const refunded = text.refunded[lang].replace("{amount}", yen(options.refundedAmount, lang));
    draw(pen, refunded, (pageWidth - widthOf(regular, refunded, 11)) / 2, regular, 11);
    pen.y -= 22;
  }
  pen.y -= 12;

  const keyWidth = 90;
  const row = (key: string, value: string, face: Face = regular) => {
    const lines = wrap(value, face, 12, contentWidth - keyWidth);
    draw(pen, key, marginX, regular, 10.5, muted);
    for (const line of lines) {
      draw(pen, line, marginX + keyWidth, face, 12);
      pen.y -= 18;
    }
    pen.y -= 6;
  };
  row(text.for[lang], lang === "ja" ? `${options.description}として` : options.description, bold);
  row(text.receivedAt[lang], receiptDate(options.receivedAt, lang));
  row(text.reference[lang], options.reference);
  row(text.paymentId[lang], options.paymentId);
  pen.y -= 10;
  draw(pen, text.statement[lang], marginX, regular, 12);
  pen.y -= 48;

  const city = options.cityName;
  draw(pen, city, pageWidth - marginX - widthOf(bold, city, 14), bold, 14);

  page.drawLine({
    start: { x: marginX, y: 62 },
    end: { x: pageWidth - marginX, y: 62 },
    thickness: 0.6,
    color: rule,
  });
  draw({ page, y: 56 }, `${city}　${text.footer[lang]}`, marginX, regular, 8, muted);
  return doc.save();
}
