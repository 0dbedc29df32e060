import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lte, ne, type SQL } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import type { Language } from "../../../core/i18n/i18n.ts";
import { departments } from "../../../core/identity/schema.ts";
import {
  type ReportCategory,
  reportCategories,
  reportEntries,
  reportPhotos,
  reportStatuses,
  reports,
  type StatusCategory,
} from "../schema.ts";
import type { Open311Object } from "./format.ts";

/** The specification's cap of requests in one answer. */
export const MAX_REQUESTS = 1000;
/** How far the page extension reaches: a million requests, far beyond any 90-day window of a city. */
export const MAX_PAGE = 1000;

export type RequestFilter =
  | { references: string[]; page: number; perPage: number }
  | {
      serviceCodes?: string[] | undefined;
      /** GeoReport's two statuses; ours map open → open, closed and fixed → closed. */
      statuses?: ("open" | "closed")[] | undefined;
      start: Date;
      end: Date;
      page: number;
      perPage: number;
    };

/** A report as GeoReport shows it, with what presenting it needs. */
type RequestRow = {
  report: typeof reports.$inferSelect;
  category: ReportCategory;
  statusLabelJa: string;
  statusLabelEn: string;
  departmentJa: string | null;
  departmentEn: string | null;
};

export const open311Status = (category: StatusCategory): "open" | "closed" =>
  category === "open" ? "open" : "closed";

/** W3C date-time in UTC, seconds precision, as the specification's examples write it. */
export const w3c = (date: Date | null) => (date ? date.toISOString().replace(/\.\d{3}Z$/, "Z") : null);

/** What the city promises when it files a report of this category (GeoReport's service_notice). */
export function serviceNotice(category: ReportCategory): string {
  return category.slaBusinessDays
    ? `受付から${category.slaBusinessDays}業務日以内を目安に対応します / We aim to act within ${category.slaBusinessDays} business days`
    : "";
}

/**
 * The city's service requests for GeoReport: never reports hidden by staff; newest first. The list holds
 * only what the public map shows (a public point, not merged), as the public pages do; by id the other
 * filters do not apply, as the specification says, and a report of a hidden category is found but
 * presented without its content.
 */
export async function findServiceRequests(
  db: Db,
  tenantId: string,
  filter: RequestFilter,
): Promise<RequestRow[]> {
  const conditions: (SQL | undefined)[] = [eq(reports.tenantId, tenantId), eq(reports.hiddenByStaff, false)];
  if ("references" in filter) {
    conditions.push(inArray(reports.reference, filter.references));
  } else {
    conditions.push(
      isNotNull(reports.publicLat),
      isNull(reports.mergedIntoId),
      ne(reportCategories.publicLocation, "hidden"),
      gte(reports.receivedAt, filter.start),
      lte(reports.receivedAt, filter.end),
    );
    if (filter.serviceCodes) {
      conditions.push(inArray(reportCategories.code, filter.serviceCodes));
    }
    if (filter.statuses && filter.statuses.length === 1) {
      conditions.push(
        filter.statuses[0] === "open"
          ? eq(reports.statusCategory, "open")
          : ne(reports.statusCategory, "open"),
      );
    }
  }
  return db
    .select({
      report: reports,
      category: reportCategories,
      statusLabelJa: reportStatuses.labelJa,
      statusLabelEn: reportStatuses.labelEn,
      departmentJa: departments.nameJa,
      departmentEn: departments.nameEn,
    })
    .from(reports)
    .innerJoin(reportCategories, eq(reportCategories.id, reports.categoryId))
    .innerJoin(
      reportStatuses,
      and(eq(reportStatuses.tenantId, reports.tenantId), eq(reportStatuses.key, reports.statusKey)),
    )
    .leftJoin(departments, eq(departments.id, reports.departmentId))
    .where(and(...conditions))
    .orderBy(desc(reports.receivedAt), asc(reports.id))
    .limit(filter.perPage)
    .offset((filter.page - 1) * filter.perPage);
}

/** The latest public reply and the first published photo of each report, in two queries for the page. */
async function notesAndPhotos(db: Db, ids: string[]) {
  const notes = new Map<string, string>();
  const photos = new Map<string, number>();
  if (ids.length === 0) {
    return { notes, photos };
  }
  const replies = await db
    .select({ reportId: reportEntries.reportId, body: reportEntries.body })
    .from(reportEntries)
    .where(
      and(
        inArray(reportEntries.reportId, ids),
        eq(reportEntries.kind, "reply"),
        eq(reportEntries.public, true),
      ),
    )
    .orderBy(asc(reportEntries.id));
  for (const reply of replies) {
    if (reply.body) {
      notes.set(reply.reportId, reply.body);
    }
  }
  const published = await db
    .select({ reportId: reportPhotos.reportId, position: reportPhotos.position })
    .from(reportPhotos)
    .where(and(inArray(reportPhotos.reportId, ids), eq(reportPhotos.public, true)))
    .orderBy(desc(reportPhotos.position));
  for (const photo of published) {
    photos.set(photo.reportId, photo.position);
  }
  return { notes, photos };
}

/**
 * The GeoReport fields of each row: public data only (never contacts). A hidden category (consultations,
 * personal matters) shows only that a request exists and its status: no description, reply, place or photo,
 * whatever its stored public point.
 */
export async function presentServiceRequests(
  db: Db,
  rows: RequestRow[],
  o: { lang: Language; origin: string; extensions: boolean },
): Promise<Open311Object[]> {
  const { notes, photos } = await notesAndPhotos(
    db,
    rows.map((row) => row.report.id),
  );
  return rows.map(({ report, category, ...row }) => {
    const open = category.publicLocation !== "hidden";
    const located = open && report.publicLat !== null && report.publicLng !== null;
    const photo = open ? photos.get(report.id) : undefined;
    return {
      service_request_id: report.reference,
      status: open311Status(report.statusCategory),
      status_notes: open ? (notes.get(report.id) ?? null) : null,
      service_name: o.lang === "en" ? category.nameEn : category.nameJa,
      service_code: category.code,
      description: open ? report.description : null,
      agency_responsible: (o.lang === "en" ? row.departmentEn : row.departmentJa) ?? null,
      service_notice: serviceNotice(category),
      requested_datetime: w3c(report.receivedAt),
      // A closed request was last changed, as far as the public knows, when it was closed.
      updated_datetime: w3c(
        report.statusCategory !== "open" && report.closedAt ? report.closedAt : report.updatedAt,
      ),
      expected_datetime: w3c(report.dueAt),
      ...(located
        ? {
            // The typed address could undo a coarsened point, so only exact categories show it.
            address: category.publicLocation === "exact" ? report.address : null,
            address_id: null,
            zipcode: null,
            lat: report.publicLat,
            long: report.publicLng,
          }
        : {}),
      media_url: photo ? `${o.origin}/open311/v2/media/${report.reference}/${photo}` : null,
      ...(o.extensions
        ? {
            extended_attributes: {
              reference: report.reference,
              status_key: report.statusKey,
              status_label: { ja: row.statusLabelJa, en: row.statusLabelEn },
              stage: report.stage,
              status_category: report.statusCategory,
            },
          }
        : {}),
    };
  });
}
