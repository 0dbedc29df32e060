import { eq } from "drizzle-orm";
import type { Actor } from "../../audit/actor.ts";
import { recordAudit } from "../../audit/record-audit.ts";
import { tokyoDate } from "../../calendar/business-days.ts";
import type { Db } from "../../db/database.ts";
import {
  type CellValue,
  type CsvEncoding,
  encodeCsv,
  type UnrepresentableCharacter,
} from "../../exports/csv.ts";
import { encodeXlsx } from "../../exports/xlsx.ts";
import { ProblemError } from "../../http/problem.ts";
import type { Language } from "../../i18n/i18n.ts";
import type { StaffScope } from "../../identity/policy.ts";
import { type CaseFilters, caseConditions, queueOrder } from "../case-filters.ts";
import { selectCaseViews } from "../case-views.ts";
import { type CaseChannel, caseServiceSettings } from "../schema.ts";
import { type SlaBucket, slaOf } from "../sla.ts";
import { caseStatusLabels } from "../status.ts";
import { slaClock } from "./find-cases.ts";

export type ExportCasesOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  scope: StaffScope;
  staffId: string | null;
  filters: CaseFilters;
  format: "csv" | "xlsx";
  encoding: CsvEncoding;
  onUnrepresentable: "refuse" | "replace";
  /** The language of the column names and labels. */
  language: Language;
  now?: Date;
  requestId?: string | null;
  ip?: string | null;
};

export type ExportedCases =
  | { ok: true; bytes: Uint8Array; fileName: string; contentType: string; count: number }
  | { ok: false; unrepresentable: UnrepresentableCharacter[] };

/** More rows than a spreadsheet is useful for: narrow the filters (or use the API page by page). */
export const MAX_EXPORT_ROWS = 10_000;

const headers: Record<Language, string[]> = {
  ja: [
    "受付番号",
    "手続き",
    "件名",
    "状態",
    "受付方法",
    "担当課",
    "担当者",
    "担当チーム",
    "受付日時",
    "処理期限",
    "完了日時",
    "期限の状況",
    "理由",
  ],
  en: [
    "Reference",
    "Service",
    "Title",
    "Status",
    "Channel",
    "Department",
    "Assignee",
    "Team",
    "Received",
    "Due",
    "Completed",
    "SLA",
    "Reason",
  ],
};

const channelLabels: Record<CaseChannel, Record<Language, string>> = {
  web: { ja: "ウェブ", en: "Web" },
  line: { ja: "LINE", en: "LINE" },
  counter: { ja: "窓口", en: "Counter" },
  paper: { ja: "郵送・紙", en: "Paper" },
  phone: { ja: "電話", en: "Phone" },
};

const slaLabels: Record<SlaBucket, Record<Language, string>> = {
  overdue: { ja: "期限超過", en: "Overdue" },
  due_soon: { ja: "期限間近", en: "Due soon" },
  on_track: { ja: "期限内", en: "On track" },
  none: { ja: "", en: "" },
};

/** "2026-05-01 09:30" in Tokyo: what a spreadsheet shows and a core system parses. */
function tokyoDateTime(date: Date | null): string | null {
  if (!date) {
    return null;
  }
  const local = new Date(date.getTime() + 9 * 3_600_000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 16)}`;
}

/**
 * The queue as CSV (UTF-8 with BOM, or CP932) or XLSX, with the same filters and scope as the list. A CP932
 * export that would lose characters is refused (listing them) unless the caller asked for 〓 in their place.
 * Exports hold personal data, so each one is audited.
 */
export async function exportCases(o: ExportCasesOptions): Promise<ExportedCases> {
  const { tx, tenantId, language } = o;
  const clock = await slaClock(tx, tenantId, o.now);
  const rows = await selectCaseViews(tx)
    .where(caseConditions({ tenantId, scope: o.scope, filters: o.filters, staffId: o.staffId, clock }))
    .orderBy(...queueOrder)
    .limit(MAX_EXPORT_ROWS + 1);
  if (rows.length > MAX_EXPORT_ROWS) {
    throw new ProblemError(
      422,
      "too-many-rows",
      { ja: "書き出す件数が多すぎます", en: "Too many cases to export" },
      {
        detail: `At most ${MAX_EXPORT_ROWS} cases; narrow the filters. / ${MAX_EXPORT_ROWS}件までです。条件を絞り込んでください。`,
      },
    );
  }
  const services = new Map(
    (await tx.select().from(caseServiceSettings).where(eq(caseServiceSettings.tenantId, tenantId))).map(
      (s) => [s.serviceKey, language === "ja" ? s.titleJa : s.titleEn],
    ),
  );
  const ja = language === "ja";
  const cells: CellValue[][] = rows.map((row) => {
    const found = row.case;
    return [
      found.reference,
      services.get(found.serviceKey) ?? found.serviceKey,
      ja ? found.titleJa : found.titleEn,
      caseStatusLabels[found.status].staff[language],
      channelLabels[found.channel][language],
      ja ? row.departmentNameJa : row.departmentNameEn,
      row.assigneeName,
      ja ? row.teamNameJa : row.teamNameEn,
      tokyoDateTime(found.receivedAt),
      tokyoDateTime(found.dueAt),
      tokyoDateTime(found.completedAt),
      slaLabels[slaOf(found, clock)][language],
      found.statusReason,
    ];
  });
  const header = headers[language];
  const stem = `cases-${tokyoDate(clock.now).replaceAll("-", "")}`;
  let file: { bytes: Uint8Array; fileName: string; contentType: string };
  if (o.format === "xlsx") {
    file = {
      bytes: encodeXlsx({ sheetName: ja ? "案件" : "Cases", header, rows: cells }),
      fileName: `${stem}.xlsx`,
      contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    };
  } else {
    const csv = encodeCsv({
      header,
      rows: cells,
      encoding: o.encoding,
      onUnrepresentable: o.onUnrepresentable,
    });
    if (csv.unrepresentable.length > 0 && o.onUnrepresentable === "refuse") {
      return { ok: false, unrepresentable: csv.unrepresentable };
    }
    file = {
      bytes: csv.bytes,
      fileName: `${stem}${o.encoding === "cp932" ? "-sjis" : ""}.csv`,
      contentType: `text/csv; charset=${o.encoding === "cp932" ? "Shift_JIS" : "utf-8"}`,
    };
  }
  const { q, ...filters } = o.filters;
  await recordAudit(tx, {
    tenantId,
    actor: o.actor,
    action: "cases.case.export",
    resource: { type: "cases_case", id: null },
    after: {
      count: rows.length,
      format: o.format,
      encoding: o.format === "csv" ? o.encoding : null,
      filters,
      search: q !== undefined,
    },
    requestId: o.requestId ?? null,
    ip: o.ip ?? null,
  });
  return { ok: true, ...file, count: rows.length };
}
