import { Worker } from "node:worker_threads";
import sharp, { type Metadata, type Sharp } from "sharp";
import type { SniffedImageType, SniffedType } from "./content-type.ts";
import type { HeicWorkerInput, HeicWorkerReply } from "./heic-decode-worker.ts";

/** The file could not be decoded as the image its first bytes claim to be (corrupt, truncated or crafted). */
export class UnreadableFileError extends Error {
  override name = "UnreadableFileError";
}

/** Longest side of a stored image: more than enough to read a document photo, far less than a phone's 48 MP. */
export const MAX_IMAGE_SIDE = 4000;

/**
 * Refuse to decode anything larger before allocating pixels: a few kilobytes of PNG can claim gigapixels
 * (a decompression bomb). 100 MP covers every phone camera's default output.
 */
const MAX_INPUT_PIXELS = 100_000_000;

const JPEG_QUALITY = 85;

/** A HEVC decode of a 12 MP photo takes under a second; a file that takes far longer is refused. */
const HEIC_DECODE_TIMEOUT_MS = 30_000;

// sharp names HEIF "heif" whatever the brand.
const SHARP_FORMAT: Record<SniffedImageType, string> = {
  "image/jpeg": "jpeg",
  "image/png": "png",
  "image/webp": "webp",
  "image/heic": "heif",
};

export type SanitisedImage = { bytes: Uint8Array; contentType: "image/jpeg" | "image/png" };

/**
 * Decodes an uploaded image and encodes it afresh, so nothing of the original file survives but its
 * pixels: it is turned upright by its EXIF orientation, then every piece of metadata (EXIF with GPS, XMP,
 * IPTC, comments, ICC profiles — colours are converted to sRGB) and anything appended or hidden in the
 * container is dropped, and it is scaled down to at most {@link MAX_IMAGE_SIDE} pixels on the long side.
 * PNG stays PNG (screenshots, scans with text); everything else becomes JPEG, which every staff
 * browser and PDF tool reads.
 */
export async function sanitiseImage(bytes: Uint8Array, type: SniffedType): Promise<SanitisedImage> {
  if (type === "application/pdf") {
    throw new TypeError("sanitiseImage is for images; PDFs are stored as uploaded after the virus scan");
  }
  const input = sharp(bytes, {
    // sharp's advice for untrusted input: give up on any decoder warning rather than guess at pixels.
    failOn: "warning",
    limitInputPixels: MAX_INPUT_PIXELS,
    autoOrient: true,
    // Only the first frame of an animated WebP or a HEIF sequence: an attachment is a still picture.
    pages: 1,
  });
  let metadata: Metadata;
  try {
    metadata = await input.metadata();
  } catch (error) {
    throw unreadable(type, error);
  }
  // The caller sniffed the type from magic bytes; a decoder disagreeing means a crafted file.
  if (metadata.format !== SHARP_FORMAT[type]) {
    throw new UnreadableFileError(`Content sniffed as ${type} decodes as ${metadata.format ?? "nothing"}`);
  }
  const decoded = metadata.compression === "hevc" ? await decodeHevc(bytes, metadata) : input;
  const resized = decoded.resize({
    width: MAX_IMAGE_SIDE,
    height: MAX_IMAGE_SIDE,
    fit: "inside",
    withoutEnlargement: true,
  });
  // No withMetadata()/keepExif()/keepIccProfile(): sharp then writes no metadata at all.
  const output =
    type === "image/png"
      ? resized.png({ compressionLevel: 9, adaptiveFiltering: true })
      : resized
          .flatten({ background: "#ffffff" })
          .jpeg({ quality: JPEG_QUALITY, chromaSubsampling: "4:2:0" });
  try {
    const encoded = await output.toBuffer();
    return {
      bytes: new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength),
      contentType: type === "image/png" ? "image/png" : "image/jpeg",
    };
  } catch (error) {
    throw unreadable(type, error);
  }
}

/**
 * iPhone and Android HEIC photos are HEVC-coded, which sharp's libvips reads the header of but cannot
 * decode; a WebAssembly libheif in a worker thread does, and sharp takes over from the raw pixels.
 */
async function decodeHevc(bytes: Uint8Array, metadata: Metadata): Promise<Sharp> {
  // sharp's pixel limit only guards its own decoders, so check the header's size before decoding.
  if ((metadata.width ?? 0) * (metadata.height ?? 0) > MAX_INPUT_PIXELS) {
    throw new UnreadableFileError(`HEIC of ${metadata.width}×${metadata.height} exceeds the pixel limit`);
  }
  const reply = await runHeicWorker({ bytes });
  if (!reply.ok) {
    throw new UnreadableFileError(`Cannot decode image/heic: ${reply.error}`);
  }
  return sharp(reply.data, { raw: { width: reply.width, height: reply.height, channels: 4 } });
}

function runHeicWorker(input: HeicWorkerInput): Promise<HeicWorkerReply> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./heic-decode-worker.ts", import.meta.url), { workerData: input });
    const timer = setTimeout(() => {
      reject(new UnreadableFileError(`HEIC decoding took longer than ${HEIC_DECODE_TIMEOUT_MS} ms`));
      void worker.terminate();
    }, HEIC_DECODE_TIMEOUT_MS);
    worker.once("message", (reply: HeicWorkerReply) => {
      clearTimeout(timer);
      resolve(reply);
    });
    worker.once("error", (error) => {
      clearTimeout(timer);
      reject(unreadable("image/heic", error));
    });
    worker.once("exit", (code) => {
      clearTimeout(timer);
      // After a message or an error this does nothing; otherwise the worker died (e.g. out of memory).
      reject(new UnreadableFileError(`HEIC decoder stopped with exit code ${code}`));
    });
  });
}

function unreadable(type: SniffedType, error: unknown): UnreadableFileError {
  const reason = error instanceof Error ? error.message : String(error);
  return new UnreadableFileError(`Cannot decode ${type}: ${reason}`, { cause: error });
}
