import { and, asc, eq, inArray, isNotNull } from "drizzle-orm";
import type { Actor } from "../../../../core/audit/actor.ts";
import { recordAudit } from "../../../../core/audit/record-audit.ts";
import type { Db } from "../../../../core/db/database.ts";
import {
  type CellValue,
  type CsvEncoding,
  encodeCsv,
  type UnrepresentableCharacter,
} from "../../../../core/exports/csv.ts";
import { encodeXlsx } from "../../../../core/exports/xlsx.ts";
import { problems } from "../../../../core/http/problem.ts";
import { officialAnswers } from "../../application-case.ts";
import { applications } from "../../schema.ts";
import { type ExportedApplication, jstDateTime, metaCells } from "../columns.ts";
import { type ExportFileGroup, fileTitle, loadExportFiles } from "../export-files.ts";

export const exportFormats = ["csv", "xlsx", "json"] as const;
export type ExportFormat = (typeof exportFormats)[number];

export type ExportApplicationsOptions = {
  db: Db;
  tenantId: string;
  actor: Actor;
  formId: string;
  /** Which file of the form (see listApplicationExports), e.g. "v1". */
  fileKey: string;
  format: ExportFormat;
  /** CSV only. */
  encoding?: CsvEncoding;
  /** CSV in CP932 only: refuse (default) or write 〓 for characters CP932 cannot hold. */
  onUnrepresentable?: "refuse" | "replace";
  requestId?: string | null;
  ip?: string | null;
};

export type ExportApplicationsResult =
  | {
      outcome: "exported";
      fileName: string;
      contentType: string;
      bytes: Uint8Array;
      count: number;
      /** Characters written as 〓 (CP932 with onUnrepresentable "replace"). */
      replaced: UnrepresentableCharacter[];
    }
  /** CP932 was asked and refusal is the rule: nothing was handed out, nothing audited. */
  | { outcome: "unrepresentable"; characters: UnrepresentableCharacter[] };

const contentTypes: Record<ExportFormat, string> = {
  csv: "text/csv",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  json: "application/json; charset=utf-8",
};

/** 「犬の登録申請_v1_v2_20260501.csv」: the title without characters file systems refuse. */
function fileNameOf(file: ExportFileGroup, format: ExportFormat, at: Date): string {
  const title = fileTitle(file).ja.replace(/[\\/:*?"<>|\p{Cc}]/gu, "_");
  const versions = file.versions.map((version) => `v${version.number}`).join("_");
  const date = jstDateTime(at).slice(0, 10).replaceAll("-", "");
  return `${title}_${versions}_${date}.${format}`;
}

/**
 * One export file of a form's submitted applications (oldest first) as CSV, XLSX or JSON. A download of
 * personal data: audited with what was exported and how many, in the transaction that read them.
 */
export async function exportApplications(
  options: ExportApplicationsOptions,
): Promise<ExportApplicationsResult> {
  const { db, tenantId, formId, format } = options;
  return db.transaction(async (tx) => {
    const { files } = await loadExportFiles({ db: tx, tenantId, formId });
    const file = files.find((candidate) => candidate.fileKey === options.fileKey);
    if (!file) {
      throw problems.notFound();
    }
    const versionNumbers = new Map(file.versions.map((version) => [version.id, version.number]));
    const rows = await tx
      .select({
        formVersionId: applications.formVersionId,
        referenceNumber: applications.referenceNumber,
        submittedAt: applications.submittedAt,
        channel: applications.channel,
        feeAmount: applications.feeAmount,
        paymentStatus: applications.paymentStatus,
        answers: applications.answers,
        submittedAnswers: applications.submittedAnswers,
      })
      .from(applications)
      .where(
        and(
          eq(applications.tenantId, tenantId),
          eq(applications.formId, formId),
          inArray(applications.formVersionId, [...versionNumbers.keys()]),
          isNotNull(applications.submittedAt),
        ),
      )
      .orderBy(asc(applications.submittedAt), asc(applications.referenceNumber));
    const exported: ExportedApplication[] = rows.map((row) => ({
      ...row,
      versionNumber: versionNumbers.get(row.formVersionId)!,
    }));
    const answerCells = (application: ExportedApplication, versionId: string): CellValue[] =>
      file.answerColumnsByVersion.get(versionId)!.map((column) => column.cell(officialAnswers(application)));
    const table = rows.map((row, index) => [
      ...metaCells(exported[index]!),
      ...answerCells(exported[index]!, row.formVersionId),
    ]);
    const header = file.columns.map((column) => column.header);
    const now = new Date();
    let bytes: Uint8Array;
    let replaced: UnrepresentableCharacter[] = [];
    let contentType = contentTypes[format];
    if (format === "csv") {
      const encoding = options.encoding ?? "utf-8";
      const csv = encodeCsv({
        header,
        rows: table,
        encoding,
        onUnrepresentable: options.onUnrepresentable ?? "refuse",
      });
      if (csv.unrepresentable.length > 0 && (options.onUnrepresentable ?? "refuse") === "refuse") {
        return { outcome: "unrepresentable", characters: csv.unrepresentable };
      }
      bytes = csv.bytes;
      replaced = csv.unrepresentable;
      contentType = `text/csv; charset=${encoding === "cp932" ? "Shift_JIS" : "utf-8"}`;
    } else if (format === "xlsx") {
      bytes = encodeXlsx({ sheetName: fileTitle(file).ja, header, rows: table });
    } else {
      const title = fileTitle(file);
      const document = {
        formId,
        title: { ja: title.ja, en: title.en ?? null },
        versions: file.versions.map((version) => version.number),
        exportedAt: now.toISOString(),
        columns: file.columns,
        applications: table.map((cells) =>
          Object.fromEntries(file.columns.map((column, index) => [column.key, cells[index] ?? null])),
        ),
      };
      bytes = new TextEncoder().encode(JSON.stringify(document, null, 2));
    }
    await recordAudit(tx, {
      tenantId,
      actor: options.actor,
      action: "forms.application.export",
      resource: { type: "forms_form", id: formId },
      // What and how many, not who: the file itself is the copy.
      after: {
        fileKey: file.fileKey,
        versions: file.versions.map((version) => version.number),
        format,
        ...(format === "csv" ? { encoding: options.encoding ?? "utf-8" } : {}),
        count: table.length,
        ...(replaced.length > 0 ? { replacedCharacters: replaced.length } : {}),
      },
      requestId: options.requestId ?? null,
      ip: options.ip ?? null,
    });
    return {
      outcome: "exported",
      fileName: fileNameOf(file, format, now),
      contentType,
      bytes,
      count: table.length,
      replaced,
    };
  });
}
