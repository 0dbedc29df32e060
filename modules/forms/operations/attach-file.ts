import { createHash, randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import type { Services } from "../../../core/services.ts";
import { checkUpload } from "../../../core/storage/check-upload.ts";
import { storedFiles } from "../../../core/storage/schema.ts";
import type { AttachmentRef } from "../definition/answers.ts";
import type { Field } from "../definition/form-definition.ts";
import { type Application, applications, attachments } from "../schema.ts";

type Bilingual = { ja: string; en: string };

export type AttachFileOptions = {
  services: Services;
  tenantId: string;
  actor: Actor;
  application: Application;
  field: Extract<Field, { type: "file" | "signature" }>;
  fileName: string;
  bytes: Uint8Array;
  requestId?: string | null;
};

export type AttachFileResult = { ok: true; attachment: AttachmentRef } | { ok: false; reason: Bilingual };

const MB = 1024 * 1024;
const SIGNATURE_MAX_BYTES = 512 * 1024;

/**
 * Checks an uploaded file and attaches it to a draft: size and count limits, a virus scan of the bytes as
 * sent (when clamd is configured), the type sniffed from the content, images re-encoded without EXIF/GPS.
 * A refused file leaves nothing behind: no stored bytes, no row, the answers unchanged.
 */
export async function attachFile(options: AttachFileOptions): Promise<AttachFileResult> {
  const { services, field, bytes, application } = options;
  const isSignature = field.type === "signature";
  const maxBytes = isSignature ? SIGNATURE_MAX_BYTES : field.maxSizeMb * MB;
  const existing = isSignature ? [] : ((application.answers[field.key] as AttachmentRef[] | null) ?? []);
  if (!isSignature && existing.length >= field.maxFiles) {
    return refuse({
      ja: `添付できるファイルは${field.maxFiles}件までです`,
      en: `You can attach at most ${field.maxFiles} file(s)`,
    });
  }
  const checked = await checkUpload({
    services,
    bytes,
    maxBytes,
    accept: isSignature ? ["image"] : field.accept,
    logContext: { applicationId: application.id },
  });
  if (!checked.ok) {
    return refuse(checked.reason);
  }
  const stored = { bytes: checked.bytes, contentType: checked.contentType };
  const name = safeFileName(options.fileName, stored.contentType);
  const key = `forms/${options.tenantId}/attachments/${application.id}/${randomUUID()}`;
  await services.storage.put(key, stored.bytes, stored.contentType);
  try {
    const attachment = await services.database.db.transaction(async (tx) => {
      const [file] = await tx
        .insert(storedFiles)
        .values({
          tenantId: options.tenantId,
          storageKey: key,
          fileName: name,
          contentType: stored.contentType,
          sizeBytes: stored.bytes.byteLength,
          sha256: createHash("sha256").update(stored.bytes).digest("hex"),
        })
        .returning();
      const [row] = await tx
        .insert(attachments)
        .values({
          tenantId: options.tenantId,
          applicationId: application.id,
          fieldKey: field.key,
          fileId: file!.id,
          scanResult: services.virusScanner ? "clean" : "not_scanned",
        })
        .returning();
      const ref: AttachmentRef = {
        id: row!.id,
        name,
        size: stored.bytes.byteLength,
        contentType: stored.contentType,
      };
      // Read the answers again under a lock: two uploads at once must both land.
      const [current] = await tx
        .select({ answers: applications.answers, provenance: applications.provenance })
        .from(applications)
        .where(eq(applications.id, application.id))
        .for("update");
      const previous = (current!.answers[field.key] as AttachmentRef[] | null) ?? [];
      await tx
        .update(applications)
        .set({
          answers: {
            ...current!.answers,
            [field.key]: isSignature ? { attachment: ref } : [...previous, ref],
          },
          provenance: { ...current!.provenance, [field.key]: { source: "typed" } },
          updatedAt: new Date(),
        })
        .where(eq(applications.id, application.id));
      await recordChange(tx, {
        tenantId: options.tenantId,
        actor: options.actor,
        action: "forms.application.attach_file",
        resource: { type: "forms_application", id: application.id },
        after: { field: field.key, attachmentId: row!.id, contentType: stored.contentType, size: ref.size },
        requestId: options.requestId ?? null,
      });
      return ref;
    });
    return { ok: true, attachment };
  } catch (error) {
    await services.storage.delete(key);
    throw error;
  }
}

function refuse(reason: Bilingual): AttachFileResult {
  return { ok: false, reason };
}

/** The name shown back to people: the resident's own name, stripped of paths and control characters. */
function safeFileName(original: string, contentType: string): string {
  const base =
    original
      .normalize("NFKC")
      .split(/[\\/]/)
      .pop()
      ?.replace(/["<>|:*?]/g, "")
      .replace(/\p{Cc}/gu, "")
      .trim()
      .slice(0, 100) ?? "";
  const extension =
    contentType === "application/pdf" ? ".pdf" : contentType === "image/png" ? ".png" : ".jpg";
  const stem = base.replace(/\.[^.]{1,8}$/, "") || "file";
  return `${stem}${extension}`;
}
