import { randomInt } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { Readable } from "node:stream";
import { create as createFont, type Font, type FontCollection } from "fontkit";
import type { PDFDocument, PDFFont } from "pdf-lib";

// BIZ UDPGothic (Morisawa, SIL OFL 1.1) from the @expo-google-fonts package: a universal-design
// typeface made for public documents, with TrueType outlines. Subsetting uses upstream fontkit 2,
// not @pdf-lib/fontkit, whose subsets silently lose glyphs (it writes the short loca format over
// odd-length glyph records). See docs/decisions/0003-receipt-pdf.md.

export type FontWeight = "regular" | "bold";
/** pdf-lib does not export its Fontkit type. */
type PdfLibFontkit = Parameters<PDFDocument["registerFontkit"]>[0];

const fontFiles: Record<FontWeight, string> = {
  regular: "@expo-google-fonts/biz-udpgothic/400Regular/BIZUDPGothic_400Regular.ttf",
  bold: "@expo-google-fonts/biz-udpgothic/700Bold/BIZUDPGothic_700Bold.ttf",
};
const postscriptNames: Record<FontWeight, string> = {
  regular: "BIZUDPGothic-Regular",
  bold: "BIZUDPGothic-Bold",
};

/** Shown for a character the font lacks (the customary 〓 「げた」), so nothing silently disappears. */
const missingGlyph = "〓";

export type LoadedFont = { bytes: Buffer; font: Font; advance: Map<string, number> };
let loadedFonts: Promise<Record<FontWeight, LoadedFont>> | undefined;

function loadFonts(): Promise<Record<FontWeight, LoadedFont>> {
  loadedFonts ??= (async () => {
    const require = createRequire(import.meta.url);
    const load = async (weight: FontWeight): Promise<LoadedFont> => {
      const bytes = await readFile(require.resolve(fontFiles[weight]));
      return { bytes, font: adaptForPdfLib(createFont(bytes)), advance: new Map() };
    };
    const [regular, bold] = await Promise.all([load("regular"), load("bold")]);
    return { regular, bold };
  })();
  loadedFonts.catch(() => {
    loadedFonts = undefined;
  });
  return loadedFonts;
}

/** pdf-lib was written for the older fontkit API, which streamed a subset; fontkit 2 encodes it at once. */
function adaptForPdfLib(font: Font | FontCollection): Font {
  if (!("createSubset" in font)) {
    throw new Error("PDF font: expected a single font, got a collection");
  }
  const createSubset = font.createSubset.bind(font);
  font.createSubset = () => {
    const subset = createSubset();
    return Object.assign(subset, { encodeStream: () => Readable.from([subset.encode()]) });
  };
  return font;
}

/**
 * Gives pdf-lib the font already parsed: parsing the 4.5 MB file costs most of a render, and
 * pdf-lib only reads the font (each document makes its own subset).
 */
function parsedFontkit(fonts: Record<FontWeight, LoadedFont>): PdfLibFontkit {
  const pdfLibFontOf = (font: Font) => font as unknown as ReturnType<PdfLibFontkit["create"]>;
  return {
    create(buffer) {
      const loaded = Object.values(fonts).find((f) => f.bytes === buffer);
      if (!loaded) {
        throw new Error("PDF font: unknown font bytes");
      }
      return pdfLibFontOf(loaded.font);
    },
  };
}

/** A subset tag (PDF 32000 §9.6.4): six capital letters and "+", which tells readers the font is a subset. */
function subsetTag(): string {
  return Array.from({ length: 6 }, () => String.fromCharCode(65 + randomInt(26))).join("");
}

/** One weight of the Japanese font embedded in a document, with what measuring text needs. */
export type Face = { pdf: PDFFont; loaded: LoadedFont };

/**
 * Embeds BIZ UDPGothic regular and bold in the document as subsets (only the glyphs drawn), so the PDF
 * reads the same on any device. The font files are read and parsed once per process.
 */
export async function embedJapaneseFonts(doc: PDFDocument): Promise<Record<FontWeight, Face>> {
  const fonts = await loadFonts();
  doc.registerFontkit(parsedFontkit(fonts));
  const embed = async (weight: FontWeight): Promise<Face> => ({
    pdf: await doc.embedFont(fonts[weight].bytes, {
      subset: true,
      customName: `${subsetTag()}+${postscriptNames[weight]}`,
    }),
    loaded: fonts[weight],
  });
  const regular = await embed("regular");
  const bold = await embed("bold");
  return { regular, bold };
}

/** Advance width of one character in ems. */
export function advanceOf(face: Face, character: string): number {
  let width = face.loaded.advance.get(character);
  if (width === undefined) {
    const glyph = face.loaded.font.glyphForCodePoint(character.codePointAt(0) ?? 0);
    width = glyph.advanceWidth / face.loaded.font.unitsPerEm;
    face.loaded.advance.set(character, width);
  }
  return width;
}

/** Width of a line in points at the given size. */
export function widthOf(face: Face, line: string, size: number): number {
  let width = 0;
  for (const character of line) {
    width += advanceOf(face, character);
  }
  return width * size;
}

/** Text the font can draw: NFC (so が is one glyph), no control characters, 〓 for what the font lacks. */
export function printable(value: string, face: Face): string {
  let result = "";
  for (const character of value.normalize("NFC").replace(/\r\n?/g, "\n").replace(/\t/g, "  ")) {
    const codePoint = character.codePointAt(0) ?? 0;
    if (character === "\n") {
      result += character;
    } else if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0) || isInvisible(codePoint)) {
      // dropped: nothing to draw
    } else {
      result += face.loaded.font.hasGlyphForCodePoint(codePoint) ? character : missingGlyph;
    }
  }
  return result;
}

function isInvisible(codePoint: number): boolean {
  // zero-width and direction marks, variation selectors, BOM
  return (
    (codePoint >= 0x200b && codePoint <= 0x200f) ||
    (codePoint >= 0x202a && codePoint <= 0x202e) ||
    (codePoint >= 0xfe00 && codePoint <= 0xfe0f) ||
    (codePoint >= 0xe0100 && codePoint <= 0xe01ef) ||
    codePoint === 0xfeff
  );
}
