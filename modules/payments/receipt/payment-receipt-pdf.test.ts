import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type PaymentReceiptOptions,
  receiptDate,
  renderPaymentReceiptPdf,
  yen,
} from "./payment-receipt-pdf.ts";

const run = promisify(execFile);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "payment-receipt-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const receipt: PaymentReceiptOptions = {
  cityName: "てのひら市",
  lang: "ja",
  amount: 1200,
  description: "住民票の写しの交付手数料（2通）",
  reference: "KX7Q9MPA",
  paymentId: "0b5f3c1e-8d2a-4f6b-9c1d-2e3f4a5b6c7d",
  receivedAt: new Date("2026-01-15T03:00:00Z"),
  refundedAmount: 0,
};

/** The PDF's text as poppler reads it, and its fonts. */
async function readBack(pdf: Uint8Array): Promise<{ text: string; fonts: string }> {
  const path = join(dir, `${crypto.randomUUID()}.pdf`);
  await writeFile(path, pdf);
  const [{ stdout: text }, { stdout: fonts }] = await Promise.all([
    run("pdftotext", ["-layout", path, "-"]),
    run("pdffonts", [path]),
  ]);
  return { text, fonts };
}

describe("payment receipt (領収書)", () => {
  it("prints the title, amount, date in 和暦, what it was for, the references and the city, in BIZ UDPGothic", async () => {
    const { text, fonts } = await readBack(await renderPaymentReceiptPdf(receipt));
    for (const expected of [
      "領収書",
      "¥1,200-",
      "令和8年1月15日（2026-01-15）",
      "住民票の写しの交付手数料（2通）として",
      "KX7Q9MPA",
      receipt.paymentId,
      "上記の金額を正に領収いたしました。",
      "てのひら市",
    ]) {
      expect(text).toContain(expected);
    }
    expect(fonts).toMatch(/[A-Z]{6}\+BIZUDPGothic-Bold/);
    expect(fonts).toMatch(/[A-Z]{6}\+BIZUDPGothic-Regular/);
  });

  it("notes a refund, and prints in English for an English payment", async () => {
    const { text } = await readBack(
      await renderPaymentReceiptPdf({
        ...receipt,
        lang: "en",
        description: "Certificate fee",
        refundedAmount: 600,
      }),
    );
    expect(text).toContain("Receipt");
    expect(text).toContain("¥1,200");
    expect(text).toContain("Of which ¥600 refunded");
    expect(text).toContain("15 January 2026");
  });

  it("wraps a long description instead of running off the page", async () => {
    const long =
      "粗大ごみ処理手数料（タンス、ベッド、自転車、ソファ、冷蔵庫以外の家電、その他の大型の家具）".repeat(3);
    const { text } = await readBack(await renderPaymentReceiptPdf({ ...receipt, description: long }));
    expect(text.replace(/\s+/g, "")).toContain(`${long}として`);
  });

  it("formats amounts and dates in Japan time", () => {
    expect(yen(600, "ja")).toBe("¥600-");
    expect(yen(12345, "en")).toBe("¥12,345");
    // 23:30 UTC on the 14th is already the 15th in Japan.
    expect(receiptDate(new Date("2026-01-14T23:30:00Z"), "ja")).toBe("令和8年1月15日（2026-01-15）");
  });
});
