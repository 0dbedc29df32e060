import jsQRPackage from "jsqr";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { encodeQr, formatBits, gfMultiply, masks, qrSvg } from "./qr-code.ts";

// jsqr is CommonJS; its types describe the ES default export, which Node puts on `.default` again.
const jsQR = jsQRPackage.default;

/** Reads the codewords back in the standard's zigzag order, undoing the mask, as a scanner does. */
function readCodewords(text: string) {
  const qr = encodeQr(text);
  const bits: number[] = [];
  for (let right = qr.size - 1; right >= 1; right -= 2) {
    if (right === 6) {
      right = 5;
    }
    for (let vertical = 0; vertical < qr.size; vertical++) {
      for (let j = 0; j < 2; j++) {
        const x = right - j;
        const y = ((right + 1) & 2) === 0 ? qr.size - 1 - vertical : vertical;
        if (!qr.isFunction(x, y)) {
          bits.push(Number(qr.dark(x, y) !== masks[qr.mask]!(x, y)));
        }
      }
    }
  }
  const codewords: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) {
    codewords.push(bits.slice(i, i + 8).reduce((byte, b) => (byte << 1) | b, 0));
  }
  return { qr, codewords };
}

/** The codeword polynomial at α^i: zero for every i below the ECC length when the Reed–Solomon part is right. */
function syndrome(codewords: number[], i: number): number {
  let alpha = 1;
  for (let k = 0; k < i; k++) {
    alpha = gfMultiply(alpha, 2);
  }
  return codewords.reduce((acc, c) => gfMultiply(acc, alpha) ^ c, 0);
}

describe("encodeQr", () => {
  const url = "http://localhost/queue/t/abcdefghij"; // 35 bytes: version 3-M, one block

  it("lays out finder patterns and the format bits of level M and the chosen mask", () => {
    const { qr } = readCodewords(url);
    expect(qr.version).toBe(3);
    expect(qr.size).toBe(29);
    for (const [cx, cy] of [
      [3, 3],
      [qr.size - 4, 3],
      [3, qr.size - 4],
    ] as const) {
      expect([qr.dark(cx, cy), qr.dark(cx - 2, cy), qr.dark(cx - 3, cy)]).toEqual([true, false, true]);
    }
    const bits = formatBits(qr.mask);
    const read = [0, 1, 2, 3, 4, 5, 7, 8].map((y) => qr.dark(8, y));
    expect(read).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => ((bits >>> i) & 1) === 1));
    // The format word of level M, mask 0 is 101010000010010 in the standard's table.
    expect(formatBits(0).toString(2).padStart(15, "0")).toBe("101010000010010");
  });

  it("carries the text in byte mode, padded, with Reed–Solomon codewords that check", () => {
    const { codewords } = readCodewords(url);
    expect(codewords).toHaveLength(70);
    const bytes = new TextEncoder().encode(url);
    // Mode 0100, then the 8-bit length, then the bytes, each shifted by the 4-bit mode.
    expect(codewords[0]).toBe(0x40 | (bytes.length >> 4));
    const data = codewords.slice(0, 44);
    const decoded: number[] = [];
    for (let i = 0; i < bytes.length; i++) {
      decoded.push(((data[i + 1]! & 0x0f) << 4) | (data[i + 2]! >> 4));
    }
    expect(new TextDecoder().decode(new Uint8Array(decoded))).toBe(url);
    // 4 + 8 + 280 bits and a 4-bit terminator fill 37 bytes; the rest alternates the pad bytes.
    expect(data.slice(37)).toEqual([0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec]);
    for (let i = 0; i < 26; i++) {
      expect(syndrome(codewords, i)).toBe(0);
    }
  });

  it("grows to the version the text needs and draws an SVG with a label", () => {
    expect(encodeQr(`https://tenohira.example/queue/t/${"x".repeat(40)}`).version).toBe(5);
    const svg = qrSvg(url, "QR <code>");
    expect(svg).toContain('aria-label="QR &#60;code&#62;"');
    expect(svg).toContain('viewBox="0 0 37 37"');
  });
});

describe("qrSvg, read back by an independent decoder (jsQR)", () => {
  it.each([
    "123456",
    "http://localhost:3000/queue/t/abcdefghijklmnopqrstuvwxyz0123456789ABCDEF",
    "https://kashima.example.jp/my/bookings/0b9f6c3e-1f2a-4c5d-9e8f-123456789abc",
  ])("decodes %s", async (text) => {
    const { data, info } = await sharp(Buffer.from(qrSvg(text, "label")), { density: 300 })
      .resize(400)
      .flatten({ background: "#fff" })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(jsQR(new Uint8ClampedArray(data), info.width, info.height)?.data).toBe(text);
  });
});
