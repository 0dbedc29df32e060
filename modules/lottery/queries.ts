import { and, asc, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../core/db/database.ts";
import { residents } from "../../core/identity/schema.ts";
import { PROMOTIONS_FORMAT, type PublishedPromotion, type PublishedPromotions } from "./promotion-order.ts";
import {
  choices,
  type Entry,
  entries,
  type LotterySlot,
  type Promotion,
  promotions,
  type Round,
  rounds,
  slots,
  type Win,
  wins,
} from "./schema.ts";

export async function listRounds(db: Db, tenantId: string): Promise<Round[]> {
  return db
    .select()
    .from(rounds)
    .where(eq(rounds.tenantId, tenantId))
    .orderBy(desc(rounds.applicationsOpenAt));
}

export async function findRound(db: Db, tenantId: string, roundId: string): Promise<Round | null> {
  const [round] = await db
    .select()
    .from(rounds)
    .where(and(eq(rounds.id, roundId), eq(rounds.tenantId, tenantId)));
  return round ?? null;
}

export async function slotsOfRound(db: Db, roundId: string): Promise<LotterySlot[]> {
  return db
    .select()
    .from(slots)
    .where(eq(slots.roundId, roundId))
    .orderBy(asc(slots.startsAt), asc(slots.unitId));
}

/** An entry with its ranked slot ids and what it won. */
export type EntryView = Entry & { choiceIds: string[]; won: Win[] };

async function withChoices(db: Db, found: Entry[]): Promise<EntryView[]> {
  if (found.length === 0) {
    return [];
  }
  const ids = found.map((e) => e.id);
  const ranked = await db
    .select()
    .from(choices)
    .where(inArray(choices.entryId, ids))
    .orderBy(asc(choices.entryId), asc(choices.rank));
  const won = await db.select().from(wins).where(inArray(wins.entryId, ids)).orderBy(asc(wins.rank));
  return found.map((entry) => ({
    ...entry,
    choiceIds: ranked.filter((c) => c.entryId === entry.id).map((c) => c.slotId),
    won: won.filter((w) => w.entryId === entry.id),
  }));
}

/** The entries a resident made in a round (alone, or for their group); nobody else's. */
export async function entriesOfResident(
  db: Db,
  o: { tenantId: string; roundId: string; residentId: string },
): Promise<EntryView[]> {
  const found = await db
    .select()
    .from(entries)
    .where(
      and(
        eq(entries.tenantId, o.tenantId),
        eq(entries.roundId, o.roundId),
        eq(entries.residentId, o.residentId),
      ),
    )
    .orderBy(asc(entries.createdAt));
  return withChoices(db, found);
}

export type StaffEntryView = EntryView & { residentName: string; residentEmail: string | null };

/** Every entry of a round with who made it, for staff (a read of personal data: the caller audits it). */
export async function entriesOfRound(
  db: Db,
  o: { tenantId: string; roundId: string },
): Promise<StaffEntryView[]> {
  const rows = await db
    .select({ entry: entries, name: residents.displayName, email: residents.email })
    .from(entries)
    .innerJoin(residents, eq(residents.id, entries.residentId))
    .where(and(eq(entries.tenantId, o.tenantId), eq(entries.roundId, o.roundId)))
    .orderBy(asc(entries.id));
  const views = await withChoices(
    db,
    rows.map((r) => r.entry),
  );
  return views.map((view, i) => ({
    ...view,
    residentName: rows[i]!.name ?? "",
    residentEmail: rows[i]!.email,
  }));
}

/** A promotions log row as published: entry ids only, and the promoted entry's rank from its own choices. */
export function toPublishedPromotion(row: Promotion, rank: number | null = null): PublishedPromotion {
  return {
    seq: row.seq,
    at: row.createdAt.toISOString(),
    slot: row.slotId,
    vacated: { entry: row.vacatedEntryId, reason: row.reason },
    passedOver: row.passedOver,
    promoted:
      row.promotedEntryId && row.drawStep !== null && row.confirmBy
        ? {
            entry: row.promotedEntryId,
            step: row.drawStep,
            rank: rank ?? 0,
            confirmBy: row.confirmBy.toISOString(),
          }
        : null,
  };
}

/** The round's public promotions log (`/lottery/<id>/promotions.json`), oldest first. */
export async function promotionsOfRound(
  db: Db,
  o: { tenantId: string; roundId: string },
): Promise<PublishedPromotions> {
  const rows = await db
    .select({ promotion: promotions, rank: wins.rank })
    .from(promotions)
    .leftJoin(wins, eq(wins.id, promotions.promotedWinId))
    .where(and(eq(promotions.tenantId, o.tenantId), eq(promotions.roundId, o.roundId)))
    .orderBy(asc(promotions.seq));
  return {
    format: PROMOTIONS_FORMAT,
    round: o.roundId,
    promotions: rows.map((r) => toPublishedPromotion(r.promotion, r.rank)),
  };
}
