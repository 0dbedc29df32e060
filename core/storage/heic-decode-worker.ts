/**
 * Decodes one HEVC-coded HEIC photo to RGBA pixels, in a worker thread because the WebAssembly decoder
 * (libheif with libde265) runs synchronously for most of a second on a 12 MP photo. sharp's prebuilt
 * libvips reads HEIF containers but ships no HEVC decoder, so image-sanitise.ts sends those here.
 */
import { parentPort, workerData } from "node:worker_threads";
import decode from "heic-decode";

export type HeicWorkerInput = { bytes: Uint8Array };

export type HeicWorkerReply =
  | { ok: true; width: number; height: number; data: Uint8ClampedArray }
  | { ok: false; error: string };

const { bytes } = workerData as HeicWorkerInput;
let reply: HeicWorkerReply;
try {
  // libheif applies the container's rotation and mirroring (irot/imir), so the pixels come out upright.
  const { width, height, data } = await decode({ buffer: bytes });
  reply = { ok: true, width, height, data };
} catch (error) {
  reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
}
parentPort!.postMessage(reply, reply.ok ? [reply.data.buffer as ArrayBuffer] : []);
