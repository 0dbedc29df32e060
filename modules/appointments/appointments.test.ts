import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_TENANT_SLUG } from "../../app/seed-demo.ts";
import { auditLog } from "../../core/audit/schema.ts";
import { startOfTokyoDay, tokyoDate } from "../../core/calendar/business-days.ts";
import type { ProblemError } from "../../core/http/problem.ts";
import { departments, residents } from "../../core/identity/schema.ts";
import { notifications } from "../../core/notifications/schema.ts";
import { type Tenant, tenants } from "../../core/tenancy/schema.ts";
import {
  createTestPlatform,
  type ResidentTestSession,
  type TestPlatform,
} from "../../core/testing/test-platform.ts";
import { bookingWindow, canStillChange, refuseSlot, shiftDate, slotsOfDay } from "./calendar.ts";
import { bookableDays, bookableSlotsOn, loadCounter } from "./counter.ts";
import { sendRemindersJob } from "./jobs.ts";
import { bookAppointment } from "./operations/book-appointment.ts";
import { cancelAppointment } from "./operations/cancel-appointment.ts";
import { markAttendance } from "./operations/mark-attendance.ts";
import { rescheduleAppointment } from "./operations/reschedule-appointment.ts";
import { sendAppointmentReminders } from "./operations/send-reminders.ts";
import {
  type AppointmentType,
  appointments,
  appointmentTypes,
  closures,
  openingHours,
  slotCounters,
} from "./schema.ts";

let platform: TestPlatform;
let tenant: Tenant;
let otherTenant: Tenant;
let okuyami: AppointmentType;
let boshi: AppointmentType;
let hanako: ResidentTestSession;
let jiro: ResidentTestSession;
const db = () => platform.services.database.db;
const site = (path: string) => `http://localhost${path}`;

/** The answers of おくやみ窓口's pre-questions, as the browser posts them. */
const okuyamiAnswers = {
  deceased_name: "手野 一郎",
  date_of_death: "2026-11-01",
  relation: "child",
  procedures: "pension",
};

beforeAll(async () => {
  platform = await createTestPlatform();
  [tenant] = (await db().select().from(tenants).where(eq(tenants.slug, DEMO_TENANT_SLUG))) as [Tenant];
  // A second city on the same install, with a counter of its own.
  [otherTenant] = (await db()
    .insert(tenants)
    .values({
      municipalityCode: "990027",
      slug: "other-city",
      nameJa: "よその市",
      nameEn: "Other City",
      hosts: ["other.localhost"],
    })
    .returning()) as [Tenant];
  const [otherDepartment] = await db()
    .insert(departments)
    .values({
      tenantId: otherTenant.id,
      code: "shimin-ka",
      nameJa: "市民課",
      nameEn: "Citizens",
      level: "ka",
    })
    .returning();
  const [otherType] = await db()
    .insert(appointmentTypes)
    .values({
      tenantId: otherTenant.id,
      slug: "okuyami",
      nameJa: "よその市のおくやみ窓口",
      nameEn: "Other bereavement counter",
      departmentId: otherDepartment!.id,
      durationMinutes: 60,
      capacityPerSlot: 1,
    })
    .returning();
  await db()
    .insert(openingHours)
    .values({ tenantId: otherTenant.id, typeId: otherType!.id, weekday: 3, opens: "09:00", closes: "10:00" });
  const types = await db().select().from(appointmentTypes).where(eq(appointmentTypes.tenantId, tenant.id));
  okuyami = types.find((t) => t.slug === "okuyami")!;
  boshi = types.find((t) => t.slug === "boshi-techo")!;
  hanako = await platform.signInResident("hanako@example.jp");
  jiro = await platform.signInResident("jiro@example.jp");
}, 60_000);
afterAll(() => platform.close());

/** The free slots a resident sees now for a type, first day first. */
async function freeSlots(type: AppointmentType) {
  const counter = await loadCounter(db(), tenant, type, new Date());
  const days = await bookableDays(db(), counter, new Date());
  const slots = [];
  for (const day of days.slice(0, 3)) {
    slots.push(...(await bookableSlotsOn(db(), counter, day, new Date())));
  }
  return slots;
}

function post(session: ResidentTestSession, path: string, fields: Record<string, string | string[]>) {
  const body = new URLSearchParams({ _csrf: session.csrf });
  for (const [name, value] of Object.entries(fields)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      body.append(name, one);
    }
  }
  return platform.request(site(path), { method: "POST", headers: { cookie: session.cookie }, body });
}

const get = (session: ResidentTestSession | null, path: string) =>
  platform.request(site(path), session ? { headers: { cookie: session.cookie } } : {});

const appointmentsOf = (residentId: string) =>
  db().select().from(appointments).where(eq(appointments.residentId, residentId));

const takenAt = async (typeId: string, startsAt: Date) =>
  (
    await db()
      .select()
      .from(slotCounters)
      .where(and(eq(slotCounters.typeId, typeId), eq(slotCounters.startsAt, startsAt)))
  )[0]?.taken ?? 0;

/** Inserts residents straight into the table, for tests about many people at once. */
async function manyResidents(count: number, tenantId = tenant.id): Promise<string[]> {
  const rows = await db()
    .insert(residents)
    .values(
      Array.from({ length: count }, (_, i) => ({ tenantId, email: `many-${i}-${Date.now()}@example.jp` })),
    )
    .returning({ id: residents.id });
  return rows.map((row) => row.id);
}

const problemOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as ProblemError;
  }
  throw new Error("expected a refusal");
};

describe("the calendar of a counter", () => {
  const hours = [
    { weekday: 3, opens: "09:00", closes: "11:00" },
    { weekday: 3, opens: "13:00", closes: "15:00" },
  ];
  const type = { durationMinutes: 60, leadBusinessDays: 2, horizonDays: 60 };
  const calendar = { closedDates: new Set(["2026-12-09"]) };

  it("cuts the opening hours into slots of the type's length, in Tokyo time", () => {
    const slots = slotsOfDay(type, hours, "2026-11-25");
    expect(slots.map((s) => s.startsAt.toISOString())).toEqual([
      "2026-11-25T00:00:00.000Z",
      "2026-11-25T01:00:00.000Z",
      "2026-11-25T04:00:00.000Z",
      "2026-11-25T05:00:00.000Z",
    ]);
    expect(slotsOfDay(type, hours, "2026-11-26")).toEqual([]);
  });

  it("counts the lead time in 開庁日, skipping a national holiday, and ends at the horizon", () => {
    // Friday 20 November 2026; Monday 23rd is 勤労感謝の日.
    const friday = new Date("2026-11-20T01:00:00Z");
    expect(bookingWindow(type, friday, {})).toEqual({ first: "2026-11-25", last: "2027-01-19" });
  });

  it("refuses the past, closed days, 年末年始, days outside the window and times that are not slots", () => {
    const now = new Date("2026-11-20T01:00:00Z");
    const at = (iso: string) => refuseSlot({ type, hours, calendar, startsAt: new Date(iso), now });
    expect(at("2026-11-25T00:00:00Z")).toBeNull();
    expect(at("2026-11-18T00:00:00Z")).toBe("past");
    expect(at("2026-11-25T00:17:00Z")).toBe("not_a_slot");
    expect(at("2026-12-09T00:00:00Z")).toBe("closed");
    expect(at("2026-12-30T00:00:00Z")).toBe("closed");
    expect(at("2026-11-28T00:00:00Z")).toBe("closed");
    expect(at("2026-11-24T00:00:00Z")).toBe("not_a_slot");
    // Wednesday 11/25 is the first day; the Wednesday after the horizon is out.
    expect(at("2027-01-20T00:00:00Z")).toBe("outside_window");
  });

  it("allows changes until the end of the 開庁日 before the deadline", () => {
    const startsAt = new Date("2026-11-25T00:00:00Z"); // Wednesday 09:00
    const deadline = { changeDeadlineBusinessDays: 1 };
    expect(canStillChange(deadline, startsAt, new Date("2026-11-24T14:00:00Z"), {})).toBe(true);
    expect(canStillChange(deadline, startsAt, new Date("2026-11-24T15:00:00Z"), {})).toBe(false);
  });
});

describe("booking as a resident", () => {
  it("lists the counters, the free days and times, without signing in", async () => {
    const list = await get(null, "/appointments");
    expect(list.status).toBe(200);
    const page = await list.text();
    expect(page).toContain("おくやみ窓口");
    expect(page).toContain("母子健康手帳の交付");
    const [slot] = await freeSlots(okuyami);
    const day = await get(null, `/appointments/okuyami?date=${tokyoDate(slot!.startsAt)}`);
    expect(await day.text()).toContain(`value="${slot!.startsAt.toISOString()}"`);
    expect((await get(null, "/appointments/okuyami?lang=en")).status).toBe(200);
    expect((await get(null, "/appointments/okuyami?date=2026-02-30x")).status).toBe(400);
  });

  it("asks the pre-questions, confirms, books once per key, and shows it with its .ics and on My page", async () => {
    const [slot] = await freeSlots(okuyami);
    const startsAt = slot!.startsAt.toISOString();
    const form = await get(hanako, `/appointments/okuyami/book?slot=${encodeURIComponent(startsAt)}`);
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain('name="deceased_name"');
    const key = /name="_idempotency" value="([^"]+)"/.exec(html)![1]!;

    const missing = await post(hanako, "/appointments/okuyami/book", {
      slot: startsAt,
      _idempotency: key,
      _action: "check",
    });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("「亡くなられた方のお名前」を入力してください");

    const fields = { slot: startsAt, _idempotency: key, ...okuyamiAnswers };
    const check = await post(hanako, "/appointments/okuyami/book", { ...fields, _action: "check" });
    expect(check.status).toBe(200);
    const confirm = await check.text();
    expect(confirm).toContain("子");
    expect(confirm).toContain('value="book"');
    expect(await appointmentsOf(hanako.residentId)).toHaveLength(0);

    const booked = await post(hanako, "/appointments/okuyami/book", { ...fields, _action: "book" });
    expect(booked.status).toBe(303);
    const location = booked.headers.get("location")!;
    expect(location).toMatch(/^\/appointments\/a\/[0-9a-f-]{36}\?booked=1$/);
    const again = await post(hanako, "/appointments/okuyami/book", { ...fields, _action: "book" });
    expect(again.headers.get("location")).toBe(location);
    const rows = await appointmentsOf(hanako.residentId);
    expect(rows).toHaveLength(1);
    const appointment = rows[0]!;
    expect(appointment).toMatchObject({ status: "booked", channel: "web", typeId: okuyami.id });
    expect(appointment.answers).toMatchObject({
      deceased_name: "手野 一郎",
      relation: "child",
      procedures: ["pension"],
    });
    expect(appointment.answersDisplay).toContainEqual({
      label: { ja: "来庁される方との続柄", en: "Your relation to them" },
      value: { ja: "子", en: "Child" },
    });
    expect(await takenAt(okuyami.id, slot!.startsAt)).toBe(1);

    const done = await get(hanako, location);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain(appointment.reference);
    const ics = await get(hanako, `/appointments/a/${appointment.id}/appointment.ics`);
    expect(ics.headers.get("content-type")).toContain("text/calendar");
    const calendar = await ics.text();
    expect(calendar).toContain("BEGIN:VEVENT");
    expect(calendar).toContain(`DTSTART:${startsAt.replace(/[-:]/g, "").replace(".000", "")}`);
    const myPage = await get(hanako, "/my");
    expect(await myPage.text()).toContain(appointment.reference);

    const events = await db()
      .select()
      .from(auditLog)
      .where(
        and(eq(auditLog.action, "appointments.appointment.book"), eq(auditLog.resourceId, appointment.id)),
      );
    expect(events).toHaveLength(1);
  });

  it("refuses a second active appointment of the same kind, with nothing written", async () => {
    const slots = await freeSlots(okuyami);
    const response = await post(hanako, "/appointments/okuyami/book", {
      slot: slots[1]!.startsAt.toISOString(),
      _idempotency: "second-booking",
      _action: "book",
      ...okuyamiAnswers,
    });
    expect(response.status).toBe(409);
    const page = await response.text();
    expect(page).toContain("この種類の予約はすでにお持ちです");
    expect(await appointmentsOf(hanako.residentId)).toHaveLength(1);
    expect(await takenAt(okuyami.id, slots[1]!.startsAt)).toBe(0);
  });

  it("refuses past, closed, out-of-window, tampered and full slots with a reason in both languages", async () => {
    const book = (slot: string, lang = "ja") =>
      post(jiro, `/appointments/boshi-techo/book?lang=${lang}`, {
        slot,
        _idempotency: `k-${slot}-${lang}`,
        _action: "book",
      });
    const past = await book("2026-01-07T00:00:00.000Z");
    expect(past.status).toBe(422);
    expect(await past.text()).toContain("過去の日時は予約できません");
    const pastEn = await book("2026-01-07T00:00:00.000Z", "en");
    expect(await pastEn.text()).toContain("You cannot book a time that has passed");

    const [first] = await freeSlots(boshi);
    const firstDay = tokyoDate(first!.startsAt);
    await db()
      .insert(closures)
      .values({ tenantId: tenant.id, typeId: boshi.id, date: firstDay, reasonJa: "臨時休業" });
    const closed = await book(first!.startsAt.toISOString());
    expect(closed.status).toBe(422);
    expect(await closed.text()).toContain("窓口がお休みです");
    await db().delete(closures).where(eq(closures.typeId, boshi.id));

    const beyond = new Date(startOfTokyoDay(shiftDate(tokyoDate(new Date()), 70)).getTime());
    const farWednesday = slotsOfDay(boshi, await hoursOf(boshi), nextWeekday(tokyoDate(beyond)))[0]!;
    const far = await book(farWednesday.startsAt.toISOString());
    expect(far.status).toBe(422);
    expect(await far.text()).toContain("受付の締切を過ぎています");

    const tampered = await book(new Date(first!.startsAt.getTime() + 7 * 60_000).toISOString());
    expect(tampered.status).toBe(400);
    expect(await tampered.text()).toContain("その時間の予約枠はありません");

    expect(
      (await post(jiro, "/appointments/no-such-counter/book", { slot: first!.startsAt.toISOString() }))
        .status,
    ).toBe(404);

    // 母子手帳 takes two people a slot: two others fill it, then Jiro is refused.
    const [a, b] = await manyResidents(2);
    for (const residentId of [a!, b!]) {
      await db().transaction((tx) =>
        bookAppointment({
          tx,
          tenant,
          actor: { type: "resident", id: residentId },
          typeId: boshi.id,
          startsAt: first!.startsAt,
          holder: { residentId },
          channel: "web",
          bookedBy: null,
          locale: "ja",
          idempotencyKey: "fill",
          preQuestions: null,
        }),
      );
    }
    const full = await book(first!.startsAt.toISOString());
    expect(full.status).toBe(409);
    expect(await full.text()).toContain("予約がいっぱいになりました");
    expect(await appointmentsOf(jiro.residentId)).toHaveLength(0);
    expect(await takenAt(boshi.id, first!.startsAt)).toBe(2);
  });
});

async function hoursOf(type: AppointmentType) {
  return db().select().from(openingHours).where(eq(openingHours.typeId, type.id));
}

/** The next Wednesday on or after a date that is not a holiday (for a slot far ahead). */
function nextWeekday(date: string): string {
  let day = date;
  while (new Date(`${day}T00:00:00Z`).getUTCDay() !== 3) {
    day = shiftDate(day, 1);
  }
  return day;
}

describe("rescheduling and cancelling", () => {
  it("moves to a free slot atomically, refuses a full one leaving the booking as it was, then cancels", async () => {
    const [mine] = await appointmentsOf(hanako.residentId);
    const slots = (await freeSlots(okuyami)).filter((s) => s.startsAt.getTime() !== mine!.startsAt.getTime());
    const [target, fullOne] = slots;
    const [other] = await manyResidents(1);
    await db().transaction((tx) =>
      bookAppointment({
        tx,
        tenant,
        actor: { type: "resident", id: other! },
        typeId: okuyami.id,
        startsAt: fullOne!.startsAt,
        holder: { residentId: other! },
        channel: "web",
        bookedBy: null,
        locale: "ja",
        idempotencyKey: "other",
        preQuestions: null,
      }),
    );
    const refused = await post(hanako, `/appointments/a/${mine!.id}/reschedule`, {
      slot: fullOne!.startsAt.toISOString(),
    });
    expect(refused.status).toBe(409);
    expect((await appointmentsOf(hanako.residentId))[0]!.startsAt).toEqual(mine!.startsAt);
    expect(await takenAt(okuyami.id, mine!.startsAt)).toBe(1);

    const choose = await get(
      hanako,
      `/appointments/a/${mine!.id}/reschedule?date=${tokyoDate(target!.startsAt)}`,
    );
    expect(await choose.text()).toContain(`value="${target!.startsAt.toISOString()}"`);
    const moved = await post(hanako, `/appointments/a/${mine!.id}/reschedule`, {
      slot: target!.startsAt.toISOString(),
    });
    expect(moved.status).toBe(303);
    expect((await appointmentsOf(hanako.residentId))[0]!.startsAt).toEqual(target!.startsAt);
    expect(await takenAt(okuyami.id, mine!.startsAt)).toBe(0);
    expect(await takenAt(okuyami.id, target!.startsAt)).toBe(1);

    // Another resident can neither see nor touch it.
    expect((await get(jiro, `/appointments/a/${mine!.id}`)).status).toBe(404);
    expect((await get(jiro, `/appointments/a/${mine!.id}/appointment.ics`)).status).toBe(404);
    expect((await post(jiro, `/appointments/a/${mine!.id}/cancel`, {})).status).toBe(404);
    expect(
      (await post(jiro, `/appointments/a/${mine!.id}/reschedule`, { slot: slots[2]!.startsAt.toISOString() }))
        .status,
    ).toBe(404);

    expect((await get(jiro, `/appointments/a/${mine!.id}/cancel`)).status).toBe(404);
    const confirm = await get(hanako, `/appointments/a/${mine!.id}/cancel`);
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain("この予約をキャンセルします");
    const cancelled = await post(hanako, `/appointments/a/${mine!.id}/cancel`, {});
    expect(cancelled.status).toBe(303);
    const [row] = await appointmentsOf(hanako.residentId);
    expect(row!.status).toBe("cancelled");
    expect(await takenAt(okuyami.id, target!.startsAt)).toBe(0);
    const twice = await post(hanako, `/appointments/a/${mine!.id}/cancel`, {});
    expect(twice.status).toBe(409);
  });

  it("refuses changes after the deadline", async () => {
    const [residentId] = await manyResidents(1);
    const [slot] = await freeSlots(boshi);
    const { appointment } = await db().transaction((tx) =>
      bookAppointment({
        tx,
        tenant,
        actor: { type: "resident", id: residentId! },
        typeId: boshi.id,
        startsAt: slot!.startsAt,
        holder: { residentId: residentId! },
        channel: "web",
        bookedBy: null,
        locale: "ja",
        idempotencyKey: "late",
        preQuestions: null,
      }),
    );
    const error = await problemOf(
      db().transaction((tx) =>
        cancelAppointment({
          tx,
          tenant,
          actor: { type: "resident", id: residentId! },
          appointmentId: appointment.id,
          residentId: residentId!,
          now: new Date(slot!.startsAt.getTime() - 60 * 60_000),
        }),
      ),
    );
    expect(error.status).toBe(409);
    expect(error.title.ja).toContain("期限を過ぎています");
  });
});

describe("the capacity counter under concurrency", () => {
  it("lets exactly k of many parallel bookings into a slot of capacity k, refusing the rest with 409", async () => {
    const capacity = 3;
    const [type] = await db()
      .insert(appointmentTypes)
      .values({
        tenantId: tenant.id,
        slug: "rush-test",
        nameJa: "混雑テスト",
        nameEn: "Rush test",
        departmentId: okuyami.departmentId,
        durationMinutes: 30,
        capacityPerSlot: capacity,
        leadBusinessDays: 0,
      })
      .returning();
    await db()
      .insert(openingHours)
      .values(
        [1, 2, 3, 4, 5].map((weekday) => ({
          tenantId: tenant.id,
          typeId: type!.id,
          weekday,
          opens: "09:00",
          closes: "17:00",
        })),
      );
    const [slot] = await freeSlots(type!);
    const people = await manyResidents(12);
    const results = await Promise.allSettled(
      people.map((residentId) =>
        db().transaction((tx) =>
          bookAppointment({
            tx,
            tenant,
            actor: { type: "resident", id: residentId },
            typeId: type!.id,
            startsAt: slot!.startsAt,
            holder: { residentId },
            channel: "web",
            bookedBy: null,
            locale: "ja",
            idempotencyKey: "rush",
            preQuestions: null,
          }),
        ),
      ),
    );
    const booked = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(booked).toHaveLength(capacity);
    expect(refused.map((r) => (r.reason as ProblemError).status)).toEqual(Array(12 - capacity).fill(409));
    expect(await takenAt(type!.id, slot!.startsAt)).toBe(capacity);
    const rows = await db()
      .select()
      .from(appointments)
      .where(and(eq(appointments.typeId, type!.id), eq(appointments.startsAt, slot!.startsAt)));
    expect(rows).toHaveLength(capacity);
  });

  it("books the same key once when the same resident's requests arrive together over HTTP", async () => {
    const [slot] = await freeSlots(boshi);
    const sameKey = () =>
      post(jiro, "/appointments/boshi-techo/book", {
        slot: slot!.startsAt.toISOString(),
        _idempotency: "double-click",
        _action: "book",
      });
    const responses = await Promise.all([sameKey(), sameKey(), sameKey()]);
    expect(responses.map((r) => r.status)).toEqual([303, 303, 303]);
    expect(new Set(responses.map((r) => r.headers.get("location"))).size).toBe(1);
    expect(await appointmentsOf(jiro.residentId)).toHaveLength(1);
  });
});

describe("the reminder the day before", () => {
  it("reminds each resident of tomorrow's appointments once, in inbox and email, however often it runs", async () => {
    const [appointment] = await appointmentsOf(jiro.residentId);
    const dayBefore = new Date(
      startOfTokyoDay(shiftDate(tokyoDate(appointment!.startsAt), -1)).getTime() + 12 * 3_600_000,
    );
    expect(
      await sendAppointmentReminders({ db: db(), now: new Date(dayBefore.getTime() - 86_400_000) }),
    ).toEqual({
      sent: 0,
    });
    const baseUrl = "https://tenohira.example.jp/";
    expect(
      (await sendAppointmentReminders({ db: db(), now: dayBefore, baseUrl })).sent,
    ).toBeGreaterThanOrEqual(1);
    expect(await sendAppointmentReminders({ db: db(), now: dayBefore })).toEqual({ sent: 0 });
    const messages = await db()
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.residentId, jiro.residentId),
          eq(notifications.reference, appointment!.reference),
        ),
      );
    expect(messages.map((m) => m.channel).toSorted()).toEqual(["email", "inbox"]);
    expect(messages[0]!.subject).toContain("ご予約のお知らせ");
    expect(messages[0]!.body).toContain("母子健康手帳の交付");
    // The home city has no hosts of its own, so its link is on the base URL's origin.
    expect(messages[0]!.body).toMatch(/https:\/\/tenohira\.example\.jp\/appointments\/\S+/);
    const [reminded] = await appointmentsOf(jiro.residentId);
    expect(reminded!.remindedAt).not.toBeNull();
  });
});

describe("the hourly reminder", () => {
  it("runs every hour and reminds a booking made late for the next morning, once, and never a past one", async () => {
    expect(sendRemindersJob.cron).toBe("0 * * * *");
    const [slot, later] = await freeSlots(okuyami);
    const [late, past] = await manyResidents(2);
    const book = (residentId: string, key: string, startsAt: Date) =>
      db().transaction((tx) =>
        bookAppointment({
          tx,
          tenant,
          actor: { type: "staff", id: null },
          typeId: okuyami.id,
          startsAt,
          holder: { residentId },
          channel: "phone",
          bookedBy: null,
          locale: "ja",
          idempotencyKey: key,
          preQuestions: null,
        }),
      );
    const { appointment: booked } = await book(late!, "late-reminder", slot!.startsAt);
    // The first hourly run after midnight before the appointment: the noon-only job had already gone by.
    const afterMidnight = new Date(startOfTokyoDay(tokyoDate(booked.startsAt)).getTime() + 3_600_000);
    const ran = await sendAppointmentReminders({ db: db(), now: afterMidnight });
    expect(ran.sent).toBeGreaterThanOrEqual(1);
    const [reminded] = await db().select().from(appointments).where(eq(appointments.id, booked.id));
    expect(reminded!.remindedAt).not.toBeNull();
    expect(await sendAppointmentReminders({ db: db(), now: afterMidnight })).toEqual({ sent: 0 });
    // An appointment whose time has passed is not reminded any more.
    const { appointment: gone } = await book(past!, "past-reminder", later!.startsAt);
    await sendAppointmentReminders({ db: db(), now: new Date(gone.startsAt.getTime() + 60_000) });
    const [notReminded] = await db().select().from(appointments).where(eq(appointments.id, gone.id));
    expect(notReminded!.remindedAt).toBeNull();
  });
});

describe("moving appointments both ways at once", () => {
  it("never deadlocks when two appointments swap slots, many times", async () => {
    const [type] = await db()
      .insert(appointmentTypes)
      .values({
        tenantId: tenant.id,
        slug: "swap-test",
        nameJa: "入れ替えテスト",
        nameEn: "Swap test",
        departmentId: okuyami.departmentId,
        durationMinutes: 30,
        capacityPerSlot: 3,
        leadBusinessDays: 0,
      })
      .returning();
    await db()
      .insert(openingHours)
      .values(
        [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({
          tenantId: tenant.id,
          typeId: type!.id,
          weekday,
          opens: "00:00",
          closes: "23:30",
        })),
      );
    const slots = await freeSlots(type!);
    const people = await manyResidents(16);
    for (let round = 0; round < 8; round++) {
      const [x, y] = [slots[round * 2]!.startsAt, slots[round * 2 + 1]!.startsAt];
      const [a, b] = await Promise.all(
        [
          [people[round * 2]!, x],
          [people[round * 2 + 1]!, y],
        ].map(([residentId, startsAt]) =>
          db().transaction((tx) =>
            bookAppointment({
              tx,
              tenant,
              actor: { type: "staff", id: null },
              typeId: type!.id,
              startsAt: startsAt as Date,
              holder: { residentId: residentId as string },
              channel: "phone",
              bookedBy: null,
              locale: "ja",
              idempotencyKey: `swap-${round}-${residentId}`,
              preQuestions: null,
            }),
          ),
        ),
      );
      const move = (appointmentId: string, startsAt: Date) =>
        db().transaction((tx) =>
          rescheduleAppointment({
            tx,
            tenant,
            actor: { type: "staff", id: null },
            appointmentId,
            residentId: null,
            startsAt,
          }),
        );
      await Promise.all([move(a!.appointment.id, y), move(b!.appointment.id, x)]);
      expect([await takenAt(type!.id, x), await takenAt(type!.id, y)]).toEqual([1, 1]);
    }
  });
});

describe("staff", () => {
  it("refuses an impossible or out-of-range day with a message in both languages, and a malformed id with 404", async () => {
    const staff = await platform.signInStaff("staff@tenohira.localhost");
    for (const date of ["9999-12-31", "2025-02-30", "1999-12-31"]) {
      const ja = await platform.request(site(`/staff/appointments/types/${okuyami.id}?date=${date}`), {
        headers: staff,
      });
      expect(ja.status).toBe(400);
      expect(await ja.text()).toContain("2000年から2100年までの実在する日付");
    }
    const en = await platform.request(
      site(`/staff/appointments/types/${okuyami.id}?date=2025-02-30&lang=en`),
      {
        headers: staff,
      },
    );
    expect(en.status).toBe(400);
    const page = await en.text();
    expect(page).toContain("Enter a real date from 2000 to 2100");
    expect(page).not.toContain("2 March 2025");
    const book = await platform.request(
      site(`/staff/appointments/types/${okuyami.id}/book?date=9999-12-31`),
      {
        headers: staff,
      },
    );
    expect(book.status).toBe(400);
    for (const path of [
      "/appointments/a/------------------------------------",
      "/appointments/a/zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz/cancel",
    ]) {
      expect((await platform.request(site(path), { headers: staff })).status).toBe(404);
    }
  });

  it("see a day of their department's counter with the answers, audited; other departments are refused", async () => {
    const staff = await platform.signInStaff("staff@tenohira.localhost");
    const [slot] = await freeSlots(okuyami);
    const date = tokyoDate(slot!.startsAt);
    const form = await platform.request(site(`/staff/appointments/types/${okuyami.id}/book?date=${date}`), {
      headers: staff,
    });
    expect(form.status).toBe(200);
    const key = /name="_idempotency" value="([^"]+)"/.exec(await form.text())![1]!;
    const fields = new URLSearchParams({
      _idempotency: key,
      slot: slot!.startsAt.toISOString(),
      caller_name: "電話 花子",
      caller_phone: "099-412-0000",
      ...okuyamiAnswers,
    });
    const booked = await platform.request(site(`/staff/appointments/types/${okuyami.id}/book`), {
      method: "POST",
      headers: staff,
      body: fields,
    });
    expect(booked.status).toBe(303);
    const repeat = await platform.request(site(`/staff/appointments/types/${okuyami.id}/book`), {
      method: "POST",
      headers: staff,
      body: fields,
    });
    expect(repeat.headers.get("location")).toBe(booked.headers.get("location"));
    const [phoned] = await db().select().from(appointments).where(eq(appointments.callerName, "電話 花子"));
    expect(phoned).toMatchObject({
      channel: "phone",
      callerPhone: "0994120000",
      residentId: null,
      status: "booked",
    });

    const noName = await platform.request(site(`/staff/appointments/types/${okuyami.id}/book`), {
      method: "POST",
      headers: staff,
      body: new URLSearchParams({ _idempotency: "x", slot: slot!.startsAt.toISOString(), ...okuyamiAnswers }),
    });
    expect(noName.status).toBe(400);

    const day = await platform.request(site(`/staff/appointments/types/${okuyami.id}?date=${date}`), {
      headers: staff,
    });
    expect(day.status).toBe(200);
    const page = await day.text();
    expect(page).toContain("電話 花子");
    expect(page).toContain("手野 一郎");
    const audits = await db()
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.action, "appointments.appointment.read"),
          eq(auditLog.resourceId, `${okuyami.id}/${date}`),
        ),
      );
    expect(audits.length).toBeGreaterThan(0);

    const early = await platform.request(site(`/staff/appointments/${phoned!.id}/attendance`), {
      method: "POST",
      headers: staff,
      body: new URLSearchParams({ status: "arrived" }),
    });
    expect(early.status).toBe(409);
    const arrived = await db().transaction((tx) =>
      markAttendance({
        tx,
        tenantId: tenant.id,
        actor: { type: "staff", id: null },
        appointmentId: phoned!.id,
        status: "arrived",
        now: phoned!.startsAt,
      }),
    );
    expect(arrived.status).toBe("arrived");

    const doro = await platform.signInStaff("doro@tenohira.localhost");
    expect(
      (
        await platform.request(site(`/staff/appointments/types/${okuyami.id}?date=${date}`), {
          headers: doro,
        })
      ).status,
    ).toBe(403);
    const list = await platform.request(site("/staff/appointments"), { headers: doro });
    expect(await list.text()).not.toContain("おくやみ窓口");
    const viewer = await platform.signInStaff("viewer@tenohira.localhost");
    expect(
      (await platform.request(site(`/staff/appointments/types/${okuyami.id}/book`), { headers: viewer }))
        .status,
    ).toBe(403);
  });
});

describe("tenant isolation", () => {
  it("keeps each city's counters and appointments to itself", async () => {
    const elsewhere = await platform.request("http://other.localhost/appointments");
    const page = await elsewhere.text();
    expect(page).toContain("よその市のおくやみ窓口");
    expect(page).not.toContain("母子健康手帳の交付");
    expect((await platform.request("http://other.localhost/appointments/boshi-techo")).status).toBe(404);

    const [outsider] = await manyResidents(1, otherTenant.id);
    const [slot] = await freeSlots(boshi);
    const error = await problemOf(
      db().transaction((tx) =>
        bookAppointment({
          tx,
          tenant: otherTenant,
          actor: { type: "resident", id: outsider! },
          typeId: boshi.id,
          startsAt: slot!.startsAt,
          holder: { residentId: outsider! },
          channel: "web",
          bookedBy: null,
          locale: "ja",
          idempotencyKey: "cross",
          preQuestions: null,
        }),
      ),
    );
    expect(error.status).toBe(404);
    const [theirs] = await appointmentsOf(jiro.residentId);
    const moveError = await problemOf(
      db().transaction((tx) =>
        rescheduleAppointment({
          tx,
          tenant: otherTenant,
          actor: { type: "staff", id: null },
          appointmentId: theirs!.id,
          residentId: null,
          startsAt: slot!.startsAt,
        }),
      ),
    );
    expect(moveError.status).toBe(404);
    const staff = await platform.signInStaff("staff@tenohira.localhost");
    const [otherType] = await db()
      .select()
      .from(appointmentTypes)
      .where(eq(appointmentTypes.tenantId, otherTenant.id));
    expect(
      (await platform.request(site(`/staff/appointments/types/${otherType!.id}`), { headers: staff })).status,
    ).toBe(404);
  });
});
