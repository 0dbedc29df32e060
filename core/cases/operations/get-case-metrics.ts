import { and, asc, eq, gte, lte, sql } from "drizzle-orm";
import type { Db } from "../../db/database.ts";
import type { StaffScope } from "../../identity/policy.ts";
import { scopeCondition } from "../case-filters.ts";
import {
  type CaseChannel,
  caseChannels,
  caseEntries,
  caseRatings,
  caseServiceSettings,
  cases,
} from "../schema.ts";

export type GetCaseMetricsOptions = {
  db: Db;
  tenantId: string;
  scope: StaffScope;
  /** Cases received in this period; open-ended when omitted. */
  from?: Date;
  to?: Date;
};

export type ServiceMetrics = {
  serviceKey: string;
  title: { ja: string; en: string };
  total: number;
  byChannel: Record<CaseChannel, number>;
  /** (web + LINE) / total. */
  onlineShare: number;
  /** From received to completed, of the completed cases; null when none is completed. */
  processingHours: { median: number; p90: number } | null;
  /** Cases that were returned to the resident at least once. */
  returned: number;
  satisfaction: { average: number | null; count: number };
};

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/**
 * Per service: applications by channel, online share, processing time (median and 90th percentile of
 * completed cases, in hours), returns and satisfaction, for the cases received in the period. Aggregates
 * only, so not audited.
 */
export async function getCaseMetrics(o: GetCaseMetricsOptions): Promise<ServiceMetrics[]> {
  const { db, tenantId } = o;
  const returned = db
    .selectDistinct({ caseId: caseEntries.caseId })
    .from(caseEntries)
    .where(and(eq(caseEntries.tenantId, tenantId), eq(caseEntries.toStatus, "returned")))
    .as("returned");
  const hours = sql`extract(epoch FROM ${cases.completedAt} - ${cases.receivedAt}) / 3600`;
  const completed = sql`${cases.status} = 'completed'`;
  const channelCount = (channel: CaseChannel) =>
    sql<number>`(count(*) FILTER (WHERE ${cases.channel} = ${channel}))::int`;
  const rows = await db
    .select({
      serviceKey: cases.serviceKey,
      titleJa: caseServiceSettings.titleJa,
      titleEn: caseServiceSettings.titleEn,
      total: sql<number>`count(*)::int`,
      web: channelCount("web"),
      line: channelCount("line"),
      counter: channelCount("counter"),
      paper: channelCount("paper"),
      phone: channelCount("phone"),
      median: sql<
        number | null
      >`(percentile_cont(0.5) WITHIN GROUP (ORDER BY ${hours}) FILTER (WHERE ${completed}))::float8`,
      p90: sql<
        number | null
      >`(percentile_cont(0.9) WITHIN GROUP (ORDER BY ${hours}) FILTER (WHERE ${completed}))::float8`,
      returned: sql<number>`count(${returned.caseId})::int`,
      ratingAverage: sql<number | null>`avg(${caseRatings.score})::float8`,
      ratingCount: sql<number>`count(${caseRatings.id})::int`,
    })
    .from(cases)
    .innerJoin(
      caseServiceSettings,
      and(
        eq(caseServiceSettings.tenantId, cases.tenantId),
        eq(caseServiceSettings.serviceKey, cases.serviceKey),
      ),
    )
    .leftJoin(caseRatings, eq(caseRatings.caseId, cases.id))
    .leftJoin(returned, eq(returned.caseId, cases.id))
    .where(
      and(
        eq(cases.tenantId, tenantId),
        scopeCondition(o.scope),
        o.from ? gte(cases.receivedAt, o.from) : undefined,
        o.to ? lte(cases.receivedAt, o.to) : undefined,
      ),
    )
    .groupBy(cases.serviceKey, caseServiceSettings.titleJa, caseServiceSettings.titleEn)
    .orderBy(asc(caseServiceSettings.titleJa), asc(cases.serviceKey));
  return rows.map((row) => {
    const byChannel = Object.fromEntries(
      caseChannels.map((channel) => [channel, Number(row[channel])]),
    ) as Record<CaseChannel, number>;
    const median = row.median === null ? null : Number(row.median);
    const p90 = row.p90 === null ? null : Number(row.p90);
    return {
      serviceKey: row.serviceKey,
      title: { ja: row.titleJa, en: row.titleEn },
      total: row.total,
      byChannel,
      onlineShare: row.total === 0 ? 0 : round((byChannel.web + byChannel.line) / row.total, 4),
      processingHours:
        median === null || p90 === null ? null : { median: round(median, 1), p90: round(p90, 1) },
      returned: row.returned,
      satisfaction: {
        average: row.ratingAverage === null ? null : round(Number(row.ratingAverage), 2),
        count: row.ratingCount,
      },
    };
  });
}
