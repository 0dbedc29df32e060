import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../core/audit/actor.ts";
import { domainEvents } from "../../core/events/schema.ts";
import { jobs } from "../../core/jobs/schema.ts";
import { notifications } from "../../core/notifications/schema.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import {
  createTestPlatform,
  type ResidentTestSession,
  type TestPlatform,
} from "../../core/testing/test-platform.ts";
import { type FacilitySlot, listUnitSlots } from "../facilities/index.ts";
import { promoteEntrant } from "./operations/promote-entrant.ts";
import { runRoundDraw } from "./operations/run-draw.ts";
import { submitEntry } from "./operations/submit-entry.ts";
import type { PublishedPromotions } from "./promotion-order.ts";
import { type PublishedDraw, replayDraw } from "./published-draw.ts";
import { entries, slots as lotterySlots, promotions, type Round, wins } from "./schema.ts";
import { followWonBookings } from "./subscribers.ts";
import { closeApplications, createTestRound, demoTenantId, freeSlots } from "./testing.ts";
import { verifyDrawCommand } from "./verify-command.ts";

let platform: TestPlatform;
let tenantId: string;
let round: Round;
let draw: PublishedDraw;
let slotA: string;
let slotB: string;
const residents: Record<string, ResidentTestSession> = {};
/** Entries that have ever been given a slot: with a win cap of 1 they are never offered another. */
const given = new Set<string>();
const db = () => platform.services.database.db;
const DAY = 24 * 3600_000;

beforeAll(async () => {
  platform = await createTestPlatform();
  tenantId = await demoTenantId(db());
  // A second city on the same install, before the first request so the tenant cache knows it.
  await db()
    .insert(tenants)
    .values({
      municipalityCode: "990028",
      slug: "other-city",
      nameJa: "よその市",
      nameEn: "Other City",
      hosts: ["other.localhost"],
    });
  const roundSlots: FacilitySlot[] = await freeSlots(db(), {
    tenantId,
    unitName: "アリーナ B面",
    count: 2,
    fromDays: 10,
  });
  round = await createTestRound(db(), {
    tenantId,
    slots: roundSlots,
    rules: { maxWinsPerApplicant: 1, choicesPerEntry: 2, promotionConfirmDays: 2 },
  });
  const ids = (await db().select().from(lotterySlots).where(eq(lotterySlots.roundId, round.id))).sort(
    (a, b) => a.startsAt.getTime() - b.startsAt.getTime(),
  );
  slotA = ids[0]!.id;
  slotB = ids[1]!.id;
  // a, b and c want slot A first; d wants only B, so the draw leaves A's losers in line for both slots.
  const wanted: Record<string, string[]> = { a: [slotA, slotB], b: [slotA, slotB], c: [slotA], d: [slotB] };
  for (const [name, choices] of Object.entries(wanted)) {
    const session = await platform.signInResident(`${name}-promo@example.jp`);
    residents[name] = session;
    await db().transaction((tx) =>
      submitEntry({
        tx,
        tenantId,
        actor: systemActor,
        residentId: session.residentId,
        roundId: round.id,
        forGroup: false,
        slotIds: choices,
        now: new Date(),
      }),
    );
  }
  await closeApplications(db(), round.id);
  const drawn = await db().transaction((tx) =>
    runRoundDraw({ tx, tenantId, actor: systemActor, roundId: round.id, now: new Date() }),
  );
  draw = drawn.published;
  for (const win of draw.winners) {
    given.add(win.entry);
  }
}, 60_000);
afterAll(() => platform?.close());

/** The oracle, written independently of the code under test: the first entry in the draw's log that lost
 *  the slot and has never been given one (win cap 1). */
function expectedNext(slot: string): string | null {
  return draw.log.find((s) => s.slot === slot && s.outcome === "lost" && !given.has(s.entry))?.entry ?? null;
}

async function liveWin(slot: string) {
  const [win] = await db()
    .select()
    .from(wins)
    .where(and(eq(wins.slotId, slot), inArray(wins.status, ["awarded", "confirmed"])));
  return win ?? null;
}

async function bookingOf(slot: string): Promise<string> {
  const [row] = await db().select().from(lotterySlots).where(eq(lotterySlots.id, slot));
  return row!.bookingId;
}

/** Clocks: the win's payment deadline has passed, and the facilities expiry job runs (one worker tick). */
async function lapse(slot: string): Promise<void> {
  // Whatever is queued (messages of earlier steps) runs first, so the next tick runs the expiry alone.
  await platform.worker.drain();
  await db().execute(
    sql`UPDATE facilities_bookings SET confirm_by = now() - interval '1 second' WHERE id = ${await bookingOf(slot)}`,
  );
  await db().insert(jobs).values({ name: "facilities.expire-provisional-bookings", payload: {} });
  await platform.worker.drain(1);
}

async function promotionLog(): Promise<PublishedPromotions> {
  const response = await platform.request(`/lottery/${round.id}/promotions.json`);
  expect(response.status).toBe(200);
  return (await response.json()) as PublishedPromotions;
}

async function slotState(slot: string): Promise<string> {
  const [row] = await db().select().from(lotterySlots).where(eq(lotterySlots.id, slot));
  const day = new Date(row!.startsAt.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
  const blocks = await listUnitSlots(db(), { tenantId, unitId: row!.unitId, from: day, to: day });
  return blocks.find((b) => b.startsAt.getTime() === row!.startsAt.getTime())!.state;
}

describe("繰り上げ当選 (promotion from the waiting list)", () => {
  it("offers a lapsed win to the next entrant in the draw's order, once, even when the event races", async () => {
    const vacated = (await liveWin(slotA))!;
    await lapse(slotA);
    const [event] = await db()
      .select()
      .from(domainEvents)
      .where(eq(domainEvents.name, "facilities.booking_expired"))
      .orderBy(desc(domainEvents.id))
      .limit(1);
    expect(event!.payload).toMatchObject({ status: "held", lotteryRoundId: round.id });
    // The same event delivered twice at once (a retry beside the first run): one promotion, never two.
    const context = {
      jobId: 0,
      tenantId,
      attempt: 1,
      logger: platform.services.logger,
      services: platform.services,
    };
    const delivered = { id: event!.id, tenantId, name: event!.name, payload: event!.payload };
    await Promise.all([
      followWonBookings.handle(delivered, context),
      followWonBookings.handle(delivered, context),
    ]);
    await platform.worker.drain();

    const next = expectedNext(slotA);
    expect(next).not.toBeNull();
    const log = await db().select().from(promotions).where(eq(promotions.roundId, round.id));
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      seq: 1,
      slotId: slotA,
      vacatedEntryId: vacated.entryId,
      reason: "expired",
    });
    expect(log[0]!.promotedEntryId).toBe(next);
    expect(log[0]!.drawStep).toBe(draw.log.find((s) => s.slot === slotA && s.entry === next)!.step);
    // The promoted entrant's own deadline: the round's promotion days from now.
    expect(Math.abs(log[0]!.confirmBy!.getTime() - (Date.now() + 2 * DAY))).toBeLessThan(60_000);
    const [forfeited] = await db().select().from(wins).where(eq(wins.id, vacated.id));
    expect(forfeited!.status).toBe("forfeited");
    const live = (await liveWin(slotA))!;
    expect(live).toMatchObject({ entryId: next, status: "awarded", bookingId: vacated.bookingId });
    given.add(next!);
    expect(await slotState(slotA)).toBe("taken");
    // Another city's event cannot touch this round, whatever ids it carries.
    const [otherCity] = await db().select().from(tenants).where(eq(tenants.slug, "other-city"));
    const [holder] = await db().select().from(entries).where(eq(entries.id, next!));
    const foreign = await db().transaction((tx) =>
      promoteEntrant({
        tx,
        tenantId: otherCity!.id,
        actor: systemActor,
        roundId: round.id,
        bookingId: live.bookingId,
        reason: "expired",
        lostBy: { residentId: holder!.residentId, groupId: holder!.groupId },
        now: new Date(),
      }),
    );
    expect(foreign).toBeNull();
    expect((await liveWin(slotA))!.id).toBe(live.id);

    const [entry] = await db().select().from(entries).where(eq(entries.id, next!));
    const [message] = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.residentId, entry!.residentId), eq(notifications.channel, "inbox")))
      .orderBy(desc(notifications.createdAt))
      .limit(1);
    expect(message!.subject).toContain("繰り上げ当選のお知らせ");
    const events = await db()
      .select()
      .from(domainEvents)
      .where(eq(domainEvents.name, "lottery.entrant_promoted"));
    expect(events).toHaveLength(1);
  });

  it("promotes from a win given up by its winner too", async () => {
    const vacated = (await liveWin(slotB))!;
    const [vacatedEntry] = await db().select().from(entries).where(eq(entries.id, vacated.entryId));
    const session = Object.values(residents).find((r) => r.residentId === vacatedEntry!.residentId)!;
    const cancelled = await platform.request(`/my/bookings/${vacated.bookingId}/cancel`, {
      method: "POST",
      headers: { cookie: session.cookie },
      body: new URLSearchParams({ _csrf: session.csrf }),
    });
    expect(cancelled.status).toBe(303);
    await platform.worker.drain();
    const next = expectedNext(slotB);
    const log = await db().select().from(promotions).where(eq(promotions.slotId, slotB));
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ seq: 2, reason: "cancelled", promotedEntryId: next });
    if (next) {
      given.add(next);
      expect((await liveWin(slotB))!.entryId).toBe(next);
    } else {
      expect(await liveWin(slotB)).toBeNull();
    }
    expect(await slotState(slotB)).toBe("taken");
  });

  it("keeps the hold for the first-come release once nobody is left in line", async () => {
    for (let i = 0; i < 3 && (await liveWin(slotA)); i++) {
      const next = expectedNext(slotA);
      await lapse(slotA);
      await platform.worker.drain();
      expect((await liveWin(slotA))?.entryId ?? null).toBe(next);
      if (next) {
        given.add(next);
      }
    }
    expect(await liveWin(slotA)).toBeNull();
    const [last] = await db()
      .select()
      .from(promotions)
      .where(eq(promotions.slotId, slotA))
      .orderBy(desc(promotions.seq))
      .limit(1);
    expect(last!.promotedEntryId).toBeNull();
    // Still the lottery's hold: not free before first-come time.
    expect(await slotState(slotA)).toBe("taken");
    const page = await platform.request(`/lottery/${round.id}/promotions`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("繰り上げる申込が残っていないため");
  });

  it("publishes the log, which replayDraw and the CLI check against the draw's order", async () => {
    const published = await promotionLog();
    const rows = await db()
      .select()
      .from(promotions)
      .where(eq(promotions.roundId, round.id))
      .orderBy(asc(promotions.seq));
    expect(published.promotions.map((p) => p.seq)).toEqual(rows.map((r) => r.seq));
    expect(JSON.stringify(published)).not.toContain(residents["a"]!.residentId);
    expect(replayDraw(draw, published)).toMatchObject({ ok: true, problems: [] });
    // Another city's site knows nothing of this round's log.
    for (const path of ["promotions", "promotions.json"]) {
      expect((await platform.request(`http://other.localhost/lottery/${round.id}/${path}`)).status).toBe(404);
    }

    const dir = mkdtempSync(join(tmpdir(), "lottery-promotions-"));
    writeFileSync(join(dir, "draw.json"), JSON.stringify(draw));
    writeFileSync(join(dir, "promotions.json"), JSON.stringify(published));
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    expect(
      await verifyDrawCommand.run([join(dir, "draw.json"), join(dir, "promotions.json")], { log } as never),
    ).toBe(0);
    expect(lines.at(-1)).toContain("every promotion followed the draw's order");

    // Promoting someone further down the line (or skipping someone) is caught.
    const first = published.promotions[0]!;
    const others = draw.log.filter(
      (s) => s.slot === first.slot && s.outcome === "lost" && s.entry !== first.promoted?.entry,
    );
    const tampered = structuredClone(published);
    tampered.promotions[0]!.promoted = {
      ...first.promoted!,
      entry: others.at(-1)!.entry,
      step: others.at(-1)!.step,
    };
    const outcome = replayDraw(draw, tampered);
    expect(outcome.ok).toBe(false);
    expect(outcome.problems.join("\n")).toContain("promotion 1");
    writeFileSync(join(dir, "promotions.json"), JSON.stringify(tampered));
    expect(
      await verifyDrawCommand.run([join(dir, "draw.json"), join(dir, "promotions.json")], { log } as never),
    ).toBe(1);
    // Out of order numbering is caught too.
    const renumbered = structuredClone(published);
    renumbered.promotions[0]!.seq = 7;
    expect(replayDraw(draw, renumbered).problems.join("\n")).toContain("expected number 1");
  });

  it("keeps the log append-only and one promotion per lost win in the database", async () => {
    await expect(
      db().execute(sql`UPDATE lottery_promotions SET reason = 'cancelled' WHERE round_id = ${round.id}`),
    ).rejects.toThrow();
    await expect(
      db().execute(sql`DELETE FROM lottery_promotions WHERE round_id = ${round.id}`),
    ).rejects.toThrow();
    const [first] = await db().select().from(promotions).where(eq(promotions.seq, 1));
    await expect(
      db().insert(promotions).values({
        tenantId,
        roundId: round.id,
        seq: 99,
        slotId: first!.slotId,
        vacatedWinId: first!.vacatedWinId,
        vacatedEntryId: first!.vacatedEntryId,
        reason: "expired",
      }),
    ).rejects.toThrow();
    // Two live wins of one slot cannot exist.
    const live = await db().select().from(wins).where(eq(wins.roundId, round.id));
    const forfeited = live.find((w) => w.status === "forfeited")!;
    await expect(
      db().execute(
        sql`INSERT INTO lottery_wins (tenant_id, round_id, entry_id, slot_id, rank, booking_id, booking_path)
            SELECT tenant_id, round_id, entry_id, slot_id, rank, booking_id, booking_path FROM lottery_wins WHERE id = ${forfeited.id}`,
      ),
    ).rejects.toThrow();
  });
});
