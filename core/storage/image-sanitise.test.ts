import { crc32 } from "node:zlib";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { sniffContentType } from "./content-type.ts";
import { MAX_IMAGE_SIDE, sanitiseImage, UnreadableFileError } from "./image-sanitise.ts";

const SECRET = "Tenohira-test-secret-address";

/** A photo as a phone writes it: EXIF with camera, free text and GPS tags, XMP, and orientation 6 (turn right). */
async function phonePhoto(width = 600, height = 400): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 40 } } })
    .jpeg()
    .withExif({
      IFD0: { Make: "TestPhone", Model: "Model 1", ImageDescription: SECRET },
      IFD3: {
        GPSLatitudeRef: "N",
        GPSLatitude: "31/1 22/1 41/1",
        GPSLongitudeRef: "E",
        GPSLongitude: "130/1 51/1 7/1",
      },
    })
    .withXmp(
      `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>${SECRET}</dc:title></rdf:Description></rdf:RDF></x:xmpmeta>`,
    )
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/**
 * A 96×64 HEIC as phones write it (HEVC-coded, brands heic/mif1), left half red and right half blue, with
 * EXIF holding {@link SECRET} and GPS tags. Made once with libheif's `heif-enc -q 60` from a JPEG.
 */
const PHONE_HEIC = Buffer.from(
  [
    "AAAAHGZ0eXBoZWljAAAAAG1pZjFoZWljbWlhZgAAAYBtZXRhAAAAAAAAACFoZGxyAAAAAAAAAABwaWN0AAAAAAAAAAAAAAAAAAAA",
    "AA5waXRtAAAAAAABAAAANGlsb2MAAAAAREAAAgABAAAAAAGkAAEAAAAAAAAAhwACAAAAAAIrAAEAAAAAAAABagAAADhpaW5mAAAA",
    "AAACAAAAFWluZmUCAAAAAAEAAGh2YzEAAAAAFWluZmUCAAABAAIAAEV4aWYAAAAAv2lwcnAAAAChaXBjbwAAAHVodmNDAQNwAAAA",
    "AAAAAAAAHvAA/P34+AAADwMgAAEAGEABDAH//wNwAAADAJAAAAMAAAMAHroCQCEAAQAoQgEBA3AAAAMAkAAAAwAAAwAeoDCBBZbq",
    "SSmubAgAAAMACAAAAwAIQCIAAQAHRAHBcrAiQAAAABRpc3BlAAAAAAAAAGAAAABAAAAAEHBpeGkAAAAAAwgICAAAABZpcG1hAAAA",
    "AAAAAAEAAQOBAoMAAAAaaXJlZgAAAAAAAAAOY2RzYwACAAEAAQAAAfltZGF0AAAAgygBrwng44Ocuq///huf//4xG5D9846kgCHb",
    "/4D2yzlYaP8oA+RyqiHJwpKHoqAjg91+3n/sTK6kLsA7vu03G7VQ5GsHIBz7nECloY2RMsrobkD+bGAhkRNHV/rOMnzaGtHpAHcz",
    "aaH9a9bUFid0B0CnMWR1FRwt6EjNrVkVh95w0tiWAAAAAElJKgAIAAAACQAOAQIAHQAAAIoAAAAPAQIACgAAAKgAAAASAQMAAQAA",
    "AAEAAAAaAQUAAQAAAHoAAAAbAQUAAQAAAIIAAAAoAQMAAQAAAAIAAAATAgMAAQAAAAEAAABphwQAAQAAALIAAAAliAQAAQAAAAAB",
    "AAAAAAAAOGMAAOgDAAA4YwAA6AMAAFRlbm9oaXJhLXRlc3Qtc2VjcmV0LWFkZHJlc3MAAFRlc3RQaG9uZQAGAACQBwAEAAAAMDIx",
    "MAGRBwAEAAAAAQIDAACgBwAEAAAAMDEwMAGgAwABAAAA//8AAAKgBAABAAAAYAAAAAOgBAABAAAAQAAAAAAAAAAEAAEAAgACAAAA",
    "TgAAAAIABQADAAAATgEAAAMAAgACAAAARQAAAAQABQADAAAANgEAAAAAAACCAAAAAQAAADMAAAABAAAABwAAAAEAAAAfAAAAAQAA",
    "ABYAAAABAAAAKQAAAAEAAAA=",
  ].join(""),
  "base64",
);

/** The markers of a JPEG's segments up to the scan data, e.g. 0xe1 for APP1 (EXIF or XMP), 0xfe for comments. */
function jpegSegmentMarkers(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const markers: number[] = [];
  let offset = 2;
  while (offset + 4 <= bytes.length && bytes[offset] === 0xff) {
    const marker = bytes[offset + 1]!;
    markers.push(marker);
    if (marker === 0xda) {
      break;
    }
    offset += 2 + view.getUint16(offset + 2);
  }
  return markers;
}

/** Whether the EXIF block's first IFD points to a GPS IFD (tag 0x8825). */
function gpsIfdTag(exif: Buffer): boolean {
  const tiff = exif.subarray(exif.indexOf("Exif\0\0") >= 0 ? exif.indexOf("Exif\0\0") + 6 : 0);
  const little = tiff.toString("latin1", 0, 2) === "II";
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd0 = u32(4);
  const count = u16(ifd0);
  for (let index = 0; index < count; index++) {
    if (u16(ifd0 + 2 + 12 * index) === 0x8825) {
      return true;
    }
  }
  return false;
}

describe("sanitiseImage", () => {
  it("turns a phone JPEG upright and drops EXIF (with GPS), XMP and every other metadata segment", async () => {
    const original = await phonePhoto();
    const before = await sharp(original).metadata();
    expect(before.orientation).toBe(6);
    expect(gpsIfdTag(before.exif!)).toBe(true);
    expect(before.xmp).toBeDefined();
    expect(Buffer.from(original).includes(SECRET)).toBe(true);

    const { bytes, contentType } = await sanitiseImage(original, "image/jpeg");

    expect(contentType).toBe("image/jpeg");
    expect(sniffContentType(bytes)).toBe("image/jpeg");
    const after = await sharp(bytes).metadata();
    // Orientation 6 means "rotate 90° clockwise to view": 600×400 comes out 400×600 with no tag left.
    expect({ width: after.width, height: after.height }).toEqual({ width: 400, height: 600 });
    expect(after.orientation).toBeUndefined();
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.iptc).toBeUndefined();
    expect(after.icc).toBeUndefined();
    expect(Buffer.from(bytes).includes(SECRET)).toBe(false);
    expect(Buffer.from(bytes).includes("Exif")).toBe(false);
    // Only JFIF (APP0) may precede the image data: no APP1–APP15, no comment.
    const markers = jpegSegmentMarkers(bytes);
    expect(markers.filter((marker) => (marker >= 0xe1 && marker <= 0xef) || marker === 0xfe)).toEqual([]);
    expect(markers.at(-1)).toBe(0xda);
    // The pixels are still the picture: a red image stays red.
    const { dominant } = await sharp(bytes).stats();
    expect(dominant.r).toBeGreaterThan(150);
    expect(dominant.g).toBeLessThan(100);
  });

  it("keeps PNG as PNG without its text and EXIF chunks, and keeps transparency", async () => {
    const png = await sharp({
      create: { width: 120, height: 80, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 0.5 } },
    })
      .png()
      .withExif({ IFD0: { ImageDescription: SECRET } })
      .withMetadata({ orientation: 8 })
      .toBuffer();
    expect(Buffer.from(png).includes(SECRET)).toBe(true);

    const { bytes, contentType } = await sanitiseImage(png, "image/png");

    expect(contentType).toBe("image/png");
    const after = await sharp(bytes).metadata();
    expect(after).toMatchObject({ format: "png", width: 80, height: 120, hasAlpha: true });
    expect(after.exif).toBeUndefined();
    expect(Buffer.from(bytes).includes(SECRET)).toBe(false);
    for (const chunk of ["eXIf", "tEXt", "iTXt", "zTXt", "iCCP"]) {
      expect(Buffer.from(bytes).includes(chunk), chunk).toBe(false);
    }
  });

  it("turns WebP into JPEG, flattening transparency onto white", async () => {
    const webp = await sharp({
      create: { width: 50, height: 50, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .webp()
      .withExif({ IFD0: { ImageDescription: SECRET } })
      .toBuffer();

    const { bytes, contentType } = await sanitiseImage(webp, "image/webp");

    expect(contentType).toBe("image/jpeg");
    const after = await sharp(bytes).metadata();
    expect(after).toMatchObject({ format: "jpeg", width: 50, height: 50, hasAlpha: false });
    expect(after.exif).toBeUndefined();
    const { dominant } = await sharp(bytes).stats();
    expect(dominant).toEqual({ r: 248, g: 248, b: 248 });
  });

  it("turns an HEVC-coded HEIC from a phone into JPEG without its EXIF and GPS", async () => {
    expect(sniffContentType(PHONE_HEIC)).toBe("image/heic");
    const before = await sharp(PHONE_HEIC).metadata();
    expect(before).toMatchObject({ format: "heif", compression: "hevc", width: 96, height: 64 });
    expect(gpsIfdTag(before.exif!)).toBe(true);

    const { bytes, contentType } = await sanitiseImage(PHONE_HEIC, "image/heic");

    expect(contentType).toBe("image/jpeg");
    const after = await sharp(bytes).metadata();
    expect(after).toMatchObject({ format: "jpeg", width: 96, height: 64 });
    expect(after.exif).toBeUndefined();
    expect(Buffer.from(bytes).includes(SECRET)).toBe(false);
    // Red on the left, blue on the right: decoded, not merely rewrapped.
    const { data } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [...data.subarray((y * 96 + x) * 3, (y * 96 + x) * 3 + 3)];
    expect(pixel(10, 32)[0]).toBeGreaterThan(180);
    expect(pixel(10, 32)[2]).toBeLessThan(80);
    expect(pixel(85, 32)[2]).toBeGreaterThan(180);
    expect(pixel(85, 32)[0]).toBeLessThan(80);
  });

  it("refuses a truncated HEIC", async () => {
    await expect(sanitiseImage(PHONE_HEIC.subarray(0, 600), "image/heic")).rejects.toThrow(
      UnreadableFileError,
    );
  });

  it("caps the long side, keeping the aspect ratio", async () => {
    const big = await sharp({ create: { width: 6000, height: 3000, channels: 3, background: "#888" } })
      .jpeg()
      .toBuffer();
    const { bytes } = await sanitiseImage(big, "image/jpeg");
    expect(await sharp(bytes).metadata()).toMatchObject({
      width: MAX_IMAGE_SIDE,
      height: MAX_IMAGE_SIDE / 2,
    });

    const small = await phonePhoto(40, 30);
    expect(await sharp((await sanitiseImage(small, "image/jpeg")).bytes).metadata()).toMatchObject({
      width: 30,
      height: 40,
    });
  });

  it("refuses corrupt, truncated and mislabelled images with UnreadableFileError", async () => {
    const jpeg = await phonePhoto();
    const garbage = new Uint8Array(jpeg.length);
    garbage.set(jpeg.subarray(0, 4));
    for (let index = 4; index < garbage.length; index++) {
      garbage[index] = (index * 7919) % 251;
    }
    await expect(sanitiseImage(garbage, "image/jpeg")).rejects.toThrow(UnreadableFileError);
    await expect(sanitiseImage(jpeg.subarray(0, jpeg.length / 2), "image/jpeg")).rejects.toThrow(
      UnreadableFileError,
    );
    const png = await sharp({ create: { width: 300, height: 300, channels: 3, background: "#123456" } })
      .png()
      .toBuffer();
    await expect(sanitiseImage(png.subarray(0, 60), "image/png")).rejects.toThrow(UnreadableFileError);
    // Bytes that decode as another format than the one sniffed are refused too.
    await expect(sanitiseImage(png, "image/jpeg")).rejects.toThrow(UnreadableFileError);
  });

  it("refuses a decompression bomb before decoding its pixels", async () => {
    // A real PNG whose IHDR is rewritten to claim 20000×20000 pixels (400 MP), CRC fixed up.
    const bomb = Buffer.from(
      await sharp({ create: { width: 8, height: 8, channels: 3, background: "#000" } })
        .png()
        .toBuffer(),
    );
    bomb.writeUInt32BE(20_000, 16);
    bomb.writeUInt32BE(20_000, 20);
    bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)), 29);
    expect(await sharp(bomb, { limitInputPixels: false }).metadata()).toMatchObject({
      width: 20_000,
      height: 20_000,
    });
    await expect(sanitiseImage(bomb, "image/png")).rejects.toThrow(UnreadableFileError);
  });

  it("is only for images: PDFs are sniffed and then stored as uploaded", async () => {
    const pdf = new TextEncoder().encode("%PDF-1.4\n%%EOF\n");
    expect(sniffContentType(pdf)).toBe("application/pdf");
    await expect(sanitiseImage(pdf, "application/pdf")).rejects.toThrow(TypeError);
  });
});
