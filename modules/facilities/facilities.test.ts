import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../core/audit/actor.ts";
import { auditLog } from "../../core/audit/schema.ts";
import { tokyoDate } from "../../core/calendar/business-days.ts";
import { domainEvents } from "../../core/events/schema.ts";
import { ProblemError } from "../../core/http/problem.ts";
import { notifications } from "../../core/notifications/schema.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import {
  createTestPlatform,
  type ResidentTestSession,
  type TestPlatform,
} from "../../core/testing/test-platform.ts";
import { paymentsOfSubject } from "../payments/index.ts";
import { providerAccounts } from "../payments/schema.ts";
import { addDays } from "./calendar.ts";
import {
  awardLotteryHold,
  groupOfResident,
  listFacilityUnits,
  listUnitSlots,
  placeLotteryHolds,
  releaseLotteryHolds,
  userCategoryOfResident,
} from "./index.ts";
import { bookOfficialUse } from "./operations/book-official-use.ts";
import { cancelBooking } from "./operations/cancel-booking.ts";
import { confirmPaidBooking } from "./operations/confirm-paid-booking.ts";
import { createBooking } from "./operations/create-booking.ts";
import { expireProvisionalBookings } from "./operations/expire-provisional-bookings.ts";
import { markNoShow } from "./operations/mark-no-show.ts";
import { readPenaltyStatus } from "./operations/read-penalty-status.ts";
import { formatDate } from "./present.ts";
import {
  type Booking,
  bookings,
  digitalKeys,
  facilityClosures,
  facilityGroups,
  penalties,
  residentCategories,
  testLockCodes,
} from "./schema.ts";
import { insertSampleFacilities } from "./seeds.ts";
import { tryTestLock } from "./smart-lock.ts";
import {
  demoTenantId,
  insertResident,
  openWeekday,
  payAtTestProvider,
  slotOf,
  unitsByName,
} from "./testing.ts";

let platform: TestPlatform;
let tenantId: string;
let units: Record<string, string>;
let alice: ResidentTestSession;
let bob: ResidentTestSession;
let otherTenantId: string;
const db = () => platform.services.database.db;

beforeAll(async () => {
  platform = await createTestPlatform();
  tenantId = await demoTenantId(platform);
  units = await unitsByName(db(), tenantId);
  // Made before the first request: the tenant resolver caches the list of cities.
  const [other] = await db()
    .insert(tenants)
    .values({
      municipalityCode: "990035",
      slug: "other-city",
      nameJa: "よその市",
      nameEn: "Other City",
      hosts: ["other.localhost"],
    })
    .returning();
  otherTenantId = other!.id;
  alice = await platform.signInResident("alice@example.jp");
  bob = await platform.signInResident("bob@example.jp");
});
afterAll(() => platform.close());

type Created = {
  booking: {
    id: string;
    reference: string;
    status: string;
    fee: number;
    unitId: string;
    startsAt: string;
    endsAt: string;
  };
  payPath: string | null;
};

function postBooking(
  session: ResidentTestSession | null,
  body: Record<string, unknown>,
  key: string | null = crypto.randomUUID(),
  host = "localhost",
) {
  return platform.request(`http://${host}/api/facilities/bookings`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(session ? { cookie: session.cookie, "x-csrf-token": session.csrf } : {}),
      ...(key ? { "idempotency-key": key } : {}),
    },
    body: JSON.stringify(body),
  });
}

async function slotBody(unit: string, offset: number, code = "morning") {
  const date = await openWeekday(db(), tenantId, units[unit]!, offset);
  const slot = await slotOf(db(), tenantId, units[unit]!, date, code);
  return { unitId: units[unit]!, startsAt: slot.startsAt.toISOString(), endsAt: slot.endsAt.toISOString() };
}

const bookingRow = async (id: string): Promise<Booking> =>
  (await db().select().from(bookings).where(eq(bookings.id, id)))[0]!;

describe("the booking API (contract used by the booking-rush bench)", () => {
  it("lists a unit's slots publicly, and books a paid slot as a provisional booking with a payment", async () => {
    const body = await slotBody("アリーナ A面", 10);
    const date = tokyoDate(new Date(body.startsAt));
    const slots = await platform.request(
      `/api/facilities/units/${body.unitId}/slots?from=${date}&to=${date}`,
    );
    expect(slots.status).toBe(200);
    const listed = (await slots.json()) as {
      slots: { startsAt: string; state: string; label: { ja: string } }[];
    };
    expect(listed.slots.map((s) => s.label.ja)).toEqual([
      "午前 09:00–12:00",
      "午後 13:00–17:00",
      "夜間 18:00–21:00",
    ]);
    expect(listed.slots[0]).toMatchObject({ startsAt: body.startsAt, state: "free" });

    const key = crypto.randomUUID();
    const created = await postBooking(alice, body, key);
    expect(created.status).toBe(201);
    const json = (await created.json()) as Created;
    expect(json.booking).toMatchObject({
      status: "provisional",
      fee: 2000,
      unitId: body.unitId,
      startsAt: body.startsAt,
    });
    expect(json.payPath).toMatch(/^\/payments\/[0-9a-f-]{36}$/);

    const repeated = await postBooking(alice, body, key);
    expect(repeated.status).toBe(200);
    expect(await repeated.json()).toEqual(json);

    const taken = await postBooking(bob, body);
    expect(taken.status).toBe(409);
    expect(taken.headers.get("content-type")).toContain("application/problem+json");
    expect(((await taken.json()) as { type: string }).type).toMatch(/\/slot_taken$/);

    const after = (await (
      await platform.request(`/api/facilities/units/${body.unitId}/slots?from=${date}&to=${date}`)
    ).json()) as { slots: { state: string }[] };
    expect(after.slots[0]!.state).toBe("taken");
    const [payment] = await paymentsOfSubject({
      db: db(),
      tenantId,
      subject: { module: "facilities", type: "facilities_booking", id: json.booking.id },
    });
    expect(payment).toMatchObject({ amount: 2000, residentId: alice.residentId, state: "created" });
  });

  it("confirms a free slot at once, with no payment", async () => {
    const body = await slotBody("和室", 11, "afternoon");
    const created = await postBooking(alice, body);
    expect(created.status).toBe(201);
    const json = (await created.json()) as Created;
    expect(json).toMatchObject({ booking: { status: "confirmed", fee: 0 }, payPath: null });
    await platform.worker.drain();
    const [key] = await db().select().from(digitalKeys).where(eq(digitalKeys.bookingId, json.booking.id));
    expect(key?.pin).toMatch(/^\d{6}$/);
    expect(
      await tryTestLock(db(), { tenantId, unitId: body.unitId, pin: key!.pin, at: new Date(body.startsAt) }),
    ).toBe(true);
    expect(
      await tryTestLock(db(), {
        tenantId,
        unitId: body.unitId,
        pin: key!.pin,
        at: new Date(new Date(body.startsAt).getTime() - 3_600_000),
      }),
    ).toBe(false);
  });

  it("answers 401 without a session, 400 without a key or with a bad body, 403 with a forged CSRF token", async () => {
    const body = await slotBody("アリーナ B面", 12);
    expect((await postBooking(null, body)).status).toBe(401);
    expect((await postBooking(alice, body, null)).status).toBe(400);
    expect((await postBooking(alice, { ...body, unitId: "nope" })).status).toBe(400);
    expect((await postBooking(alice, body, "x".repeat(101))).status).toBe(400);
    const forged = await platform.request("/api/facilities/bookings", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        cookie: alice.cookie,
        "x-csrf-token": "forged",
        "idempotency-key": "k",
      },
      body: JSON.stringify(body),
    });
    expect(forged.status).toBe(403);
    expect(await db().select().from(bookings).where(eq(bookings.unitId, body.unitId))).toEqual([]);
  });

  it("refuses closed days, the past, outside the window and times that are not a block with 422", async () => {
    const gym = units["アリーナ B面"]!;
    const closedDate = await openWeekday(db(), tenantId, gym, 60);
    const { facilityId } = (await listFacilityUnits(db(), { tenantId })).find((u) => u.id === gym)!;
    await db().insert(facilityClosures).values({
      tenantId,
      facilityId,
      fromDate: closedDate,
      toDate: closedDate,
      reasonJa: "点検",
      reasonEn: "Inspection",
    });
    const closedSlot = await slotOf(db(), tenantId, gym, closedDate, "morning");
    const closed = await postBooking(alice, {
      unitId: gym,
      startsAt: closedSlot.startsAt.toISOString(),
      endsAt: closedSlot.endsAt.toISOString(),
    });
    expect(closed.status).toBe(422);
    expect(((await closed.json()) as { type: string }).type).toMatch(/facility_closed$/);

    const yesterday = addDays(tokyoDate(new Date()), -1);
    const past = await slotOf(db(), tenantId, units["和室"]!, yesterday, "morning");
    const pastResponse = await postBooking(alice, {
      unitId: units["和室"],
      startsAt: past.startsAt.toISOString(),
      endsAt: past.endsAt.toISOString(),
    });
    expect(pastResponse.status).toBe(422);

    const farDate = await openWeekday(db(), tenantId, gym, 95);
    const far = await slotOf(db(), tenantId, gym, farDate, "morning");
    const tooEarly = await postBooking(alice, {
      unitId: gym,
      startsAt: far.startsAt.toISOString(),
      endsAt: far.endsAt.toISOString(),
    });
    expect(tooEarly.status).toBe(422);
    expect(((await tooEarly.json()) as { type: string }).type).toMatch(/outside_booking_window$/);

    const body = await slotBody("アリーナ B面", 13);
    const shifted = await postBooking(alice, {
      ...body,
      endsAt: new Date(new Date(body.endsAt).getTime() - 3_600_000).toISOString(),
    });
    expect(shifted.status).toBe(422);
    expect(await db().select().from(bookings).where(eq(bookings.unitId, gym))).toEqual([]);
  });

  it("is in the OpenAPI document", async () => {
    const doc = (await (await platform.request("/api/openapi.json")).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/api/facilities/bookings", "/api/facilities/units/{unitId}/slots"]),
    );
  });

  it("charges a group's representative the group's category when booking as the group", async () => {
    const residentId = await insertResident(db(), tenantId, "company@example.jp");
    const [group] = await db()
      .insert(facilityGroups)
      .values({
        tenantId,
        name: "株式会社てのひらイベント",
        normalizedName: "株式会社てのひらイベント",
        representativeResidentId: residentId,
        userCategory: "commercial",
        status: "approved",
      })
      .returning();
    const unitId = units["会議室1"]!;
    const slot = await slotOf(db(), tenantId, unitId, await openWeekday(db(), tenantId, unitId, 12), "h1400");
    const options = {
      db: db(),
      tenantId,
      actor: { type: "resident" as const, id: residentId },
      residentId,
      unitId,
      ...slot,
      admissionCharged: false,
      purpose: "",
      locale: "ja" as const,
    };
    const asGroup = await createBooking({ ...options, groupId: group!.id, idempotencyKey: "company-1" });
    expect(asGroup.booking).toMatchObject({ fee: 1200, userCategory: "commercial", groupId: group!.id });
    // Someone who does not represent the group cannot book as it.
    await expect(
      createBooking({
        ...options,
        ...(await slotOf(db(), tenantId, unitId, await openWeekday(db(), tenantId, unitId, 12), "h1500")),
        residentId: alice.residentId,
        actor: { type: "resident", id: alice.residentId },
        groupId: group!.id,
        idempotencyKey: "not-mine",
      }),
    ).rejects.toMatchObject({ status: 422, slug: "group_not_usable" });
  });

  it("gives a non-resident a shorter window and a higher fee, from the tables", async () => {
    const residentId = await insertResident(db(), tenantId, "visitor@example.jp");
    await db().insert(residentCategories).values({ tenantId, residentId, userCategory: "non_resident" });
    expect(await userCategoryOfResident(db(), { tenantId, residentId })).toBe("non_resident");
    const unitId = units["会議室1"]!;
    const date = await openWeekday(db(), tenantId, unitId, 14);
    const slot = await slotOf(db(), tenantId, unitId, date, "h1000");
    const booked = await createBooking({
      db: db(),
      tenantId,
      actor: { type: "resident", id: residentId },
      residentId,
      unitId,
      ...slot,
      groupId: null,
      admissionCharged: true,
      purpose: "",
      idempotencyKey: "visitor-1",
      locale: "ja",
    });
    expect(booked.booking.fee).toBe(900); // 400 × 1.5 (市外) × 1.5 (入場料)
    const late = await slotOf(db(), tenantId, unitId, await openWeekday(db(), tenantId, unitId, 40), "h1000");
    await expect(
      createBooking({
        db: db(),
        tenantId,
        actor: { type: "resident", id: residentId },
        residentId,
        unitId,
        ...late,
        groupId: null,
        admissionCharged: false,
        purpose: "",
        idempotencyKey: "visitor-2",
        locale: "ja",
      }),
    ).rejects.toMatchObject({ status: 422, slug: "outside_booking_window" });
  });
});

describe("no double booking under concurrency", () => {
  it("lets exactly one of 20 parallel bookings of one slot through", async () => {
    const body = await slotBody("アリーナ A面", 21, "evening");
    const residents = await Promise.all(
      Array.from({ length: 20 }, (_, i) => insertResident(db(), tenantId, `rush${i}@example.jp`)),
    );
    const results = await Promise.allSettled(
      residents.map((residentId, i) =>
        createBooking({
          db: db(),
          tenantId,
          actor: { type: "resident", id: residentId },
          residentId,
          unitId: body.unitId,
          startsAt: new Date(body.startsAt),
          endsAt: new Date(body.endsAt),
          groupId: null,
          admissionCharged: false,
          purpose: "",
          idempotencyKey: `rush-${i}`,
          locale: "ja",
        }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(refused).toHaveLength(19);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(ProblemError);
      expect(r.reason).toMatchObject({ status: 409, slug: "slot_taken" });
    }
    const winner = (
      results.find((r) => r.status === "fulfilled") as PromiseFulfilledResult<{ booking: Booking }>
    ).value;
    const live = await db()
      .select()
      .from(bookings)
      .where(and(eq(bookings.unitId, body.unitId), eq(bookings.startsAt, winner.booking.startsAt)));
    expect(live).toHaveLength(1);
    const paymentsAsked = await paymentsOfSubject({
      db: db(),
      tenantId,
      subject: { module: "facilities", type: "facilities_booking", id: live[0]!.id },
    });
    expect(paymentsAsked).toHaveLength(1);
  });

  it("returns one booking to 5 parallel repeats of one Idempotency-Key", async () => {
    const body = await slotBody("アリーナ B面", 22, "evening");
    const key = crypto.randomUUID();
    const responses = await Promise.all(Array.from({ length: 5 }, () => postBooking(bob, body, key)));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 201]);
    const ids = new Set(
      await Promise.all(responses.map(async (r) => ((await r.json()) as Created).booking.id)),
    );
    expect(ids.size).toBe(1);
  });
});

describe("paying, cancelling and refunds", () => {
  it("confirms on payment, issues a key, and refunds by the table when cancelled", async () => {
    const body = await slotBody("アリーナ A面", 9, "afternoon");
    const created = (await (await postBooking(alice, body)).json()) as Created;
    expect(created.booking.fee).toBe(2600);
    await payAtTestProvider(platform, alice, created.payPath!);
    const confirmed = await bookingRow(created.booking.id);
    expect(confirmed.status).toBe("confirmed");
    const [key] = await db().select().from(digitalKeys).where(eq(digitalKeys.bookingId, confirmed.id));
    expect(key?.status).toBe("issued");

    // Someone else cannot see or cancel it.
    const foreign = await platform.request(`/my/bookings/${confirmed.id}`, {
      headers: { cookie: bob.cookie },
    });
    expect(foreign.status).toBe(404);
    const foreignCancel = await platform.request(`/my/bookings/${confirmed.id}/cancel`, {
      method: "POST",
      headers: { cookie: bob.cookie },
      body: new URLSearchParams({ _csrf: bob.csrf, expected_refund: "2600" }),
    });
    expect(foreignCancel.status).toBe(404);
    const page = await platform.request(`/my/bookings/${confirmed.id}`, {
      headers: { cookie: alice.cookie },
    });
    const html = await page.text();
    expect(html).toContain(key!.pin);
    expect(html).toContain("2,600円を返金します");

    // 9+ days ahead: 100%. Cancelled through the page.
    const cancelled = await platform.request(`/my/bookings/${confirmed.id}/cancel`, {
      method: "POST",
      headers: { cookie: alice.cookie },
      body: new URLSearchParams({ _csrf: alice.csrf, expected_refund: "2600" }),
    });
    expect(cancelled.status).toBe(303);
    await platform.worker.drain();
    const after = await bookingRow(confirmed.id);
    expect(after).toMatchObject({ status: "cancelled", refundAmount: 2600, cancelReason: "resident" });
    const [payment] = await paymentsOfSubject({
      db: db(),
      tenantId,
      subject: { module: "facilities", type: "facilities_booking", id: confirmed.id },
    });
    expect(payment?.refundedAmount).toBe(2600);
    const [revoked] = await db().select().from(digitalKeys).where(eq(digitalKeys.bookingId, confirmed.id));
    expect(revoked?.status).toBe("revoked");
    expect(
      await tryTestLock(db(), {
        tenantId,
        unitId: body.unitId,
        pin: revoked!.pin,
        at: new Date(body.startsAt),
      }),
    ).toBe(false);
    // The slot is free again.
    expect((await postBooking(bob, body)).status).toBe(201);
  });

  it("refunds half 2–6 days before, nothing the day before, and counts a late cancellation", async () => {
    const residentId = alice.residentId;
    const body = await slotBody("アリーナ B面", 8, "morning");
    const created = (await (await postBooking(alice, body)).json()) as Created;
    await payAtTestProvider(platform, alice, created.payPath!);
    const startsAt = new Date(body.startsAt);
    const threeDaysBefore = new Date(startsAt.getTime() - 3 * 86_400_000);
    await expect(
      cancelBooking({
        db: db(),
        tenantId,
        actor: systemActor,
        residentId,
        bookingId: created.booking.id,
        expectedRefund: 2000,
        now: threeDaysBefore,
      }),
    ).rejects.toMatchObject({ status: 409 });
    const half = await cancelBooking({
      db: db(),
      tenantId,
      actor: systemActor,
      residentId,
      bookingId: created.booking.id,
      expectedRefund: 1000,
      now: threeDaysBefore,
    });
    expect(half.refund).toBe(1000);

    const second = await slotBody("アリーナ B面", 8, "afternoon");
    const created2 = (await (await postBooking(alice, second)).json()) as Created;
    await payAtTestProvider(platform, alice, created2.payPath!);
    const dayBefore = new Date(new Date(second.startsAt).getTime() - 86_400_000);
    const none = await cancelBooking({
      db: db(),
      tenantId,
      actor: systemActor,
      residentId,
      bookingId: created2.booking.id,
      expectedRefund: null,
      now: dayBefore,
    });
    expect(none.refund).toBe(0);
    const ledger = await db().select().from(penalties).where(eq(penalties.bookingId, created2.booking.id));
    expect(ledger).toMatchObject([{ kind: "late_cancel", points: 1 }]);
  });
});

describe("expiry of unpaid provisional bookings", () => {
  it("expires an unpaid booking after its deadline, withdraws the payment and frees the slot", async () => {
    const body = await slotBody("アリーナ A面", 15, "morning");
    const created = (await (await postBooking(alice, body)).json()) as Created;
    const row = await bookingRow(created.booking.id);
    await expireProvisionalBookings({ db: db(), now: new Date(row.confirmBy!.getTime() - 1000) });
    expect((await bookingRow(created.booking.id)).status).toBe("provisional");
    const result = await expireProvisionalBookings({
      db: db(),
      now: new Date(row.confirmBy!.getTime() + 1000),
    });
    expect(result.expired).toBeGreaterThanOrEqual(1);
    expect((await bookingRow(created.booking.id)).status).toBe("expired");
    const [payment] = await paymentsOfSubject({
      db: db(),
      tenantId,
      subject: { module: "facilities", type: "facilities_booking", id: created.booking.id },
    });
    expect(payment?.state).toBe("cancelled");
    const events = await db()
      .select()
      .from(domainEvents)
      .where(eq(domainEvents.name, "facilities.booking_expired"));
    expect(events.some((e) => e.payload["bookingId"] === created.booking.id)).toBe(true);
    expect((await postBooking(bob, body)).status).toBe(201);
  });
});

describe("lottery contract", () => {
  it("holds slots, awards one, reverts it to a hold when unpaid, and releases holds", async () => {
    const unitId = units["アリーナ B面"]!;
    const date = await openWeekday(db(), tenantId, unitId, 30);
    const slots = (await listUnitSlots(db(), { tenantId, unitId, from: date, to: date })).map((s) => ({
      unitId,
      startsAt: s.startsAt,
      endsAt: s.endsAt,
    }));
    const roundId = crypto.randomUUID();
    const releaseAt = new Date(Date.now() + 7 * 86_400_000);
    const held = await db().transaction((tx) =>
      placeLotteryHolds(tx, { tenantId, actor: systemActor, lotteryRoundId: roundId, releaseAt, slots }),
    );
    expect(held).toHaveLength(3);
    expect(
      (await listUnitSlots(db(), { tenantId, unitId, from: date, to: date })).map((s) => s.state),
    ).toEqual(["taken", "taken", "taken"]);
    await expect(
      db().transaction((tx) =>
        placeLotteryHolds(tx, {
          tenantId,
          actor: systemActor,
          lotteryRoundId: roundId,
          releaseAt,
          slots: [slots[0]!],
        }),
      ),
    ).rejects.toMatchObject({ status: 409 });

    const confirmBy = new Date(Date.now() + 3_600_000);
    const award = await db().transaction((tx) =>
      awardLotteryHold(tx, {
        tenantId,
        actor: systemActor,
        bookingId: held[0]!.bookingId,
        residentId: alice.residentId,
        groupId: null,
        confirmBy,
      }),
    );
    expect(award.path).toBe(`/my/bookings/${held[0]!.bookingId}`);
    expect(await bookingRow(award.bookingId)).toMatchObject({
      status: "provisional",
      fee: 2000,
      residentId: alice.residentId,
    });

    await expireProvisionalBookings({ db: db(), now: new Date(confirmBy.getTime() + 1000) });
    expect(await bookingRow(award.bookingId)).toMatchObject({
      status: "held",
      residentId: null,
      source: "lottery",
    });

    const released = await db().transaction((tx) =>
      releaseLotteryHolds(tx, { tenantId, actor: systemActor, bookingIds: held.map((h) => h.bookingId) }),
    );
    expect(released).toBe(3);
    expect(
      (await listUnitSlots(db(), { tenantId, unitId, from: date, to: date })).map((s) => s.state),
    ).toEqual(["free", "free", "free"]);
  });

  it("tells the group a representative acts for, once approved", async () => {
    const residentId = await insertResident(db(), tenantId, "captain@example.jp");
    const [group] = await db()
      .insert(facilityGroups)
      .values({
        tenantId,
        name: "テニスクラブ",
        normalizedName: "テニスクラブ",
        representativeResidentId: residentId,
        userCategory: "resident",
      })
      .returning();
    expect(await groupOfResident(db(), { tenantId, residentId })).toBeNull();
    await db().update(facilityGroups).set({ status: "approved" }).where(eq(facilityGroups.id, group!.id));
    expect(await groupOfResident(db(), { tenantId, residentId })).toEqual({
      id: group!.id,
      name: "テニスクラブ",
      userCategory: "resident",
    });
  });
});

describe("groups", () => {
  it("registers one group per real group and per representative, and staff approve it", async () => {
    const register = (session: ResidentTestSession, name: string) =>
      platform.request("/facilities/groups", {
        method: "POST",
        headers: { cookie: session.cookie },
        body: new URLSearchParams({ _csrf: session.csrf, name, userCategory: "resident" }),
      });
    expect((await register(alice, "サクラ バレー部")).status).toBe(303);
    const duplicateName = await register(bob, "ｻｸﾗﾊﾞﾚｰ部");
    expect(duplicateName.status).toBe(409);
    expect((await register(alice, "別の団体")).status).toBe(409);
    const [group] = await db()
      .select()
      .from(facilityGroups)
      .where(eq(facilityGroups.representativeResidentId, alice.residentId));
    const manager = await platform.signInStaff("manager@tenohira.localhost");
    const viewer = await platform.signInStaff("viewer@tenohira.localhost");
    const approve = (headers: Record<string, string>) =>
      platform.request(`/staff/facilities/groups/${group!.id}`, {
        method: "POST",
        headers: { cookie: headers["cookie"]! },
        body: new URLSearchParams({ _csrf: headers["x-csrf-token"]!, decision: "approved" }),
      });
    expect((await approve(viewer)).status).toBe(403);
    expect((await approve(manager)).status).toBe(303);
    expect((await groupOfResident(db(), { tenantId, residentId: alice.residentId }))?.id).toBe(group!.id);
  });
});

describe("official use and penalties", () => {
  it("overrides bookings in one transaction: full refund, notice, then the official booking", async () => {
    const body = await slotBody("アリーナ A面", 5, "evening");
    const created = (await (await postBooking(bob, body)).json()) as Created;
    await payAtTestProvider(platform, bob, created.payPath!);
    expect((await bookingRow(created.booking.id)).status).toBe("confirmed");
    const manager = await platform.signInStaff("manager@tenohira.localhost");
    const staff = await platform.signInStaff("staff@tenohira.localhost");
    const date = tokyoDate(new Date(body.startsAt));
    const form = (headers: Record<string, string>) =>
      platform.request("/staff/facilities/official-use", {
        method: "POST",
        headers: { cookie: headers["cookie"]! },
        body: new URLSearchParams({
          _csrf: headers["x-csrf-token"]!,
          unit: body.unitId,
          date,
          from: "17:00",
          to: "21:00",
          purpose: "選挙の開票作業",
        }),
      });
    expect((await form(staff)).status).toBe(403);
    const impossible = await platform.request("/staff/facilities/official-use", {
      method: "POST",
      headers: { cookie: manager["cookie"]! },
      body: new URLSearchParams({
        _csrf: manager["x-csrf-token"]!,
        unit: body.unitId,
        date: "2026-02-31",
        from: "17:00",
        to: "21:00",
        purpose: "選挙の開票作業",
      }),
    });
    expect(impossible.status).toBe(400);
    expect((await form(manager)).status).toBe(303);
    await platform.worker.drain();
    expect(await bookingRow(created.booking.id)).toMatchObject({
      status: "cancelled",
      cancelReason: "official_use",
      refundAmount: 2400,
    });
    const [payment] = await paymentsOfSubject({
      db: db(),
      tenantId,
      subject: { module: "facilities", type: "facilities_booking", id: created.booking.id },
    });
    expect(payment?.refundedAmount).toBe(2400);
    const official = await db()
      .select()
      .from(bookings)
      .where(and(eq(bookings.unitId, body.unitId), eq(bookings.source, "official_use")));
    expect(official).toHaveLength(1);
    expect((await form(manager)).status).toBe(409);
    const notices = await db()
      .select()
      .from(notifications)
      .where(eq(notifications.reference, created.booking.reference));
    expect(notices.map((n) => n.channel).sort()).toEqual(["email", "inbox"]);
    expect(notices[0]!.body).toContain("行政使用");
  });

  it("suspends a resident whose no-shows reach the threshold, with the date in the refusal", async () => {
    const residentId = await insertResident(db(), tenantId, "absent@example.jp");
    const unitId = units["和室"]!;
    for (const [i, code] of (["morning", "afternoon"] as const).entries()) {
      const date = await openWeekday(db(), tenantId, unitId, 3 + i);
      const slot = await slotOf(db(), tenantId, unitId, date, code);
      const { booking } = await createBooking({
        db: db(),
        tenantId,
        actor: { type: "resident", id: residentId },
        residentId,
        unitId,
        ...slot,
        groupId: null,
        admissionCharged: false,
        purpose: "",
        idempotencyKey: `absent-${i}`,
        locale: "ja",
      });
      await expect(
        markNoShow({ db: db(), tenantId, actor: systemActor, bookingId: booking.id }),
      ).rejects.toMatchObject({
        status: 409,
      });
      await markNoShow({
        db: db(),
        tenantId,
        actor: systemActor,
        bookingId: booking.id,
        now: new Date(slot.endsAt),
      });
    }
    const status = await readPenaltyStatus({ db: db(), tenantId, residentId, groupId: null });
    expect(status.points).toBe(4);
    expect(status.suspendedUntil).toBe(addDays(tokyoDate(new Date()), 90));
    const next = await slotOf(
      db(),
      tenantId,
      unitId,
      await openWeekday(db(), tenantId, unitId, 6),
      "evening",
    );
    await expect(
      createBooking({
        db: db(),
        tenantId,
        actor: { type: "resident", id: residentId },
        residentId,
        unitId,
        ...next,
        groupId: null,
        admissionCharged: false,
        purpose: "",
        idempotencyKey: "absent-3",
        locale: "ja",
      }),
    ).rejects.toMatchObject({ status: 403, slug: "booking_suspended" });
    const audit = await db().select().from(auditLog).where(eq(auditLog.action, "facilities.booking.no_show"));
    expect(audit.length).toBeGreaterThanOrEqual(2);
  });
});

describe("tenant and resident isolation", () => {
  it("keeps a second city's residents and staff away from this city's units and bookings", async () => {
    await db().insert(providerAccounts).values({
      tenantId: otherTenantId,
      provider: "test",
      webhookSecret: "other-city-webhook-secret-0123456789",
      isDefault: true,
    });
    const otherUnits = await db().transaction((tx) => insertSampleFacilities(tx, otherTenantId));
    const stranger = await platform.signInResident("stranger@example.jp", { host: "other.localhost" });
    const body = await slotBody("アリーナ A面", 16, "morning");
    // This city's unit does not exist in the other city.
    expect((await postBooking(stranger, body, crypto.randomUUID(), "other.localhost")).status).toBe(404);
    expect(
      (
        await platform.request(
          `http://other.localhost/api/facilities/units/${body.unitId}/slots?from=2026-01-01&to=2026-01-02`,
        )
      ).status,
    ).toBe(404);
    // Its own unit works there, and this city cannot see it.
    const own = { ...body, unitId: otherUnits.arenaA };
    expect((await postBooking(stranger, own, crypto.randomUUID(), "other.localhost")).status).toBe(201);
    expect((await postBooking(alice, own)).status).toBe(404);
    expect((await listFacilityUnits(db(), { tenantId })).some((u) => u.id === otherUnits.arenaA)).toBe(false);
    const [theirs] = await db().select().from(bookings).where(eq(bookings.unitId, otherUnits.arenaA));
    for (const path of [`/my/bookings/${theirs!.id}`, `/my/bookings/${theirs!.id}/booking.ics`]) {
      expect((await platform.request(path, { headers: { cookie: alice.cookie } })).status).toBe(404);
    }
    // A session of the other city is not one here.
    const crossed = await platform.request("/my/bookings", { headers: { cookie: stranger.cookie } });
    expect(crossed.status).toBe(303);
    expect(crossed.headers.get("location")).toMatch(/^\/sign-in/);
    const manager = await platform.signInStaff("manager@tenohira.localhost");
    const day = await platform.request(`/staff/facilities?date=${tokyoDate(new Date(body.startsAt))}`, {
      headers: { cookie: manager["cookie"]! },
    });
    expect(await day.text()).not.toContain(theirs!.reference);
    const noShow = await platform.request(`/staff/facilities/bookings/${theirs!.id}/no-show`, {
      method: "POST",
      headers: { cookie: manager["cookie"]! },
      body: new URLSearchParams({ _csrf: manager["x-csrf-token"]! }),
    });
    expect(noShow.status).toBe(404);
    // Every other route that names a record refuses the other city's, or never shows it.
    for (const action of ["cancel", "confirm"]) {
      const response = await platform.request(`/my/bookings/${theirs!.id}/${action}`, {
        method: "POST",
        headers: { cookie: alice.cookie },
        body: new URLSearchParams({ _csrf: alice.csrf }),
      });
      expect(response.status, action).toBe(404);
    }
    const official = await platform.request("/staff/facilities/official-use", {
      method: "POST",
      headers: { cookie: manager["cookie"]! },
      body: new URLSearchParams({
        _csrf: manager["x-csrf-token"]!,
        unit: otherUnits.arenaA,
        date: tokyoDate(new Date(body.startsAt)),
        from: "09:00",
        to: "12:00",
        purpose: "越境",
      }),
    });
    expect(official.status).toBe(404);
    expect((await db().select().from(bookings).where(eq(bookings.id, theirs!.id)))[0]!.status).toBe(
      "provisional",
    );
    const [theirGroup] = await db()
      .insert(facilityGroups)
      .values({
        tenantId: otherTenantId,
        name: "よその団体",
        normalizedName: "よその団体",
        representativeResidentId: stranger.residentId,
        userCategory: "resident",
      })
      .returning();
    const decided = await platform.request(`/staff/facilities/groups/${theirGroup!.id}`, {
      method: "POST",
      headers: { cookie: manager["cookie"]! },
      body: new URLSearchParams({ _csrf: manager["x-csrf-token"]!, decision: "approved" }),
    });
    expect(decided.status).toBe(404);
    const groupsPage = await platform.request("/staff/facilities/groups", {
      headers: { cookie: manager["cookie"]! },
    });
    expect(await groupsPage.text()).not.toContain("よその団体");
    const grid = await platform.request(`/facilities/shimin-taiikukan?unit=${otherUnits.arenaA}`);
    // The unknown unit falls back to this city's first unit: nothing of the other city's is offered.
    expect(await grid.text()).not.toContain(`/book?unit=${otherUnits.arenaA}`);
    const lock = await platform.request("/facilities/test-lock", {
      method: "POST",
      body: new URLSearchParams({ unit: otherUnits.arenaA, pin: "123456" }),
    });
    expect(await lock.text()).not.toContain("解錠しました");
  });
});

describe("calendar files", () => {
  it("serves a booking's .ics to its owner and a personal feed by secret URL", async () => {
    const body = await slotBody("和室", 17, "evening");
    const created = (await (await postBooking(alice, body)).json()) as Created;
    const ics = await platform.request(`/my/bookings/${created.booking.id}/booking.ics`, {
      headers: { cookie: alice.cookie },
    });
    expect(ics.headers.get("content-type")).toContain("text/calendar");
    const text = await ics.text();
    expect(text).toContain(`UID:${created.booking.id}@tenohira.tenohira`);
    expect(text).toContain("\r\nSTATUS:CONFIRMED\r\n");
    const feedPage = await platform.request("/my/bookings/calendar-feed", {
      method: "POST",
      headers: { cookie: alice.cookie },
      body: new URLSearchParams({ _csrf: alice.csrf }),
    });
    const path = /href="(\/calendar\/[A-Za-z0-9_-]{32}\.ics)"/.exec(await feedPage.text())?.[1];
    expect(path).toBeDefined();
    const feed = await platform.request(path!);
    expect(feed.status).toBe(200);
    expect(await feed.text()).toContain(`UID:${created.booking.id}@`);
    expect((await platform.request("/calendar/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics")).status).toBe(404);
    expect((await platform.request(`http://other.localhost${path!}`)).status).toBe(404);
  });
});

describe("resident pages", () => {
  async function confirmationForm(session: ResidentTestSession, unit: string, offset: number, code: string) {
    const body = await slotBody(unit, offset, code);
    const query = new URLSearchParams({ unit: body.unitId, start: body.startsAt, end: body.endsAt });
    const page = await platform.request(`/facilities/shimin-taiikukan/book?${query}`, {
      headers: { cookie: session.cookie },
    });
    const html = await page.text();
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? "";
    const form = new URLSearchParams({
      _csrf: session.csrf,
      _idempotency: field("_idempotency"),
      unit: field("unit"),
      start: field("start"),
      end: field("end"),
      admission: field("admission"),
      as: field("as"),
      fee: field("fee"),
    });
    return { body, page, html, form };
  }
  const post = (session: ResidentTestSession, form: URLSearchParams) =>
    platform.request("/facilities/shimin-taiikukan/book", {
      method: "POST",
      headers: { cookie: session.cookie },
      body: form,
    });

  it("shows the week with states in words, in Japanese and English", async () => {
    const unitId = units["アリーナ B面"]!;
    const date = await openWeekday(db(), tenantId, unitId, 25);
    const ja = await (
      await platform.request(`/facilities/shimin-taiikukan?unit=${unitId}&week=${date}`)
    ).text();
    expect(ja).toContain("空き");
    expect(ja).toContain("休館日");
    expect(ja).toContain("次の週");
    const en = await (
      await platform.request(`/facilities/shimin-taiikukan?unit=${unitId}&week=${date}&lang=en`)
    ).text();
    expect(en).toContain("Free");
    expect(en).toContain("Closed (weekly closing day)");
    expect(en).toContain("Next week");
    expect(await (await platform.request("/")).text()).toContain('href="/facilities"');
    const list = await (await platform.request("/facilities")).text();
    expect(list).toContain("市民体育館");
    expect(list).toContain("中央公民館");
  });

  it("shows today's week for a week out of range instead of failing", async () => {
    for (const week of ["9999-12-28", "2026-02-31", "1999-01-01"]) {
      const page = await platform.request(`/facilities/shimin-taiikukan?week=${week}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(formatDate(tokyoDate(new Date()), "ja"));
    }
  });

  it("sends a signed-out visitor to sign in before the confirmation page", async () => {
    const body = await slotBody("アリーナ A面", 26, "morning");
    const query = new URLSearchParams({ unit: body.unitId, start: body.startsAt, end: body.endsAt });
    const response = await platform.request(`/facilities/shimin-taiikukan/book?${query}`);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toMatch(/^\/sign-in\?return=/);
  });

  it("books through the confirmation form once per submit key, with the server's fee", async () => {
    const { body, html, form } = await confirmationForm(alice, "アリーナ A面", 26, "evening");
    expect(html).toContain("2,400円");
    const first = await post(alice, form);
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toMatch(/^\/payments\/[0-9a-f-]{36}$/);
    const again = await post(alice, form);
    expect(again.headers.get("location")).toBe(first.headers.get("location"));
    const rows = await db()
      .select()
      .from(bookings)
      .where(and(eq(bookings.unitId, body.unitId), eq(bookings.startsAt, new Date(body.startsAt))));
    expect(rows).toHaveLength(1);
    // Someone else now sees the slot taken, with no form to submit.
    const taken = await confirmationForm(bob, "アリーナ A面", 26, "evening");
    expect(taken.page.status).toBe(409);
    expect(taken.html).not.toContain('name="_idempotency"');
    const my = await (await platform.request("/my", { headers: { cookie: alice.cookie } })).text();
    expect(my).toContain(`/my/bookings/${rows[0]!.id}`);
  });

  it("refuses a tampered fee or slot and writes nothing", async () => {
    const { body, form } = await confirmationForm(bob, "アリーナ A面", 27, "morning");
    const cheaper = new URLSearchParams(form);
    cheaper.set("fee", "10");
    const refused = await post(bob, cheaper);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("表示した使用料と計算した使用料が一致しません");
    const shifted = new URLSearchParams(form);
    shifted.set("end", new Date(new Date(body.endsAt).getTime() + 3_600_000).toISOString());
    shifted.set("_idempotency", crypto.randomUUID());
    const notABlock = await post(bob, shifted);
    expect(notABlock.status).toBe(422);
    expect(
      await db()
        .select()
        .from(bookings)
        .where(and(eq(bookings.unitId, body.unitId), eq(bookings.startsAt, new Date(body.startsAt)))),
    ).toEqual([]);
    // The genuine form still works.
    expect((await post(bob, form)).status).toBe(303);
  });
});

describe("lottery slots stay the lottery's until its first-come time", () => {
  async function heldSlots(unit: string, offset: number, releaseAt: Date) {
    const unitId = units[unit]!;
    const date = await openWeekday(db(), tenantId, unitId, offset);
    const slots = (await listUnitSlots(db(), { tenantId, unitId, from: date, to: date })).map((s) => ({
      unitId,
      startsAt: s.startsAt,
      endsAt: s.endsAt,
    }));
    const held = await db().transaction((tx) =>
      placeLotteryHolds(tx, {
        tenantId,
        actor: systemActor,
        lotteryRoundId: crypto.randomUUID(),
        releaseAt,
        slots,
      }),
    );
    return { unitId, date, held };
  }
  const award = (bookingId: string, residentId: string, confirmBy: Date) =>
    db().transaction((tx) =>
      awardLotteryHold(tx, { tenantId, actor: systemActor, bookingId, residentId, groupId: null, confirmBy }),
    );
  const slotStates = (unitId: string, date: string) =>
    listUnitSlots(db(), { tenantId, unitId, from: date, to: date }).then((slots) =>
      slots.map((s) => s.state),
    );

  it("refuses official use over a hold the round has not released, naming it, and leaves the hold", async () => {
    const { held } = await heldSlots("アリーナ B面", 50, new Date(Date.now() + 86_400_000));
    const hold = await bookingRow(held[0]!.bookingId);
    const refusal = await bookOfficialUse({
      db: db(),
      tenantId,
      actor: systemActor,
      unitId: hold.unitId,
      startsAt: hold.startsAt,
      endsAt: hold.endsAt,
      purpose: "選挙の開票作業",
    }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ProblemError);
    expect(refusal).toMatchObject({ status: 409 });
    const { title } = refusal as ProblemError;
    expect(title.ja).toContain("抽選");
    expect(title.ja).toContain(hold.lotteryRoundId);
    expect(title.en).toContain("lottery");
    expect((await bookingRow(hold.id)).status).toBe("held");
    // The draw can still award it.
    await expect(award(hold.id, alice.residentId, new Date(Date.now() + 3_600_000))).resolves.toMatchObject({
      bookingId: hold.id,
    });
  });

  it("frees an award that lapses after the round released its leftovers (release, then expiry)", async () => {
    const releaseAt = new Date(Date.now() + 3_600_000);
    const { unitId, date, held } = await heldSlots("アリーナ B面", 57, releaseAt);
    const confirmBy = new Date(releaseAt.getTime() + 3_600_000);
    await award(held[0]!.bookingId, alice.residentId, confirmBy);
    // The round's release at its first-come time lets go of the holds; the unpaid award is not a hold yet.
    const released = await db().transaction((tx) =>
      releaseLotteryHolds(tx, { tenantId, actor: systemActor, bookingIds: held.map((h) => h.bookingId) }),
    );
    expect(released).toBe(2);
    await expireProvisionalBookings({ db: db(), now: new Date(confirmBy.getTime() + 1000) });
    expect(await bookingRow(held[0]!.bookingId)).toMatchObject({ status: "expired", source: "lottery" });
    expect(await slotStates(unitId, date)).toEqual(["free", "free", "free"]);
  });

  it("turns a winner's cancellation before the first-come time back into a hold, refunded by the table", async () => {
    const { unitId, date, held } = await heldSlots("アリーナ A面", 64, new Date(Date.now() + 86_400_000));
    const bookingId = held[1]!.bookingId;
    await award(bookingId, bob.residentId, new Date(Date.now() + 3_600_000));
    const payments = () =>
      paymentsOfSubject({
        db: db(),
        tenantId,
        subject: { module: "facilities", type: "facilities_booking", id: bookingId },
      });
    const [request] = await payments();
    await payAtTestProvider(platform, bob, `/payments/${request!.id}`);
    expect((await bookingRow(bookingId)).status).toBe("confirmed");
    const { booking, refund } = await cancelBooking({
      db: db(),
      tenantId,
      actor: systemActor,
      residentId: bob.residentId,
      bookingId,
      expectedRefund: null,
    });
    expect(refund).toBe(request!.amount);
    expect(booking).toMatchObject({ status: "held", residentId: null, source: "lottery" });
    await platform.worker.drain();
    expect((await payments())[0]!.refundedAmount).toBe(request!.amount);
    expect((await slotStates(unitId, date))[1]).toBe("taken");
    // Nobody books it first-come before the release.
    const slot = await bookingRow(bookingId);
    const attempt = await postBooking(alice, {
      unitId,
      startsAt: slot.startsAt.toISOString(),
      endsAt: slot.endsAt.toISOString(),
    });
    expect(attempt.status).toBe(409);
    // The release opens it.
    await db().transaction((tx) =>
      releaseLotteryHolds(tx, { tenantId, actor: systemActor, bookingIds: [bookingId] }),
    );
    expect((await slotStates(unitId, date))[1]).toBe("free");
  });
});

describe("payment reports after a cancellation", () => {
  const paymentOf = async (bookingId: string) =>
    (
      await paymentsOfSubject({
        db: db(),
        tenantId,
        subject: { module: "facilities", type: "facilities_booking", id: bookingId },
      })
    )[0]!;

  it("keeps the table's refund when the booking is cancelled between payment and confirmation", async () => {
    const body = await slotBody("会議室1", 9, "h1000");
    const created = (await (await postBooking(alice, body)).json()) as Created;
    await payAtTestProvider(platform, alice, created.payPath!, "4242424242424242", false);
    expect((await bookingRow(created.booking.id)).status).toBe("provisional");
    const threeDaysBefore = new Date(new Date(body.startsAt).getTime() - 3 * 86_400_000);
    const { refund } = await cancelBooking({
      db: db(),
      tenantId,
      actor: systemActor,
      residentId: alice.residentId,
      bookingId: created.booking.id,
      expectedRefund: null,
      now: threeDaysBefore,
    });
    expect(refund).toBe(created.booking.fee / 2);
    // Now the payment's subscriber runs: the cancellation settled the money already.
    await platform.worker.drain();
    expect((await paymentOf(created.booking.id)).refundedAmount).toBe(created.booking.fee / 2);
  });

  it("does nothing when payment_succeeded is delivered again after a normal cancellation", async () => {
    const body = await slotBody("会議室1", 9, "h1100");
    const created = (await (await postBooking(alice, body)).json()) as Created;
    await payAtTestProvider(platform, alice, created.payPath!);
    const threeDaysBefore = new Date(new Date(body.startsAt).getTime() - 3 * 86_400_000);
    await cancelBooking({
      db: db(),
      tenantId,
      actor: systemActor,
      residentId: alice.residentId,
      bookingId: created.booking.id,
      expectedRefund: null,
      now: threeDaysBefore,
    });
    await platform.worker.drain();
    const payment = await paymentOf(created.booking.id);
    const again = await confirmPaidBooking({
      db: db(),
      tenantId,
      bookingId: created.booking.id,
      paymentId: payment.id,
    });
    expect(again).toBe("unchanged");
    expect((await paymentOf(created.booking.id)).refundedAmount).toBe(created.booking.fee / 2);
  });

  it("withdraws a failed payment too, so a cancelled booking cannot be paid afterwards", async () => {
    const body = await slotBody("会議室1", 10, "h0900");
    const created = (await (await postBooking(alice, body)).json()) as Created;
    await payAtTestProvider(platform, alice, created.payPath!, "4000000000000002");
    expect((await paymentOf(created.booking.id)).state).toBe("failed");
    await cancelBooking({
      db: db(),
      tenantId,
      actor: systemActor,
      residentId: alice.residentId,
      bookingId: created.booking.id,
      expectedRefund: null,
    });
    expect((await paymentOf(created.booking.id)).state).toBe("cancelled");
  });
});

describe("penalty suspensions", () => {
  it("suspends from the penalty that reached the threshold, even when the window's sum falls later", async () => {
    const residentId = await insertResident(db(), tenantId, "twice-absent@example.jp");
    const day0 = new Date("2024-01-10T03:00:00Z");
    const day = (n: number) => new Date(day0.getTime() + n * 86_400_000);
    for (const n of [0, 80]) {
      const [booking] = await db()
        .insert(bookings)
        .values({
          tenantId,
          unitId: units["和室"]!,
          reference: `RPEN-${n}`,
          residentId,
          startsAt: day(n),
          endsAt: new Date(day(n).getTime() + 3_600_000),
          status: "confirmed",
          source: "resident",
        })
        .returning();
      await db()
        .insert(penalties)
        .values({
          tenantId,
          residentId,
          bookingId: booking!.id,
          kind: "no_show",
          points: 2,
          createdAt: day(n),
        });
    }
    const status = (n: number) =>
      readPenaltyStatus({ db: db(), tenantId, residentId, groupId: null, now: day(n) });
    const until = addDays(tokyoDate(day(80)), 90);
    expect(await status(79)).toEqual({ points: 2, suspendedUntil: null });
    expect(await status(80)).toEqual({ points: 4, suspendedUntil: until });
    expect(await status(100)).toEqual({ points: 2, suspendedUntil: until });
    expect(await status(170)).toMatchObject({ suspendedUntil: until });
    expect(await status(171)).toMatchObject({ suspendedUntil: null });
  });
});

describe("the test lock's keypad", () => {
  const tryPin = (unit: string, pin: string) =>
    platform.request("/facilities/test-lock", {
      method: "POST",
      body: new URLSearchParams({ unit, pin, at: "2030-01-01T10:00:00+09:00" }),
    });

  it("opens for a code valid now, ignores a time sent by the form, and locks out after 10 wrong codes", async () => {
    const unitId = units["和室"]!;
    const now = Date.now();
    await db()
      .insert(testLockCodes)
      .values([
        {
          tenantId,
          unitId,
          pin: "246810",
          validFrom: new Date(now - 60_000),
          validUntil: new Date(now + 3_600_000),
        },
        {
          tenantId,
          unitId,
          pin: "135790",
          validFrom: new Date("2030-01-01T00:00:00Z"),
          validUntil: new Date("2030-01-02T00:00:00Z"),
        },
      ]);
    expect(await (await tryPin(unitId, "246810")).text()).toContain("解錠しました");
    // A code valid only in 2030 stays shut now, whatever time the form claims.
    expect(await (await tryPin(unitId, "135790")).text()).not.toContain("解錠しました");
    for (let i = 0; i < 9; i++) {
      expect((await tryPin(unitId, String(100000 + i))).status).toBe(200);
    }
    const lockedOut = await tryPin(unitId, "246810");
    expect(lockedOut.status).toBe(429);
    expect(await lockedOut.text()).not.toContain("解錠しました");
  });

  it("is not there on an install without the demo city", async () => {
    platform.services.config.seedDemo = false;
    try {
      expect((await platform.request("/facilities/test-lock")).status).toBe(404);
      expect((await tryPin(units["和室"]!, "123456")).status).toBe(404);
    } finally {
      platform.services.config.seedDemo = true;
    }
  });
});
