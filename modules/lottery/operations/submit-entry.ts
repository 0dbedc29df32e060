import { and, eq, inArray, sql } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { groupOfResident, readPenaltyStatus, userCategoryOfResident } from "../../facilities/index.ts";
import { refuse, suspended } from "../refusals.ts";
import { choices, type Entry, entries, rounds, slots } from "../schema.ts";

export type SubmitEntryOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  residentId: string;
  roundId: string;
  /** Enter for the resident's registered group (団体) instead of alone. */
  forGroup: boolean;
  /** Slot ids, 第一希望 first. */
  slotIds: string[];
  now: Date;
  requestId?: string | null;
};

/** Whether a database error is the unique index saying this applicant already has an entry. */
function isDuplicateEntry(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } }).cause;
  return (error as { code?: string }).code === "23505" || cause?.code === "23505";
}

/**
 * A resident's entry into a lottery round, alone or for their group, with ranked choices. Every rule is
 * checked before anything is written, all in the caller's transaction.
 */
export async function submitEntry(o: SubmitEntryOptions): Promise<Entry> {
  const { tx, tenantId } = o;
  // FOR SHARE: the draw takes the row FOR UPDATE, so an entry can never slip in beside a running draw.
  const [round] = await tx
    .select()
    .from(rounds)
    .where(and(eq(rounds.id, o.roundId), eq(rounds.tenantId, tenantId)))
    .for("share");
  if (!round) {
    throw refuse("round_not_found");
  }
  if (
    round.status !== "accepting" ||
    o.now < round.applicationsOpenAt ||
    o.now >= round.applicationsCloseAt
  ) {
    throw refuse("outside_period");
  }
  if (o.slotIds.length === 0) {
    throw refuse("no_choice");
  }
  if (o.slotIds.length > round.choicesPerEntry) {
    throw refuse("too_many_choices");
  }
  if (new Set(o.slotIds).size !== o.slotIds.length) {
    throw refuse("duplicate_choice");
  }
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  const covered = o.slotIds.every((id) => uuid.test(id))
    ? await tx
        .select({ id: slots.id })
        .from(slots)
        .where(and(eq(slots.roundId, round.id), eq(slots.tenantId, tenantId), inArray(slots.id, o.slotIds)))
    : [];
  if (covered.length !== o.slotIds.length) {
    throw refuse("choice_not_in_round");
  }
  const group = o.forGroup ? await groupOfResident(tx, { tenantId, residentId: o.residentId }) : null;
  if (o.forGroup && !group) {
    throw refuse("no_group");
  }
  const penalty = await readPenaltyStatus({
    db: tx,
    tenantId,
    residentId: o.residentId,
    groupId: group?.id ?? null,
  });
  if (penalty.suspendedUntil) {
    throw suspended(penalty.suspendedUntil);
  }
  const userCategory = group
    ? group.userCategory
    : await userCategoryOfResident(tx, { tenantId, residentId: o.residentId });
  const tier = round.priorityTiers.findIndex((categories) => categories.includes(userCategory));
  if (tier < 0) {
    throw refuse("not_eligible");
  }
  const applicantKey = group ? `group:${group.id}` : `resident:${o.residentId}`;
  const [existing] = await tx
    .select({ id: entries.id })
    .from(entries)
    .where(and(eq(entries.roundId, round.id), eq(entries.applicantKey, applicantKey)));
  if (existing) {
    throw refuse("already_entered");
  }
  // The cap counts the applicant's entries in every round of the city drawn in the same Tokyo month.
  const [{ count } = { count: 0 }] = await tx
    .select({ count: sql<number>`count(*)::int` })
    .from(entries)
    .innerJoin(rounds, eq(rounds.id, entries.roundId))
    .where(
      and(
        eq(entries.tenantId, tenantId),
        eq(entries.applicantKey, applicantKey),
        sql`date_trunc('month', ${rounds.drawAt} AT TIME ZONE 'Asia/Tokyo') = date_trunc('month', ${round.drawAt.toISOString()}::timestamptz AT TIME ZONE 'Asia/Tokyo')`,
      ),
    );
  if (count >= round.maxEntriesPerApplicant) {
    throw refuse("entry_cap");
  }
  let entry: Entry;
  try {
    // A savepoint, so a lost race on the unique index leaves the caller's transaction usable for the 409.
    entry = await tx.transaction(async (inner) => {
      const [inserted] = await inner
        .insert(entries)
        .values({
          tenantId,
          roundId: round.id,
          residentId: o.residentId,
          groupId: group?.id ?? null,
          applicantKey,
          userCategory,
          tier,
        })
        .returning();
      return inserted!;
    });
  } catch (error) {
    if (isDuplicateEntry(error)) {
      throw refuse("already_entered");
    }
    throw error;
  }
  await tx.insert(choices).values(o.slotIds.map((slotId, i) => ({ entryId: entry.id, rank: i + 1, slotId })));
  await recordChange(tx, {
    tenantId,
    actor: o.actor,
    action: "lottery.entry.submit",
    resource: { type: "lottery_entry", id: entry.id },
    after: { roundId: round.id, groupId: entry.groupId, tier, choices: o.slotIds },
    event: { name: "lottery.entry_submitted", payload: { roundId: round.id, entryId: entry.id } },
    requestId: o.requestId ?? null,
  });
  return entry;
}
