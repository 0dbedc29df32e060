/** The only kinds of file residents may attach. Anything else is refused before it is stored or scanned. */
export const SNIFFED_TYPES = [
  "image/jpeg",
  "image/png",
  "image/webp",
  "image/heic",
  "application/pdf",
] as const;

export type SniffedType = (typeof SNIFFED_TYPES)[number];

export type SniffedImageType = Exclude<SniffedType, "application/pdf">;

export function isImageType(type: SniffedType): type is SniffedImageType {
  return type !== "application/pdf";
}

/** The usual file extension for a type, for download names; never used to decide the type. */
export const EXTENSION_OF: Record<SniffedType, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "image/heic": "heic",
  "application/pdf": "pdf",
};

// ISO BMFF brands of HEIF files coded with HEVC (iPhone and Android "high efficiency" photos). AVIF and
// other HEIF codings are deliberately absent: residents' phones do not produce them.
const HEIC_BRANDS = new Set(["heic", "heix", "heim", "heis", "hevc", "hevx"]);

/**
 * Markers that make a browser or a careless viewer treat the head of a file as markup or script (old
 * Internet Explorer looked for tags in the first 256 bytes whatever the Content-Type). Real images and
 * PDFs never carry them there (XMP uses `<x:xmpmeta`/`<?xpacket`, which are not listed), so finding one
 * means a polyglot built to be served as HTML.
 */
const MARKUP_MARKERS = [
  "<!doctype",
  "<html",
  "<head",
  "<body",
  "<script",
  "<iframe",
  "<object",
  "<embed",
  "<svg",
  "<img",
  "<meta",
  "<style",
  "<link",
  "<form",
  "<?php",
  "javascript:",
];
const MARKUP_SCAN_BYTES = 512;

/**
 * Decides a file's type from its content alone, never from the name or the client's Content-Type.
 * Returns null for anything that is not one of the accepted types, or that looks like a polyglot.
 */
export function sniffContentType(bytes: Uint8Array): SniffedType | null {
  const type = sniffMagic(bytes);
  if (type === null || hasMarkupInHead(bytes)) {
    return null;
  }
  return type;
}

function sniffMagic(bytes: Uint8Array): SniffedType | null {
  if (bytes.length >= 4 && startsWith(bytes, [0xff, 0xd8, 0xff])) {
    return "image/jpeg";
  }
  // Signature, then the IHDR chunk that the PNG specification requires to come first.
  if (
    bytes.length >= 16 &&
    startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) &&
    ascii(bytes, 12, 4) === "IHDR"
  ) {
    return "image/png";
  }
  if (
    bytes.length >= 16 &&
    ascii(bytes, 0, 4) === "RIFF" &&
    ascii(bytes, 8, 4) === "WEBP" &&
    ["VP8 ", "VP8L", "VP8X"].includes(ascii(bytes, 12, 4))
  ) {
    return "image/webp";
  }
  if (isHeic(bytes)) {
    return "image/heic";
  }
  // "%PDF-1.7" and friends: the version digits guard against text files that merely start with "%PDF-".
  if (bytes.length >= 8 && /^%PDF-\d\.\d/.test(ascii(bytes, 0, 8))) {
    return "application/pdf";
  }
  return null;
}

/** An ISO BMFF `ftyp` box at offset 0 whose major or a compatible brand is an HEVC-coded HEIF brand. */
function isHeic(bytes: Uint8Array): boolean {
  if (bytes.length < 16 || ascii(bytes, 4, 4) !== "ftyp") {
    return false;
  }
  const boxSize = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  if (boxSize < 16 || boxSize > bytes.length || boxSize % 4 !== 0 || boxSize > 4096) {
    return false;
  }
  const brands = [ascii(bytes, 8, 4)];
  // Bytes 12–15 are the minor version; compatible brands follow to the end of the box.
  for (let offset = 16; offset + 4 <= boxSize; offset += 4) {
    brands.push(ascii(bytes, offset, 4));
  }
  return brands.some((brand) => HEIC_BRANDS.has(brand));
}

function hasMarkupInHead(bytes: Uint8Array): boolean {
  const head = ascii(bytes, 0, Math.min(bytes.length, MARKUP_SCAN_BYTES)).toLowerCase();
  return MARKUP_MARKERS.some((marker) => head.includes(marker));
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, index) => bytes[index] === byte);
}

/** Bytes as Latin-1 text, so every byte maps to exactly one character and offsets stay aligned. */
function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + offset, Math.max(0, length)).toString("latin1");
}
