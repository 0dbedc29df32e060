import type { Services } from "../services.ts";
import { sniffContentType } from "./content-type.ts";
import { sanitiseImage } from "./image-sanitise.ts";
import { VirusScanError, type VirusScanner } from "./virus-scan.ts";

type Bilingual = { ja: string; en: string };

export type UploadKind = "image" | "pdf";

export type CheckUploadOptions = {
  services: Pick<Services, "virusScanner" | "logger">;
  bytes: Uint8Array;
  maxBytes: number;
  accept: readonly UploadKind[];
  /** What the log lines about this upload carry, e.g. { applicationId }. */
  logContext: Record<string, unknown>;
};

export type CheckedUpload =
  | { ok: true; bytes: Uint8Array; contentType: string; kind: UploadKind }
  | { ok: false; reason: Bilingual };

const MB = 1024 * 1024;

function sizeLabel(bytes: number): string {
  return String(Math.round((bytes / MB) * 10) / 10);
}

/**
 * Everything an uploaded file goes through before it is stored: emptiness and size, a virus scan of the
 * bytes as sent (when clamd is configured), the type sniffed from the content, images re-encoded without
 * EXIF/GPS. A refusal says why in Japanese and English.
 */
export async function checkUpload(options: CheckUploadOptions): Promise<CheckedUpload> {
  const { services, bytes, maxBytes, accept } = options;
  const refuse = (reason: Bilingual): CheckedUpload => ({ ok: false, reason });
  if (bytes.byteLength === 0) {
    return refuse({ ja: "ファイルが空です", en: "The file is empty" });
  }
  if (bytes.byteLength > maxBytes) {
    const limit = sizeLabel(maxBytes);
    return refuse({
      ja: `ファイルが大きすぎます（上限 ${limit}MB）`,
      en: `The file is too large (limit ${limit} MB)`,
    });
  }
  if (services.virusScanner) {
    let verdict: Awaited<ReturnType<VirusScanner["scan"]>>;
    try {
      verdict = await services.virusScanner.scan(bytes);
    } catch (error) {
      // Never accept a file unscanned when scanning is configured: refuse it and let the resident retry.
      if (error instanceof VirusScanError && error.kind === "size-limit-exceeded") {
        return refuse({ ja: "ファイルが大きすぎます", en: "The file is too large" });
      }
      services.logger.error({ err: error, ...options.logContext }, "virus scan failed");
      return refuse({
        ja: "ただいまファイルを確認できません。時間をおいてもう一度お試しください",
        en: "We cannot check files right now. Please try again later",
      });
    }
    if (!verdict.clean) {
      services.logger.warn(
        { signature: verdict.signature, ...options.logContext },
        "infected upload refused",
      );
      return refuse({
        ja: "このファイルからウイルスが検出されたため、受け付けられません",
        en: "A virus was found in this file, so it cannot be accepted",
      });
    }
  }
  const sniffed = sniffContentType(bytes);
  const kind = sniffed === "application/pdf" ? "pdf" : sniffed ? "image" : null;
  if (!sniffed || !kind || !accept.includes(kind)) {
    return refuse({
      ja: `このファイルの種類は添付できません（${accept.map((a) => (a === "pdf" ? "PDF" : "画像（JPEG・PNG など）")).join("、")}のみ）`,
      en: `This type of file cannot be attached (only ${accept.map((a) => (a === "pdf" ? "PDF" : "images such as JPEG or PNG")).join(", ")})`,
    });
  }
  if (kind === "pdf") {
    return { ok: true, bytes, contentType: sniffed, kind };
  }
  try {
    const image = await sanitiseImage(bytes, sniffed);
    return { ok: true, bytes: image.bytes, contentType: image.contentType, kind };
  } catch {
    return refuse({
      ja: "ファイルが壊れているため読み込めません",
      en: "The file is damaged and cannot be read",
    });
  }
}
