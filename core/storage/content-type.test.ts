import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { sniffContentType } from "./content-type.ts";

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

/** An ISO BMFF ftyp box as phones write it: size, "ftyp", major brand, minor version, compatible brands. */
function ftyp(major: string, compatible: string[]): Uint8Array {
  const box = Buffer.alloc(16 + 4 * compatible.length);
  box.writeUInt32BE(box.length, 0);
  box.write("ftyp", 4, "latin1");
  box.write(major, 8, "latin1");
  for (const [index, brand] of compatible.entries()) {
    box.write(brand, 16 + 4 * index, "latin1");
  }
  return concat(box, new Uint8Array(64));
}

const picture = () =>
  sharp({ create: { width: 32, height: 24, channels: 3, background: { r: 10, g: 120, b: 200 } } });

const minimalPdf = text(
  "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
);

describe("sniffContentType", () => {
  it("recognises each accepted type by its content", async () => {
    expect(sniffContentType(await picture().jpeg().toBuffer())).toBe("image/jpeg");
    expect(sniffContentType(await picture().png().toBuffer())).toBe("image/png");
    expect(sniffContentType(await picture().webp().toBuffer())).toBe("image/webp");
    expect(sniffContentType(await picture().webp({ lossless: true }).toBuffer())).toBe("image/webp");
    expect(sniffContentType(minimalPdf)).toBe("application/pdf");
  });

  it("recognises HEIC by the brands of its ftyp box, as iPhones and Android phones write them", () => {
    expect(sniffContentType(ftyp("heic", ["mif1", "heic"]))).toBe("image/heic");
    expect(sniffContentType(ftyp("mif1", ["mif1", "heic"]))).toBe("image/heic");
    expect(sniffContentType(ftyp("heix", ["mif1", "heix"]))).toBe("image/heic");
    // AVIF, MP4 video and QuickTime share the container but are not accepted.
    expect(sniffContentType(ftyp("avif", ["mif1", "avif", "miaf"]))).toBeNull();
    expect(sniffContentType(ftyp("isom", ["isom", "mp42"]))).toBeNull();
    expect(sniffContentType(ftyp("qt  ", ["qt  "]))).toBeNull();
  });

  it("ignores what the name or the client would claim: other formats are refused", async () => {
    expect(sniffContentType(await picture().gif().toBuffer())).toBeNull();
    expect(sniffContentType(await picture().tiff().toBuffer())).toBeNull();
    expect(sniffContentType(await picture().heif({ compression: "av1" }).toBuffer())).toBeNull();
    expect(
      sniffContentType(text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')),
    ).toBeNull();
    expect(sniffContentType(text("PK\u0003\u0004 a zip or an Office file"))).toBeNull();
    expect(sniffContentType(text("MZ\u0090\u0000 a Windows program"))).toBeNull();
    expect(sniffContentType(text("Name,Address\n山田,鹿屋市\n"))).toBeNull();
    expect(sniffContentType(new Uint8Array())).toBeNull();
  });

  it("refuses truncated headers and look-alikes", () => {
    expect(sniffContentType(new Uint8Array([0xff, 0xd8, 0xff]))).toBeNull();
    expect(sniffContentType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBeNull();
    expect(sniffContentType(text("RIFF\u0000\u0000\u0000\u0000WAVEfmt "))).toBeNull();
    expect(sniffContentType(text("%PDF-"))).toBeNull();
    expect(sniffContentType(text("%PDF-x.y a text file about PDFs"))).toBeNull();
    expect(sniffContentType(text(" %PDF-1.4\n"))).toBeNull();
    // An ftyp box claiming to be longer than the file.
    const lying = ftyp("heic", ["mif1"]);
    new DataView(lying.buffer).setUint32(0, 100_000);
    expect(sniffContentType(lying)).toBeNull();
  });

  it("refuses polyglots that carry markup or script in their head", async () => {
    expect(sniffContentType(text("<!DOCTYPE html><html><body>%PDF-1.4"))).toBeNull();
    expect(sniffContentType(text("%PDF-1.4\n<html><script>fetch('/staff')</script>"))).toBeNull();
    expect(sniffContentType(text("%PDF-1.7\n% <IFRAME src=//evil>"))).toBeNull();
    // A JPEG whose comment segment holds a script, as used by JPEG/JavaScript polyglots.
    const jpeg = await picture().jpeg().toBuffer();
    const comment = text("<script>alert(document.cookie)</script>");
    const segment = concat(new Uint8Array([0xff, 0xfe, 0, comment.length + 2]), comment);
    expect(sniffContentType(concat(jpeg.subarray(0, 2), segment, jpeg.subarray(2)))).toBeNull();
  });
});
