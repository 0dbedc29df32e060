import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_TENANT_SLUG } from "../../app/seed-demo.ts";
import { auditLog } from "../../core/audit/schema.ts";
import { tokyoDate } from "../../core/calendar/business-days.ts";
import { domainEvents } from "../../core/events/schema.ts";
import { departments } from "../../core/identity/schema.ts";
import { notifications, notificationTemplates } from "../../core/notifications/schema.ts";
import { type Tenant, tenants } from "../../core/tenancy/schema.ts";
import { createTestPlatform, type TestPlatform } from "../../core/testing/test-platform.ts";
import { parseWeeklyHours } from "./admin/weekly-hours.ts";
import { bookableDays, bookableSlotsOn, loadCounter } from "./counter.ts";
import { bookAppointment } from "./operations/book-appointment.ts";
import { cancelAppointment } from "./operations/cancel-appointment.ts";
import { rescheduleAppointment } from "./operations/reschedule-appointment.ts";
import { formatSlot } from "./presenters.ts";
import { type AppointmentType, appointmentTypes, closures, openingHours } from "./schema.ts";

let platform: TestPlatform;
let tenant: Tenant;
let otherType: AppointmentType;
let manager: Record<string, string>;
const db = () => platform.services.database.db;
const site = (path: string) => `http://localhost${path}`;

beforeAll(async () => {
  platform = await createTestPlatform();
  [tenant] = (await db().select().from(tenants).where(eq(tenants.slug, DEMO_TENANT_SLUG))) as [Tenant];
  const [elsewhere] = await db()
    .insert(tenants)
    .values({
      municipalityCode: "990035",
      slug: "other-city",
      nameJa: "よその市",
      nameEn: "Other City",
      hosts: ["other.localhost"],
    })
    .returning();
  const [department] = await db()
    .insert(departments)
    .values({ tenantId: elsewhere!.id, code: "shimin-ka", nameJa: "市民課", nameEn: "Citizens", level: "ka" })
    .returning();
  [otherType] = (await db()
    .insert(appointmentTypes)
    .values({
      tenantId: elsewhere!.id,
      slug: "okuyami",
      nameJa: "よその市の窓口",
      nameEn: "Other counter",
      departmentId: department!.id,
      durationMinutes: 60,
      capacityPerSlot: 1,
    })
    .returning()) as [AppointmentType];
  manager = await platform.signInStaff("manager@tenohira.localhost");
}, 60_000);
afterAll(() => platform.close());

const send = (headers: Record<string, string>, path: string, fields: Record<string, string>) =>
  platform.request(site(path), { method: "POST", headers, body: new URLSearchParams(fields) });

const departmentId = async (code: string) =>
  (
    await db()
      .select()
      .from(departments)
      .where(and(eq(departments.tenantId, tenant.id), eq(departments.code, code)))
  )[0]!.id;

async function typeBySlug(slug: string): Promise<AppointmentType> {
  const [type] = await db()
    .select()
    .from(appointmentTypes)
    .where(and(eq(appointmentTypes.tenantId, tenant.id), eq(appointmentTypes.slug, slug)));
  return type!;
}

const settingsOf = async (overrides: Record<string, string> = {}) => ({
  name_ja: "パスポート相談",
  name_en: "Passport advice",
  description_ja: "申請書の書き方をご案内します。",
  description_en: "We help you fill in the application.",
  place_ja: "本庁舎1階 3番窓口",
  place_en: "Main building 1F, counter 3",
  department_id: await departmentId("madoguchi-kakari"),
  duration_minutes: "30",
  capacity_per_slot: "2",
  lead_business_days: "1",
  horizon_days: "60",
  max_active_per_person: "1",
  change_deadline_business_days: "1",
  pre_question_form_slug: "",
  active: "1",
  ...overrides,
});

/** The weekdays Monday to Friday, each 09:00–12:00 and 13:00–15:00, as the hours form posts them. */
const weekdayHours = (): Record<string, string> => {
  const fields: Record<string, string> = { rows: "10" };
  [1, 2, 3, 4, 5].forEach((weekday, i) => {
    Object.assign(fields, {
      [`weekday_${2 * i}`]: String(weekday),
      [`opens_${2 * i}`]: "09:00",
      [`closes_${2 * i}`]: "12:00",
      [`weekday_${2 * i + 1}`]: String(weekday),
      [`opens_${2 * i + 1}`]: "13:00",
      [`closes_${2 * i + 1}`]: "15:00",
    });
  });
  return fields;
};

async function firstFreeSlots(type: AppointmentType) {
  const counter = await loadCounter(db(), tenant, type, new Date());
  const [day] = await bookableDays(db(), counter, new Date());
  return bookableSlotsOn(db(), counter, day!, new Date());
}

const book = (type: AppointmentType, residentKey: string, startsAt: Date, residentId: string) =>
  db().transaction((tx) =>
    bookAppointment({
      tx,
      tenant,
      actor: { type: "resident", id: residentId },
      typeId: type.id,
      startsAt,
      holder: { residentId },
      channel: "web",
      bookedBy: null,
      locale: "ja",
      idempotencyKey: residentKey,
      preQuestions: null,
    }),
  );

describe("the weekly hours check", () => {
  it("accepts several periods a day and refuses bad times, reversed or short periods and overlaps", () => {
    const rows = (list: [string, string, string][]) => {
      const map = new Map(
        list.flatMap(([d, o, c], i) => [
          [`weekday_${i}`, d],
          [`opens_${i}`, o],
          [`closes_${i}`, c],
        ]),
      );
      return (name: string) => map.get(name) ?? "";
    };
    const ok = parseWeeklyHours(
      rows([
        ["1", "13:00", "15:00"],
        ["1", "09:00", "12:00"],
        ["", "", ""],
      ]),
      3,
      30,
    );
    expect(ok.errors).toEqual({});
    expect(ok.periods).toEqual([
      { weekday: 1, opens: "09:00", closes: "12:00" },
      { weekday: 1, opens: "13:00", closes: "15:00" },
    ]);
    const bad = parseWeeklyHours(
      rows([
        ["1", "9:00", "12:00"],
        ["2", "12:00", "11:00"],
        ["3", "09:00", "09:20"],
        ["4", "09:00", "12:00"],
        ["4", "11:30", "13:00"],
        ["9", "09:00", "10:00"],
      ]),
      6,
      30,
    );
    expect(Object.keys(bad.errors).toSorted()).toEqual([
      "closes_1",
      "closes_2",
      "opens_0",
      "opens_4",
      "weekday_5",
    ]);
    expect(bad.errors["opens_4"]).toEqual({
      ja: "同じ曜日の 09:00〜12:00 と重なっています",
      en: "This overlaps 09:00–12:00 on the same day",
    });
  });
});

describe("setting up a kind of appointment", () => {
  it("refuses bad settings with messages in both languages and writes nothing", async () => {
    const before = await db().select().from(appointmentTypes).where(eq(appointmentTypes.tenantId, tenant.id));
    const fields = await settingsOf({
      slug: "Bad Slug",
      name_ja: "",
      capacity_per_slot: "0",
      pre_question_form_slug: "no-such-form",
    });
    const ja = await send(manager, "/staff/appointments/types/new", fields);
    expect(ja.status).toBe(400);
    const page = await ja.text();
    expect(page).toContain("半角英小文字・数字・ハイフンの2〜60文字");
    expect(page).toContain("1から100までの整数で入力してください");
    expect(page).toContain("公開中のフォームから選んでください");
    expect(page).toContain("Bad Slug"); // the typed value is kept
    const en = await send(manager, "/staff/appointments/types/new?lang=en", fields);
    expect(en.status).toBe(400);
    expect(await en.text()).toContain("Enter a whole number from 1 to 100");
    // A department outside the manager's reach is not offered and is refused when posted.
    const road = await send(manager, "/staff/appointments/types/new", {
      ...(await settingsOf({ department_id: await departmentId("doro-ka") })),
      slug: "road",
    });
    expect(road.status).toBe(400);
    expect(await road.text()).toContain("担当できる所属から選んでください");
    const after = await db().select().from(appointmentTypes).where(eq(appointmentTypes.tenantId, tenant.id));
    expect(after).toHaveLength(before.length);
  });

  it("creates a type with its hours, audited with events, and residents can then book it", async () => {
    const created = await send(manager, "/staff/appointments/types/new", {
      ...(await settingsOf({ pre_question_form_slug: "okuyami-jizen" })),
      slug: "passport",
    });
    expect(created.status).toBe(303);
    const type = await typeBySlug("passport");
    expect(created.headers.get("location")).toBe(
      `/staff/appointments/types/${type.id}/settings?done=created`,
    );
    expect(type).toMatchObject({
      nameEn: "Passport advice",
      capacityPerSlot: 2,
      preQuestionFormSlug: "okuyami-jizen",
    });
    const again = await send(manager, "/staff/appointments/types/new", {
      ...(await settingsOf()),
      slug: "passport",
    });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("このアドレス名はすでに使われています");

    const overlapping = await send(manager, `/staff/appointments/types/${type.id}/hours`, {
      rows: "2",
      weekday_0: "1",
      opens_0: "09:00",
      closes_0: "12:00",
      weekday_1: "1",
      opens_1: "11:00",
      closes_1: "13:00",
    });
    expect(overlapping.status).toBe(400);
    expect(await db().select().from(openingHours).where(eq(openingHours.typeId, type.id))).toHaveLength(0);
    const hours = await send(manager, `/staff/appointments/types/${type.id}/hours`, weekdayHours());
    expect(hours.status).toBe(303);
    expect(await db().select().from(openingHours).where(eq(openingHours.typeId, type.id))).toHaveLength(10);

    const settings = await platform.request(site(`/staff/appointments/types/${type.id}/settings`), {
      headers: manager,
    });
    expect(settings.status).toBe(200);
    const settingsPage = await settings.text();
    expect(settingsPage).toContain('value="13:00"');
    for (const action of ["settings", "hours", "closures"]) {
      expect(settingsPage).toContain(`action="/staff/appointments/types/${type.id}/${action}"`);
    }

    const audits = await db()
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.resourceId, type.id));
    expect(audits.map((a) => a.action).toSorted()).toEqual([
      "appointments.type.create",
      "appointments.type.set_hours",
    ]);
    const events = await db().select().from(domainEvents).where(eq(domainEvents.tenantId, tenant.id));
    expect(events.filter((e) => e.payload["typeId"] === type.id).map((e) => e.name)).toEqual([
      "appointments.type_created",
      "appointments.type_hours_changed",
    ]);

    const list = await platform.request(site("/appointments"));
    expect(await list.text()).toContain("パスポート相談");
    expect(await firstFreeSlots(type)).toHaveLength(10);
  });

  it("lets only managers of the type's department change it, and keeps cities apart", async () => {
    const boshi = await typeBySlug("boshi-techo");
    const passport = await typeBySlug("passport");
    // 母子手帳 belongs to 子育て支援課, outside the 市民課 manager's departments.
    expect(
      (await platform.request(site(`/staff/appointments/types/${boshi.id}/settings`), { headers: manager }))
        .status,
    ).toBe(403);
    const refused = await send(manager, `/staff/appointments/types/${boshi.id}/settings`, await settingsOf());
    expect(refused.status).toBe(403);
    expect((await typeBySlug("boshi-techo")).nameJa).toBe("母子健康手帳の交付");
    const clerk = await platform.signInStaff("staff@tenohira.localhost");
    expect(
      (await send(clerk, `/staff/appointments/types/${passport.id}/settings`, await settingsOf())).status,
    ).toBe(403);
    expect((await platform.request(site("/staff/appointments/types/new"), { headers: clerk })).status).toBe(
      403,
    );
    const admin = await platform.signInStaff("admin@tenohira.localhost");
    expect(
      (await platform.request(site(`/staff/appointments/types/${boshi.id}/settings`), { headers: admin }))
        .status,
    ).toBe(200);
    // Another city's type is not found, even for the system administrator.
    expect(
      (await send(admin, `/staff/appointments/types/${otherType.id}/settings`, await settingsOf())).status,
    ).toBe(404);
    expect(
      (
        await send(admin, `/staff/appointments/types/${otherType.id}/closures`, {
          date: "2099-01-05",
          reason_ja: "x",
        })
      ).status,
    ).toBe(404);
    const [untouched] = await db()
      .select()
      .from(appointmentTypes)
      .where(eq(appointmentTypes.id, otherType.id));
    expect(untouched!.nameJa).toBe("よその市の窓口");
  });
});

describe("changes that would strand booked people", () => {
  it("refuses lowering capacity, narrowing hours or closing a day under upcoming appointments, listing them", async () => {
    const type = await typeBySlug("passport");
    const [slot] = await firstFreeSlots(type);
    const [hanako, jiro] = await Promise.all([
      platform.signInResident("hanako@example.jp"),
      platform.signInResident("jiro@example.jp"),
    ]);
    const first = await book(type, "cap-1", slot!.startsAt, hanako.residentId);
    await book(type, "cap-2", slot!.startsAt, jiro.residentId);

    const lower = await send(
      manager,
      `/staff/appointments/types/${type.id}/settings`,
      await settingsOf({ capacity_per_slot: "1" }),
    );
    expect(lower.status).toBe(409);
    const page = await lower.text();
    expect(page).toContain("予約が入っている枠の人数より少なくはできません");
    expect(page).toContain(first.appointment.reference);
    expect((await typeBySlug("passport")).capacityPerSlot).toBe(2);
    const raised = await send(
      manager,
      `/staff/appointments/types/${type.id}/settings`,
      await settingsOf({ capacity_per_slot: "3" }),
    );
    expect(raised.status).toBe(303);
    expect((await typeBySlug("passport")).capacityPerSlot).toBe(3);

    const longer = await send(
      manager,
      `/staff/appointments/types/${type.id}/settings?lang=en`,
      await settingsOf({ duration_minutes: "45" }),
    );
    expect(longer.status).toBe(409);
    expect(await longer.text()).toContain("these appointments would no longer match a slot");

    const afternoonsOnly: Record<string, string> = { rows: "5" };
    for (const [i, weekday] of [1, 2, 3, 4, 5].entries()) {
      Object.assign(afternoonsOnly, {
        [`weekday_${i}`]: String(weekday),
        [`opens_${i}`]: "13:00",
        [`closes_${i}`]: "15:00",
      });
    }
    const narrowed = await send(manager, `/staff/appointments/types/${type.id}/hours`, afternoonsOnly);
    expect(narrowed.status).toBe(409);
    const narrowedPage = await narrowed.text();
    expect(narrowedPage).toContain("新しい受付時間から外れます");
    expect(narrowedPage).toContain(first.appointment.reference);
    expect(await db().select().from(openingHours).where(eq(openingHours.typeId, type.id))).toHaveLength(10);

    const day = tokyoDate(slot!.startsAt);
    const closed = await send(manager, `/staff/appointments/types/${type.id}/closures`, {
      date: day,
      reason_ja: "研修",
      reason_en: "Training",
    });
    expect(closed.status).toBe(409);
    expect(await closed.text()).toContain(first.appointment.reference);
    expect(await db().select().from(closures).where(eq(closures.typeId, type.id))).toHaveLength(0);

    // A day without appointments closes, and opens again.
    const free = await send(manager, `/staff/appointments/types/${type.id}/closures`, {
      date: "2099-01-05",
      reason_ja: "研修",
      reason_en: "Training",
    });
    expect(free.status).toBe(303);
    const [closure] = await db().select().from(closures).where(eq(closures.typeId, type.id));
    expect(closure).toMatchObject({ date: "2099-01-05", reasonJa: "研修" });
    const removed = await send(
      manager,
      `/staff/appointments/types/${type.id}/closures/${closure!.id}/delete`,
      {},
    );
    expect(removed.status).toBe(303);
    expect(await db().select().from(closures).where(eq(closures.typeId, type.id))).toHaveLength(0);
    const actions = await db()
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.resourceId, closure!.id));
    expect(actions.map((a) => a.action).toSorted()).toEqual([
      "appointments.closure.add",
      "appointments.closure.remove",
    ]);
  });
});

describe("the confirmation messages", () => {
  it("tells the resident on booking, moving and cancelling, with the reference, time, place and .ics link", async () => {
    const type = await typeBySlug("passport");
    const taro = await platform.signInResident("taro@example.jp");
    const [slot, other] = (await firstFreeSlots(type)).slice(-2);
    const { appointment } = await book(type, "notice", slot!.startsAt, taro.residentId);
    await db().transaction((tx) =>
      rescheduleAppointment({
        tx,
        tenant,
        actor: { type: "staff", id: null },
        appointmentId: appointment.id,
        residentId: null,
        startsAt: other!.startsAt,
      }),
    );
    await db().transaction((tx) =>
      cancelAppointment({
        tx,
        tenant,
        actor: { type: "staff", id: null },
        appointmentId: appointment.id,
        residentId: null,
      }),
    );
    await platform.worker.drain();
    const sent = await db()
      .select({
        key: notificationTemplates.key,
        channel: notifications.channel,
        subject: notifications.subject,
        body: notifications.body,
      })
      .from(notifications)
      .innerJoin(notificationTemplates, eq(notificationTemplates.id, notifications.templateId))
      .where(
        and(
          eq(notifications.residentId, taro.residentId),
          eq(notifications.reference, appointment.reference),
        ),
      );
    expect(sent.map((m) => `${m.key}/${m.channel}`).toSorted()).toEqual([
      "appointments.booked/email",
      "appointments.booked/inbox",
      "appointments.cancelled/email",
      "appointments.cancelled/inbox",
      "appointments.rescheduled/email",
      "appointments.rescheduled/inbox",
    ]);
    const booked = sent.find((m) => m.key === "appointments.booked")!;
    expect(booked.subject).toContain("ご予約を承りました");
    expect(booked.body).toContain(appointment.reference);
    expect(booked.body).toContain("本庁舎1階 3番窓口");
    expect(booked.body).toContain(`/appointments/a/${appointment.id}/appointment.ics`);
    expect(sent.find((m) => m.key === "appointments.rescheduled")!.body).toContain(
      formatSlot(other!.startsAt, other!.endsAt, "ja"),
    );
  });
});
