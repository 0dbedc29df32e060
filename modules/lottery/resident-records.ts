import { and, desc, eq } from "drizzle-orm";
import type { ResidentRecord, ResidentRecordsQuery } from "../../core/module.ts";
import { entries, rounds, wins } from "./schema.ts";

const statusLabels = {
  accepting: { ja: "抽選待ち", en: "Awaiting the draw" },
  won: { ja: "当選", en: "Won" },
  lost: { ja: "落選", en: "Not won" },
} as const;

/** The resident's lottery entries for My page, each linking to its round, where the result is shown. */
export async function lotteryRecords({
  db,
  tenantId,
  residentId,
}: ResidentRecordsQuery): Promise<ResidentRecord[]> {
  const rows = await db
    .select({ entry: entries, round: rounds })
    .from(entries)
    .innerJoin(rounds, eq(rounds.id, entries.roundId))
    .where(and(eq(entries.tenantId, tenantId), eq(entries.residentId, residentId)))
    .orderBy(desc(entries.createdAt))
    .limit(100);
  const won = new Set(
    (
      await db
        .select({ entryId: wins.entryId })
        .from(wins)
        .innerJoin(entries, eq(entries.id, wins.entryId))
        .where(and(eq(wins.tenantId, tenantId), eq(entries.residentId, residentId)))
    ).map((w) => w.entryId),
  );
  return rows.map(({ entry, round }) => ({
    kind: "application",
    id: entry.id,
    title: { ja: `抽選申込：${round.titleJa}`, en: `Lottery entry: ${round.titleEn}` },
    status: statusLabels[round.status === "accepting" ? "accepting" : won.has(entry.id) ? "won" : "lost"],
    href: `/lottery/${round.id}`,
    updatedAt: round.drawnAt ?? entry.createdAt,
  }));
}
