import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../core/audit/actor.ts";
import { domainEvents } from "../../core/events/schema.ts";
import { notifications } from "../../core/notifications/schema.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import {
  createTestPlatform,
  type ResidentTestSession,
  type TestPlatform,
} from "../../core/testing/test-platform.ts";
import { type FacilitySlot, listUnitSlots } from "../facilities/index.ts";
import { drawDueRoundsJob } from "./jobs.ts";
import { releaseLeftovers } from "./operations/release-leftovers.ts";
import { runRoundDraw } from "./operations/run-draw.ts";
import { submitEntry } from "./operations/submit-entry.ts";
import { type PublishedDraw, replayDraw } from "./published-draw.ts";
import { entries, slots as lotterySlots, rounds, wins } from "./schema.ts";
import {
  closeApplications,
  createTestRound,
  demoTenantId,
  freeSlots,
  recordNoShows,
  registerGroup,
  setUserCategory,
} from "./testing.ts";
import { verifyDrawCommand } from "./verify-command.ts";

let platform: TestPlatform;
let tenantId: string;
let staff: Record<string, string>;
let taro: ResidentTestSession;
let hanako: ResidentTestSession;
let jiro: ResidentTestSession;
let roundSlots: FacilitySlot[];
let roundId: string;
const db = () => platform.services.database.db;

beforeAll(async () => {
  platform = await createTestPlatform();
  tenantId = await demoTenantId(db());
  // A second city on the same install, before the first request so the tenant cache knows it.
  await db()
    .insert(tenants)
    .values({
      municipalityCode: "990027",
      slug: "other-city",
      nameJa: "よその市",
      nameEn: "Other City",
      hosts: ["other.localhost"],
    });
  staff = await platform.signInStaff("manager@tenohira.localhost");
  taro = await platform.signInResident("taro@example.jp");
  hanako = await platform.signInResident("hanako@example.jp");
  jiro = await platform.signInResident("jiro@example.jp");
  await setUserCategory(db(), { tenantId, residentId: jiro.residentId, userCategory: "non_resident" });
  await registerGroup(db(), { tenantId, residentId: hanako.residentId, name: "てのひらバレー部" });
  roundSlots = await freeSlots(db(), { tenantId, unitName: "アリーナ B面", count: 3, fromDays: 10 });
  roundId = (await createTestRound(db(), { tenantId, slots: roundSlots })).id;
}, 60_000);
afterAll(() => platform?.close());

/** Posts a resident's form as the browser would, choices in rank order. */
function apply(
  session: ResidentTestSession,
  id: string,
  choices: string[],
  extra: Record<string, string> = {},
) {
  const body = new URLSearchParams({ _csrf: session.csrf, ...extra });
  for (const choice of choices) {
    body.append("choice", choice);
  }
  return platform.request(`/lottery/${id}/entries`, {
    method: "POST",
    headers: { cookie: session.cookie },
    body,
  });
}

async function slotIdsOf(id: string): Promise<string[]> {
  const rows = await db().select().from(lotterySlots).where(eq(lotterySlots.roundId, id));
  return rows.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime()).map((s) => s.id);
}

async function entryCount(): Promise<number> {
  const [row] = await db().select({ n: count() }).from(entries).where(eq(entries.tenantId, tenantId));
  return row!.n;
}

describe("a lottery round", () => {
  it("is seeded in the demo city: the arena's Saturday evenings", async () => {
    const seeded = await db().select().from(rounds).where(eq(rounds.tenantId, tenantId));
    expect(seeded.map((r) => r.titleJa)).toContainEqual(expect.stringContaining("土曜夜間"));
  });

  it("holds its slots in the facilities module and publishes the seed's hash, never the seed", async () => {
    const [round] = await db().select().from(rounds).where(eq(rounds.id, roundId));
    const page = await platform.request(`/lottery/${roundId}`);
    expect(page.status).toBe(200);
    // Hashes carry <wbr> break opportunities so they fit a phone.
    const text = (await page.text()).replaceAll("<wbr>", "");
    expect(text).toContain(round!.seedHash);
    expect(text).not.toContain(round!.seed);
    expect((await platform.request(`/lottery/${roundId}/draw.json`)).status).toBe(404);
    const blocks = await listUnitSlots(db(), {
      tenantId,
      unitId: roundSlots[0]!.unitId,
      from: new Date(roundSlots[0]!.startsAt.getTime() + 9 * 3600_000).toISOString().slice(0, 10),
      to: new Date(roundSlots[2]!.startsAt.getTime() + 9 * 3600_000).toISOString().slice(0, 10),
    });
    for (const slot of roundSlots) {
      expect(blocks.find((b) => b.startsAt.getTime() === slot.startsAt.getTime())?.state).toBe("taken");
    }
  });

  it("refuses a second round over slots already held, writing nothing", async () => {
    const before = await db().select({ n: count() }).from(rounds);
    await expect(
      createTestRound(db(), { tenantId, slots: roundSlots.slice(0, 1), rules: { choicesPerEntry: 1 } }),
    ).rejects.toMatchObject({
      status: 409,
    });
    expect(await db().select({ n: count() }).from(rounds)).toEqual(before);
  });

  it("is created by staff from the page, with a clear reason when the dates are out of order", async () => {
    const [slot] = await freeSlots(db(), { tenantId, unitName: "アリーナ B面", count: 1, fromDays: 40 });
    const form = (closesAt: string) =>
      new URLSearchParams({
        unitId: slot!.unitId,
        from: "2000-01-01",
        to: "2000-01-01",
        slot: `${slot!.startsAt.toISOString()}/${slot!.endsAt.toISOString()}`,
        titleJa: "職員が作った抽選",
        titleEn: "Staff-made lottery",
        opensAt: "2026-01-01T09:00",
        closesAt,
        drawAt: "2026-01-09T10:00",
        confirmBy: "2026-01-15T17:00",
        firstComeAt: "2026-01-16T09:00",
        maxEntries: "4",
        maxWins: "1",
        choices: "1",
        promotionDays: "3",
        tiers: "resident\nnon_resident",
      });
    const refused = await platform.request("/staff/lottery", {
      method: "POST",
      headers: staff,
      body: form("2025-12-01T09:00"),
    });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("日時の順序が正しくありません");
    const created = await platform.request("/staff/lottery", {
      method: "POST",
      headers: staff,
      body: form("2026-01-08T17:00"),
    });
    expect(created.status).toBe(303);
    const page = await platform.request(created.headers.get("location")!, { headers: staff });
    expect(await page.text()).toContain("職員が作った抽選");
    const viewer = await platform.signInStaff("viewer@tenohira.localhost");
    expect(
      (
        await platform.request("/staff/lottery", {
          method: "POST",
          headers: viewer,
          body: form("2026-01-08T17:00"),
        })
      ).status,
    ).toBe(403);
  });
});

describe("applying", () => {
  it("takes a resident's ranked choices and shows the entry only to them", async () => {
    const [a, b, c] = await slotIdsOf(roundId);
    const answered = await apply(taro, roundId, [a!, b!, c!]);
    expect(answered.status).toBe(303);
    const mine = await platform.request(`/lottery/${roundId}`, { headers: { cookie: taro.cookie } });
    const [entry] = await db().select().from(entries).where(eq(entries.residentId, taro.residentId));
    expect(await mine.text()).toContain(entry!.id);
    const theirs = await platform.request(`/lottery/${roundId}`, { headers: { cookie: hanako.cookie } });
    expect(await theirs.text()).not.toContain(entry!.id);
    // Nobody withdraws someone else's entry.
    const withdrawn = await platform.request(`/lottery/${roundId}/entries/${entry!.id}/withdraw`, {
      method: "POST",
      headers: { cookie: hanako.cookie },
      body: new URLSearchParams({ _csrf: hanako.csrf }),
    });
    expect(withdrawn.status).toBe(404);
    expect(await db().select().from(entries).where(eq(entries.id, entry!.id))).toHaveLength(1);
  });

  it("lets a resident withdraw their own entry while applications are open", async () => {
    const [a] = await slotIdsOf(roundId);
    const shiro = await platform.signInResident("shiro@example.jp");
    expect((await apply(shiro, roundId, [a!])).status).toBe(303);
    const [entry] = await db().select().from(entries).where(eq(entries.residentId, shiro.residentId));
    const withdrawn = await platform.request(`/lottery/${roundId}/entries/${entry!.id}/withdraw`, {
      method: "POST",
      headers: { cookie: shiro.cookie },
      body: new URLSearchParams({ _csrf: shiro.csrf }),
    });
    expect(withdrawn.status).toBe(303);
    expect(await db().select().from(entries).where(eq(entries.id, entry!.id))).toEqual([]);
    const events = await db()
      .select()
      .from(domainEvents)
      .where(eq(domainEvents.name, "lottery.entry_withdrawn"));
    expect(events.map((e) => e.payload["entryId"])).toContain(entry!.id);
  });

  it("refuses bad entries with a reason in Japanese and English, writing nothing", async () => {
    const [a, b, c] = await slotIdsOf(roundId);
    const before = await entryCount();
    const cases: [string[], Record<string, string>, number, string, string][] = [
      [[a!, b!, c!, a!], {}, 422, "選べる希望の数を超えています", "more slots than this lottery allows"],
      [[a!, a!], {}, 422, "同じ枠を複数の希望に選んでいます", "same slot more than once"],
      [[crypto.randomUUID()], {}, 422, "この抽選の対象ではない枠", "not part of this lottery"],
      [[], {}, 422, "希望する枠を1つ以上選んでください", "Choose at least one slot"],
      [[a!], {}, 409, "この抽選には申込済みです", "already an entry"],
      [[a!], { as: "group" }, 422, "登録団体がありません", "registered group"],
    ];
    for (const [choices, extra, status, ja, en] of cases) {
      const answer = await apply(taro, roundId, choices, extra);
      expect(answer.status, ja).toBe(status);
      expect(await answer.text()).toContain(ja);
      const english = await apply(taro, roundId, choices, { ...extra, lang: "en" });
      expect(english.status).toBe(status);
      const inEnglish = await platform.request(`/lottery/${roundId}/entries?lang=en`, {
        method: "POST",
        headers: { cookie: taro.cookie },
        body: new URLSearchParams([
          ["_csrf", taro.csrf],
          ...choices.map((v) => ["choice", v]),
          ...Object.entries(extra),
        ]),
      });
      expect(await inEnglish.text()).toContain(en);
    }
    expect(await entryCount()).toBe(before);
  });

  it("counts a group once: its representative enters for it once, and may still enter alone", async () => {
    const [a, b] = await slotIdsOf(roundId);
    expect((await apply(hanako, roundId, [b!, a!], { as: "group" })).status).toBe(303);
    const again = await apply(hanako, roundId, [a!], { as: "group" });
    expect(again.status).toBe(409);
    expect((await apply(hanako, roundId, [a!])).status).toBe(303);
    const hers = await db().select().from(entries).where(eq(entries.residentId, hanako.residentId));
    expect(hers.map((e) => e.applicantKey).sort()).toEqual(
      [`group:${hers.find((e) => e.groupId)!.groupId}`, `resident:${hanako.residentId}`].sort(),
    );
  });

  it("puts a 市外 resident in the second tier, and refuses categories the round leaves out", async () => {
    const [a] = await slotIdsOf(roundId);
    expect((await apply(jiro, roundId, [a!])).status).toBe(303);
    const [entry] = await db().select().from(entries).where(eq(entries.residentId, jiro.residentId));
    expect(entry).toMatchObject({ userCategory: "non_resident", tier: 1 });
    const [slot] = await freeSlots(db(), { tenantId, unitName: "アリーナ B面", count: 1, fromDays: 60 });
    const residentsOnly = await createTestRound(db(), {
      tenantId,
      slots: [slot!],
      rules: { priorityTiers: [["resident"]], choicesPerEntry: 1 },
    });
    const [only] = await slotIdsOf(residentsOnly.id);
    const refused = await apply(jiro, residentsOnly.id, [only!]);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("申し込める利用区分ではありません");
  });

  it("refuses a resident suspended by the facilities' penalty rules, naming the end date", async () => {
    const suspendedResident = await platform.signInResident("suspended@example.jp");
    await recordNoShows(db(), { tenantId, residentId: suspendedResident.residentId, points: 4 });
    const [a] = await slotIdsOf(roundId);
    const refused = await apply(suspendedResident, roundId, [a!]);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/予約の利用停止中のため申し込めません（\d{4}-\d{2}-\d{2}まで）/);
    expect(
      await db().select().from(entries).where(eq(entries.residentId, suspendedResident.residentId)),
    ).toEqual([]);
  });

  it("refuses entries outside the period and over the monthly entry cap", async () => {
    const later = await freeSlots(db(), { tenantId, unitName: "アリーナ B面", count: 2, fromDays: 80 });
    const upcoming = await createTestRound(db(), {
      tenantId,
      slots: [later[0]!],
      rules: { applicationsOpenAt: new Date(Date.now() + 3600_000), choicesPerEntry: 1 },
    });
    const [notYet] = await slotIdsOf(upcoming.id);
    const early = await apply(taro, upcoming.id, [notYet!]);
    expect(early.status).toBe(409);
    expect(await early.text()).toContain("申込期間外です");
    // Two rounds drawn the same month with a cap of one entry: the second entry is refused.
    const capped = await createTestRound(db(), {
      tenantId,
      slots: [later[1]!],
      rules: { maxEntriesPerApplicant: 1, choicesPerEntry: 1 },
    });
    const [cappedSlot] = await slotIdsOf(capped.id);
    const over = await apply(taro, capped.id, [cappedSlot!]);
    expect(over.status).toBe(409);
    expect(await over.text()).toContain("申し込める件数の上限");
  });

  it("keeps each city's lotteries to itself", async () => {
    expect((await platform.request(`http://other.localhost/lottery/${roundId}`)).status).toBe(404);
    expect((await platform.request(`http://other.localhost/lottery/${roundId}/draw`)).status).toBe(404);
    const outsider = await platform.signInResident("outsider@example.jp", { host: "other.localhost" });
    const [a] = await slotIdsOf(roundId);
    const posted = await platform.request(`http://other.localhost/lottery/${roundId}/entries`, {
      method: "POST",
      headers: { cookie: outsider.cookie },
      body: new URLSearchParams({ _csrf: outsider.csrf, choice: a! }),
    });
    expect(posted.status).toBe(404);
    const list = await platform.request("http://other.localhost/lottery");
    expect(await list.text()).not.toContain(roundId);
    // The demo city's staff session means nothing on the other city's site.
    expect(
      (await platform.request(`http://other.localhost/staff/lottery/${roundId}`, { headers: staff })).status,
    ).toBe(401);
    // Nor does the operation reach a round of another city, whatever id it is given.
    const [otherCity] = await db().select().from(tenants).where(eq(tenants.slug, "other-city"));
    await expect(
      db().transaction((tx) =>
        submitEntry({
          tx,
          tenantId: otherCity!.id,
          actor: { type: "resident", id: outsider.residentId },
          residentId: outsider.residentId,
          roundId,
          forGroup: false,
          slotIds: [a!],
          now: new Date(),
        }),
      ),
    ).rejects.toMatchObject({ status: 404 });
  });
});

describe("the draw", () => {
  let published: PublishedDraw;

  it("does not run while applications are open", async () => {
    const early = await platform.request(`/staff/lottery/${roundId}/draw`, {
      method: "POST",
      headers: staff,
    });
    expect(early.status).toBe(409);
    expect(await early.text()).toContain("申込期間が終わるまで抽選できません");
  });

  it("runs once after applications close, publishes a replayable record and tells every entrant", async () => {
    await closeApplications(db(), roundId);
    const viewer = await platform.signInStaff("viewer@tenohira.localhost");
    expect(
      (await platform.request(`/staff/lottery/${roundId}/draw`, { method: "POST", headers: viewer })).status,
    ).toBe(403);
    const drawn = await platform.request(`/staff/lottery/${roundId}/draw`, {
      method: "POST",
      headers: staff,
    });
    expect(drawn.status).toBe(303);
    const twice = await platform.request(`/staff/lottery/${roundId}/draw`, {
      method: "POST",
      headers: staff,
    });
    expect(twice.status).toBe(409);

    const json = await platform.request(`/lottery/${roundId}/draw.json`);
    expect(json.status).toBe(200);
    published = (await json.json()) as PublishedDraw;
    expect(replayDraw(published)).toMatchObject({ ok: true, problems: [] });
    const allEntries = await db().select().from(entries).where(eq(entries.roundId, roundId));
    expect(published.entries).toHaveLength(allEntries.length);
    // Pseudonymised: no names, no resident ids.
    const text = JSON.stringify(published);
    for (const entry of allEntries) {
      expect(text).not.toContain(entry.residentId);
    }
    // The 市外 entry (jiro, tier 2) chose only a slot a 市内 entry also chose first: it cannot win.
    const won = await db().select().from(wins).where(eq(wins.roundId, roundId));
    expect(won.map((w) => [w.entryId, w.slotId]).sort()).toEqual(
      published.winners.map((w) => [w.entry, w.slot]).sort(),
    );
    expect(won.map((w) => w.entryId)).not.toContain(allEntries.find((e) => e.tier === 1)!.id);
    const messages = await db()
      .select()
      .from(notifications)
      .where(and(eq(notifications.tenantId, tenantId), eq(notifications.channel, "inbox")));
    for (const entry of allEntries) {
      const [message] = messages.filter((m) => m.reference === entry.id);
      const winner = won.some((w) => w.entryId === entry.id);
      expect(message?.subject).toContain(winner ? "抽選結果のお知らせ：当選" : "抽選結果のお知らせ（");
    }
    const events = await db().select().from(domainEvents).where(eq(domainEvents.name, "lottery.round_drawn"));
    expect(events).toHaveLength(1);

    const page = await platform.request(`/lottery/${roundId}/draw`);
    const html = (await page.text()).replaceAll("<wbr>", "");
    expect(html).toContain(published.seed);
    expect(html).toContain("一致");
  });

  it("shows each entrant their own result with the link to confirm and pay", async () => {
    const [taroWin] = await db()
      .select({ win: wins })
      .from(wins)
      .innerJoin(entries, eq(entries.id, wins.entryId))
      .where(eq(entries.residentId, taro.residentId));
    const page = await (
      await platform.request(`/lottery/${roundId}`, { headers: { cookie: taro.cookie } })
    ).text();
    expect(page).toContain("当選しました");
    expect(page).toContain(`href="${taroWin!.win.bookingPath}"`);
    const jiroPage = await (
      await platform.request(`/lottery/${roundId}`, { headers: { cookie: jiro.cookie } })
    ).text();
    expect(jiroPage).toContain("当選しませんでした");
    expect(jiroPage).not.toContain(taroWin!.win.bookingPath);
  });

  it("is verified from the JSON file alone by the CLI command, and a tampered file fails", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lottery-verify-"));
    const good = join(dir, "draw.json");
    writeFileSync(good, JSON.stringify(published));
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    expect(await verifyDrawCommand.run([good], { db: db(), log })).toBe(0);
    expect(lines[0]).toMatch(/^OK/);
    const tampered = join(dir, "tampered.json");
    writeFileSync(tampered, JSON.stringify({ ...published, seed: "ab".repeat(32) }));
    expect(await verifyDrawCommand.run([tampered], { db: db(), log })).toBe(1);
    expect(lines).toContain("FAILED: the seed does not hash to the published seedHash");
  });

  it("exports the whole process as CSV for staff", async () => {
    const csv = await platform.request(`/staff/lottery/${roundId}/export.csv`, { headers: staff });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const text = new TextDecoder().decode(await csv.arrayBuffer());
    expect(text.split("\r\n")[0]).toContain("申込番号");
    expect(text).toContain("won");
    expect(text).toContain("slot_taken");
  });

  it("releases the leftovers only at first-come time, and only once", async () => {
    const [round] = await db().select().from(rounds).where(eq(rounds.id, roundId));
    const release = (now: Date) =>
      db().transaction((tx) => releaseLeftovers({ tx, tenantId, actor: systemActor, roundId, now }));
    await expect(release(new Date(round!.firstComeAt.getTime() - 1))).rejects.toMatchObject({ status: 409 });
    // Whatever no entry won goes back to first-come.
    const won = await db().select().from(wins).where(eq(wins.roundId, roundId));
    expect(await release(round!.firstComeAt)).toEqual({ released: roundSlots.length - won.length });
    await expect(release(round!.firstComeAt)).rejects.toMatchObject({ status: 409 });
  });

  it("is also run by the job once the draw time has come", async () => {
    const [slot] = await freeSlots(db(), { tenantId, unitName: "アリーナ B面", count: 1, fromDays: 100 });
    const due = await createTestRound(db(), { tenantId, slots: [slot!], rules: { choicesPerEntry: 1 } });
    const [only] = await slotIdsOf(due.id);
    expect((await apply(taro, due.id, [only!])).status).toBe(303);
    await closeApplications(db(), due.id);
    await drawDueRoundsJob.handle(
      {},
      { jobId: 0, tenantId: null, attempt: 1, logger: platform.services.logger, services: platform.services },
    );
    const [drawn] = await db().select().from(rounds).where(eq(rounds.id, due.id));
    expect(drawn!.status).toBe("drawn");
    expect(replayDraw(drawn!.publishedDraw).ok).toBe(true);
    expect(await db().select().from(wins).where(eq(wins.roundId, due.id))).toHaveLength(1);
  });
});

describe("draws that cannot award", () => {
  it("refuses to draw after the confirm-by deadline, and the job leaves such a round undrawn", async () => {
    const [slot] = await freeSlots(db(), { tenantId, unitName: "アリーナ B面", count: 1, fromDays: 130 });
    const late = await createTestRound(db(), { tenantId, slots: [slot!], rules: { choicesPerEntry: 1 } });
    // The draw was missed until after the winners' deadline (dates keep their order).
    await db().execute(
      sql`UPDATE lottery_rounds SET applications_open_at = now() - interval '3 days', applications_close_at = now() - interval '2 days', draw_at = now() - interval '1 day', confirm_by = now() - interval '1 second' WHERE id = ${late.id}`,
    );
    await expect(
      db().transaction((tx) =>
        runRoundDraw({ tx, tenantId, actor: systemActor, roundId: late.id, now: new Date() }),
      ),
    ).rejects.toMatchObject({ status: 409, slug: "lottery-past-confirm-by" });
    await drawDueRoundsJob.handle(
      {},
      { jobId: 0, tenantId: null, attempt: 1, logger: platform.services.logger, services: platform.services },
    );
    const [after] = await db().select().from(rounds).where(eq(rounds.id, late.id));
    expect(after!.status).toBe("accepting");
  });

  it("draws the rest when one winner's category is no longer in the fee rules, logging why", async () => {
    const slotsOfRound = await freeSlots(db(), {
      tenantId,
      unitName: "アリーナ B面",
      count: 2,
      fromDays: 160,
    });
    const round = await createTestRound(db(), {
      tenantId,
      slots: slotsOfRound,
      rules: { choicesPerEntry: 1, maxWinsPerApplicant: 1 },
    });
    const [first, second] = await slotIdsOf(round.id);
    const ghost = await platform.signInResident("ghost-category@example.jp");
    expect((await apply(ghost, round.id, [first!])).status).toBe(303);
    expect((await apply(taro, round.id, [second!])).status).toBe(303);
    // Staff later moved the resident to a category the fee rules no longer have.
    await setUserCategory(db(), { tenantId, residentId: ghost.residentId, userCategory: "retired_category" });
    await closeApplications(db(), round.id);
    const { published } = await db().transaction((tx) =>
      runRoundDraw({ tx, tenantId, actor: systemActor, roundId: round.id, now: new Date() }),
    );
    expect(published.winners).toHaveLength(2);
    const [ghostEntry] = await db()
      .select()
      .from(entries)
      .where(and(eq(entries.roundId, round.id), eq(entries.residentId, ghost.residentId)));
    expect(published.notAwarded).toEqual([
      { entry: ghostEntry!.id, slot: first!, reason: expect.stringContaining("fee rules") },
    ]);
    const awarded = await db().select().from(wins).where(eq(wins.roundId, round.id));
    expect(awarded.map((w) => w.slotId)).toEqual([second!]);
    expect(replayDraw(published).ok).toBe(true);
  });
});
