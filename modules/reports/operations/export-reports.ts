import { eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import { recordAudit } from "../../../core/audit/record-audit.ts";
import type { Db } from "../../../core/db/database.ts";
import { type CsvEncoding, encodeCsv, type UnrepresentableCharacter } from "../../../core/exports/csv.ts";
import type { StaffScope } from "../../../core/identity/policy.ts";
import { departments, staffAccounts } from "../../../core/identity/schema.ts";
import { reportAreas, reportCategories, reportStatuses } from "../schema.ts";
import { findReports, type ReportFilters } from "../staff-filters.ts";

export const MAX_EXPORT_ROWS = 50_000;

export type ExportReportsOptions = {
  db: Db;
  tenantId: string;
  actor: Actor & { type: "staff"; id: string };
  /** The member's reach for reports.report.export. */
  scope: StaffScope;
  filters: ReportFilters;
  encoding: CsvEncoding;
  requestId?: string | null;
};

export type ExportReportsResult =
  | { ok: true; bytes: Uint8Array; rows: number }
  | { ok: false; unrepresentable: UnrepresentableCharacter[] };

const tokyo = (date: Date | null) =>
  date ? date.toLocaleString("sv-SE", { timeZone: "Asia/Tokyo" }).slice(0, 16) : null;

/**
 * The reports the list shows with these filters, as CSV with contacts (personal data, so the export is
 * audited with its row count). CP932 refuses characters it cannot hold and lists them.
 */
export async function exportReports(o: ExportReportsOptions): Promise<ExportReportsResult> {
  const { rows } = await findReports(o.db, {
    tenantId: o.tenantId,
    scope: o.scope,
    staffId: o.actor.id,
    filters: o.filters,
    limit: MAX_EXPORT_ROWS,
  });
  const [categories, statuses, areas, depts, staff] = await Promise.all([
    o.db.select().from(reportCategories).where(eq(reportCategories.tenantId, o.tenantId)),
    o.db.select().from(reportStatuses).where(eq(reportStatuses.tenantId, o.tenantId)),
    o.db.select().from(reportAreas).where(eq(reportAreas.tenantId, o.tenantId)),
    o.db.select().from(departments).where(eq(departments.tenantId, o.tenantId)),
    o.db.select().from(staffAccounts).where(eq(staffAccounts.tenantId, o.tenantId)),
  ]);
  const name = <T extends { id: string }>(list: T[], id: string | null, get: (row: T) => string) => {
    const found = id ? list.find((row) => row.id === id) : undefined;
    return found ? get(found) : null;
  };
  const encoded = encodeCsv({
    header: [
      "受付番号",
      "受付日時",
      "種類",
      "状態",
      "担当部署",
      "担当者",
      "町字・区域",
      "緯度",
      "経度",
      "住所",
      "内容",
      "経路",
      "氏名",
      "メール",
      "電話",
      "期限",
      "完了日時",
      "統合先",
    ],
    rows: rows.map((r) => [
      r.reference,
      tokyo(r.receivedAt),
      name(categories, r.categoryId, (x) => x.nameJa),
      statuses.find((s) => s.key === r.statusKey)?.labelJa ?? r.statusKey,
      name(depts, r.departmentId, (x) => x.nameJa),
      name(staff, r.assigneeStaffId, (x) => x.displayName),
      name(areas, r.areaId, (x) => x.nameJa),
      r.lat,
      r.lng,
      r.address,
      r.description,
      r.channel,
      r.contactName,
      r.contactEmail,
      r.contactPhone,
      tokyo(r.dueAt),
      tokyo(r.closedAt),
      r.mergedIntoId,
    ]),
    encoding: o.encoding,
  });
  if (encoded.unrepresentable.length > 0 && o.encoding === "cp932") {
    return { ok: false, unrepresentable: encoded.unrepresentable };
  }
  await recordAudit(o.db, {
    tenantId: o.tenantId,
    actor: o.actor,
    action: "reports.report.export",
    resource: { type: "report", id: null },
    after: { rows: rows.length, encoding: o.encoding, filters: o.filters },
    requestId: o.requestId ?? null,
  });
  return { ok: true, bytes: encoded.bytes, rows: rows.length };
}
