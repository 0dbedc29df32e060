import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../core/audit/schema.ts";
import { tokyoDate } from "../../core/calendar/business-days.ts";
import { domainEvents } from "../../core/events/schema.ts";
import { notifications } from "../../core/notifications/schema.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import {
  createTestPlatform,
  type ResidentTestSession,
  type TestPlatform,
} from "../../core/testing/test-platform.ts";
import { paymentsOfSubject } from "../payments/index.ts";
import { addDays, weekdayOf } from "./calendar.ts";
import { rulesOf } from "./data.ts";
import { saveFacilityRules } from "./operations/save-facility-rules.ts";
import { defaultFacilityRules } from "./rules.ts";
import {
  bookings,
  facilities,
  facilityClosures,
  facilityGroups,
  facilityRules,
  facilityUnits,
  residentCategories,
} from "./schema.ts";
import { insertSampleFacilities } from "./seeds.ts";
import { rulesValues } from "./setup-pages.ts";
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
let otherTenantId: string;
let units: Record<string, string>;
let alice: ResidentTestSession;
let manager: Record<string, string>;
const db = () => platform.services.database.db;

beforeAll(async () => {
  platform = await createTestPlatform();
  tenantId = await demoTenantId(platform);
  units = await unitsByName(db(), tenantId);
  // Made before the first request: the tenant resolver caches the list of cities.
  const [other] = await db()
    .insert(tenants)
    .values({
      municipalityCode: "990043",
      slug: "setup-other-city",
      nameJa: "よその市",
      nameEn: "Other City",
      hosts: ["other.localhost"],
    })
    .returning();
  otherTenantId = other!.id;
  await db().transaction((tx) => insertSampleFacilities(tx, otherTenantId));
  alice = await platform.signInResident("setup-alice@example.jp");
  manager = await platform.signInStaff("manager@tenohira.localhost");
});
afterAll(() => platform.close());

function post(session: Record<string, string>, path: string, fields: Record<string, string>) {
  return platform.request(path, {
    method: "POST",
    headers: { cookie: session["cookie"]! },
    body: new URLSearchParams({ _csrf: session["x-csrf-token"]!, ...fields }),
  });
}

async function book(unit: string, offset: number, code: string) {
  const date = await openWeekday(db(), tenantId, units[unit]!, offset);
  const slot = await slotOf(db(), tenantId, units[unit]!, date, code);
  const response = await platform.request("/api/facilities/bookings", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      cookie: alice.cookie,
      "x-csrf-token": alice.csrf,
      "idempotency-key": crypto.randomUUID(),
    },
    body: JSON.stringify({
      unitId: units[unit],
      startsAt: slot.startsAt.toISOString(),
      endsAt: slot.endsAt.toISOString(),
    }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as {
    booking: { id: string; reference: string; fee: number; startsAt: string };
    payPath: string | null;
  };
}

async function facilityIdOf(unitName: string): Promise<string> {
  const [unit] = await db().select().from(facilityUnits).where(eq(facilityUnits.id, units[unitName]!));
  return unit!.facilityId;
}

const twoBlocks = {
  "name.ja": "多目的室",
  "name.en": "Multipurpose room",
  capacity: "30",
  "schedule.kind": "blocks",
  "schedule.blocks.0.label.ja": "午前",
  "schedule.blocks.0.label.en": "Morning",
  "schedule.blocks.0.start": "09:00",
  "schedule.blocks.0.end": "12:00",
  "schedule.blocks.0.fee": "1200",
  "schedule.blocks.1.label.ja": "",
  "schedule.blocks.1.label.en": "",
  "schedule.blocks.1.start": "",
  "schedule.blocks.1.end": "",
  "schedule.blocks.1.fee": "",
  "schedule.blocks.2.label.ja": "午後",
  "schedule.blocks.2.label.en": "Afternoon",
  "schedule.blocks.2.start": "13:00",
  "schedule.blocks.2.end": "17:00",
  "schedule.blocks.2.fee": "1500",
};

describe("who may set facilities up", () => {
  it("lets department managers in and answers 403 to staff and viewers without the verb", async () => {
    const facilityId = await facilityIdOf("アリーナ A面");
    for (const path of [
      "/staff/facilities/setup",
      "/staff/facilities/setup/new",
      "/staff/facilities/setup/rules",
      `/staff/facilities/setup/${facilityId}`,
      `/staff/facilities/setup/${facilityId}/units/new`,
      `/staff/facilities/setup/${facilityId}/units/${units["アリーナ A面"]}`,
    ]) {
      const page = await platform.request(path, { headers: { cookie: manager["cookie"]! } });
      expect(page.status, path).toBe(200);
    }
    for (const email of ["staff@tenohira.localhost", "viewer@tenohira.localhost"]) {
      const member = await platform.signInStaff(email);
      const page = await platform.request("/staff/facilities/setup", {
        headers: { cookie: member["cookie"]! },
      });
      expect(page.status).toBe(403);
      const saved = await post(member, "/staff/facilities/setup/rules", rulesValues(defaultFacilityRules));
      expect(saved.status).toBe(403);
      const added = await post(member, `/staff/facilities/setup/${facilityId}/units/new`, twoBlocks);
      expect(added.status).toBe(403);
    }
    expect(await db().select().from(facilityUnits).where(eq(facilityUnits.nameJa, "多目的室"))).toEqual([]);
  });
});

describe("setting up a facility and its units", () => {
  it("creates a facility and a unit with two time blocks, each one operation with audit and event", async () => {
    const created = await post(manager, "/staff/facilities/setup/new", {
      slug: "kita-kouminkan",
      "name.ja": "北公民館",
      "name.en": "North Community Hall",
      "address.ja": "北町1-1",
      "address.en": "1-1 Kita-machi",
      ordinanceRef: "てのひら市公民館条例 別表",
      weeklyClosedDay: "3",
      closedDayOnHoliday: "open",
    });
    expect(created.status).toBe(303);
    const [facility] = await db().select().from(facilities).where(eq(facilities.slug, "kita-kouminkan"));
    expect(facility).toMatchObject({
      tenantId,
      weeklyClosedDay: 3,
      closedDayOnHoliday: "open",
      yearEndClosure: null,
    });
    expect(created.headers.get("location")).toBe(`/staff/facilities/setup/${facility!.id}`);

    const unit = await post(manager, `/staff/facilities/setup/${facility!.id}/units/new`, twoBlocks);
    expect(unit.status).toBe(303);
    const [row] = await db().select().from(facilityUnits).where(eq(facilityUnits.facilityId, facility!.id));
    expect(row!.schedule).toEqual({
      kind: "blocks",
      blocks: [
        { code: "b1", label: { ja: "午前", en: "Morning" }, start: "09:00", end: "12:00", fee: 1200 },
        { code: "b2", label: { ja: "午後", en: "Afternoon" }, start: "13:00", end: "17:00", fee: 1500 },
      ],
    });
    const audit = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "facilities.unit.create"), eq(auditLog.resourceId, row!.id)));
    expect(audit).toHaveLength(1);
    const events = await db()
      .select()
      .from(domainEvents)
      .where(eq(domainEvents.name, "facilities.unit_created"));
    expect(events.some((e) => e.payload["unitId"] === row!.id)).toBe(true);
    const facilityEvents = await db()
      .select()
      .from(domainEvents)
      .where(eq(domainEvents.name, "facilities.facility_created"));
    expect(facilityEvents.some((e) => e.payload["facilityId"] === facility!.id)).toBe(true);

    // A slug already used is refused on its field, the typed values kept.
    const again = await post(manager, "/staff/facilities/setup/new", {
      slug: "kita-kouminkan",
      "name.ja": "北公民館の二",
      "name.en": "Second",
    });
    expect(again.status).toBe(409);
    const page = await again.text();
    expect(page).toContain('id="f-slug-error"');
    expect(page).toContain("北公民館の二");
  });

  it("refuses bad fields one by one, in Japanese and English, keeping what was typed and writing nothing", async () => {
    const facilityId = await facilityIdOf("アリーナ A面");
    const before = await db().select().from(facilityUnits).where(eq(facilityUnits.tenantId, tenantId));
    const bad = {
      ...twoBlocks,
      "name.ja": "会議室Z",
      "name.en": "",
      capacity: "many",
      "schedule.blocks.2.start": "13:00",
      "schedule.blocks.2.end": "12:30",
      "schedule.blocks.2.fee": "1500",
    };
    for (const [lang, message] of [
      ["ja", "開始より後の時刻にしてください"],
      ["en", "Must be after the start"],
    ] as const) {
      const refused = await post(
        manager,
        `/staff/facilities/setup/${facilityId}/units/new?lang=${lang}`,
        bad,
      );
      expect(refused.status).toBe(400);
      const page = await refused.text();
      // The error of the form's third row lands on that row, not on the settings' second block.
      expect(page).toMatch(new RegExp(`id="f-schedule\\.blocks\\.2\\.end-error">${message}`));
      expect(page).toContain('id="f-name.en-error"');
      expect(page).toContain('id="f-capacity-error"');
      expect(page).toContain('value="会議室Z"');
      expect(page).toContain('value="many"');
    }
    expect(await db().select().from(facilityUnits).where(eq(facilityUnits.tenantId, tenantId))).toHaveLength(
      before.length,
    );

    const rules = rulesValues(defaultFacilityRules);
    const badRules = await post(manager, "/staff/facilities/setup/rules", {
      ...rules,
      "userCategories.1.feeCoefficient": "-1",
      "refundTable.0.percent": "150",
      defaultUserCategory: "nobody",
    });
    expect(badRules.status).toBe(400);
    const rulesPage = await badRules.text();
    expect(rulesPage).toContain('id="f-userCategories.1.feeCoefficient-error"');
    expect(rulesPage).toContain('id="f-refundTable.0.percent-error"');
    expect(rulesPage).toContain('value="150"');
    expect(rulesPage).toContain('value="nobody"');
  });
});

describe("rules and fees take effect at once", () => {
  it("uses a changed fee coefficient and a changed unit fee in the very next quote", async () => {
    expect((await book("アリーナ B面", 20, "morning")).booking.fee).toBe(2000);
    const doubled = await post(manager, "/staff/facilities/setup/rules", {
      ...rulesValues(await rulesOf(db(), tenantId)),
      "userCategories.0.feeCoefficient": "2",
    });
    expect(doubled.status).toBe(303);
    expect((await book("アリーナ B面", 20, "afternoon")).booking.fee).toBe(5200);

    const facilityId = await facilityIdOf("アリーナ B面");
    const [unit] = await db()
      .select()
      .from(facilityUnits)
      .where(eq(facilityUnits.id, units["アリーナ B面"]!));
    if (unit!.schedule.kind !== "blocks") {
      throw new Error("アリーナ B面 is booked by block");
    }
    const fields: Record<string, string> = {
      "name.ja": unit!.nameJa,
      "name.en": unit!.nameEn,
      capacity: "50",
    };
    fields["schedule.kind"] = "blocks";
    unit!.schedule.blocks.forEach((b, i) => {
      Object.assign(fields, {
        [`schedule.blocks.${i}.code`]: b.code,
        [`schedule.blocks.${i}.label.ja`]: b.label.ja,
        [`schedule.blocks.${i}.label.en`]: b.label.en,
        [`schedule.blocks.${i}.start`]: b.start,
        [`schedule.blocks.${i}.end`]: b.end,
        [`schedule.blocks.${i}.fee`]: b.code === "evening" ? "3000" : String(b.fee),
      });
    });
    const changed = await post(manager, `/staff/facilities/setup/${facilityId}/units/${unit!.id}`, fields);
    expect(changed.status).toBe(303);
    expect((await book("アリーナ B面", 20, "evening")).booking.fee).toBe(6000);

    // Back to the city's rules; two saves in the same instant still move the cache's version forward.
    const versions: number[] = [];
    for (const rules of [{ ...defaultFacilityRules, feeRoundingYen: 100 }, defaultFacilityRules]) {
      await saveFacilityRules({ db: db(), tenantId, actor: { type: "system", id: null }, rules });
      const [row] = await db().select().from(facilityRules).where(eq(facilityRules.tenantId, tenantId));
      versions.push(row!.updatedAt.getTime());
    }
    expect(versions[1]).toBeGreaterThan(versions[0]!);
    expect((await rulesOf(db(), tenantId)).feeRoundingYen).toBe(10);
    const audit = await db().select().from(auditLog).where(eq(auditLog.action, "facilities.rules.update"));
    expect(audit.length).toBeGreaterThanOrEqual(3);
    const events = await db()
      .select()
      .from(domainEvents)
      .where(eq(domainEvents.name, "facilities.rules_updated"));
    expect(events.length).toBe(audit.length);
  });

  it("refuses to remove a user category a group or a resident still has", async () => {
    const residentId = await insertResident(db(), tenantId, "setup-commercial@example.jp");
    await db().insert(facilityGroups).values({
      tenantId,
      name: "てのひら商事",
      normalizedName: "てのひら商事",
      representativeResidentId: residentId,
      userCategory: "commercial",
    });
    const rules = rulesValues(defaultFacilityRules);
    const removing = { ...rules, "userCategories.2.remove": "1" };
    const refused = await post(manager, "/staff/facilities/setup/rules", removing);
    expect(refused.status).toBe(409);
    const page = await refused.text();
    expect(page).toContain("commercial");
    expect(page).toMatch(/name="userCategories\.2\.remove" value="1" checked/);
    expect((await rulesOf(db(), tenantId)).userCategories.map((c) => c.code)).toContain("commercial");

    await db().delete(facilityGroups).where(eq(facilityGroups.representativeResidentId, residentId));
    await db().insert(residentCategories).values({ tenantId, residentId, userCategory: "commercial" });
    expect((await post(manager, "/staff/facilities/setup/rules", removing)).status).toBe(409);
    await db().delete(residentCategories).where(eq(residentCategories.residentId, residentId));
    expect((await post(manager, "/staff/facilities/setup/rules", removing)).status).toBe(303);
    expect((await rulesOf(db(), tenantId)).userCategories.map((c) => c.code)).toEqual([
      "resident",
      "non_resident",
    ]);
    await saveFacilityRules({
      db: db(),
      tenantId,
      actor: { type: "system", id: null },
      rules: defaultFacilityRules,
    });
  });
});

describe("changes that fall on bookings", () => {
  it("refuses a closure over live bookings with their list, or cancels them with a full refund and notice", async () => {
    const paid = await book("アリーナ A面", 25, "morning");
    await payAtTestProvider(platform, alice, paid.payPath!);
    const unpaid = await book("アリーナ A面", 25, "afternoon");
    const date = tokyoDate(new Date(paid.booking.startsAt));
    const facilityId = await facilityIdOf("アリーナ A面");
    const closure = {
      fromDate: date,
      toDate: date,
      "reason.ja": "床の改修",
      "reason.en": "Floor repairs",
    };
    const refused = await post(manager, `/staff/facilities/setup/${facilityId}/closures`, closure);
    expect(refused.status).toBe(409);
    const page = await refused.text();
    expect(page).toContain(paid.booking.reference);
    expect(page).toContain(unpaid.booking.reference);
    expect(page).toContain('value="床の改修"');
    expect(
      await db().select().from(facilityClosures).where(eq(facilityClosures.facilityId, facilityId)),
    ).toEqual([]);
    expect((await db().select().from(bookings).where(eq(bookings.id, paid.booking.id)))[0]!.status).toBe(
      "confirmed",
    );

    const done = await post(manager, `/staff/facilities/setup/${facilityId}/closures`, {
      ...closure,
      cancelAffected: "1",
    });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toContain("cancelled=2");
    const [cancelled] = await db().select().from(bookings).where(eq(bookings.id, paid.booking.id));
    expect(cancelled).toMatchObject({
      status: "cancelled",
      cancelReason: "facility_change",
      refundAmount: paid.booking.fee,
    });
    await platform.worker.drain();
    const payments = await paymentsOfSubject({
      db: db(),
      tenantId,
      subject: { module: "facilities", type: "facilities_booking", id: paid.booking.id },
    });
    expect(payments.find((p) => p.state === "success")!.refundedAmount).toBe(paid.booking.fee);
    expect((await db().select().from(bookings).where(eq(bookings.id, unpaid.booking.id)))[0]!.status).toBe(
      "cancelled",
    );
    const [added] = await db()
      .select()
      .from(facilityClosures)
      .where(eq(facilityClosures.facilityId, facilityId));
    expect(added).toMatchObject({ fromDate: date, toDate: date, reasonJa: "床の改修" });
    const events = await db()
      .select()
      .from(domainEvents)
      .where(eq(domainEvents.name, "facilities.closure_added"));
    expect(
      events.find((e) => e.payload["closureId"] === added!.id)!.payload["cancelledBookingIds"],
    ).toHaveLength(2);
    const sent = await db()
      .select()
      .from(notifications)
      .where(eq(notifications.reference, paid.booking.reference));
    expect(sent.some((n) => n.body.includes("臨時休館または利用時間の変更"))).toBe(true);

    // The slot is closed for residents now; removing the closure opens it again.
    const slots = await platform.request(
      `/api/facilities/units/${units["アリーナ A面"]}/slots?from=${date}&to=${date}`,
    );
    expect(((await slots.json()) as { slots: unknown[] }).slots).toEqual([]);
    expect(
      (await post(manager, `/staff/facilities/setup/${facilityId}/closures/${added!.id}/remove`, {})).status,
    ).toBe(303);
    expect(await db().select().from(facilityClosures).where(eq(facilityClosures.id, added!.id))).toEqual([]);
    const removed = await db()
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "facilities.closure.delete"));
    expect(removed.some((a) => a.resourceId === added!.id)).toBe(true);
  });

  it("refuses a schedule or closed-day change that leaves a booking off the new setup", async () => {
    const booked = await book("会議室1", 26, "h1000");
    const facilityId = await facilityIdOf("会議室1");
    const unitId = units["会議室1"]!;
    const hourly = {
      "name.ja": "会議室1",
      "name.en": "Meeting room 1",
      capacity: "20",
      "schedule.kind": "hourly",
      "schedule.opens": "13:00",
      "schedule.closes": "21:00",
      "schedule.feePerHour": "400",
    };
    const refused = await post(manager, `/staff/facilities/setup/${facilityId}/units/${unitId}`, hourly);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain(booked.booking.reference);
    const [unchanged] = await db().select().from(facilityUnits).where(eq(facilityUnits.id, unitId));
    expect(unchanged!.schedule).toMatchObject({ opens: "09:00" });

    // Moving the weekly closed day onto the booking's weekday is refused the same way.
    const [hall] = await db().select().from(facilities).where(eq(facilities.id, facilityId));
    const day = weekdayOf(tokyoDate(new Date(booked.booking.startsAt)));
    const closedDay = await post(manager, `/staff/facilities/setup/${facilityId}`, {
      slug: hall!.slug,
      "name.ja": hall!.nameJa,
      "name.en": hall!.nameEn,
      weeklyClosedDay: String(day),
      closedDayOnHoliday: "closed",
    });
    expect(closedDay.status).toBe(409);
    expect(await closedDay.text()).toContain(booked.booking.reference);

    const moved = await post(manager, `/staff/facilities/setup/${facilityId}/units/${unitId}`, {
      ...hourly,
      cancelAffected: "1",
    });
    expect(moved.status).toBe(303);
    const [row] = await db().select().from(bookings).where(eq(bookings.id, booked.booking.id));
    expect(row).toMatchObject({ status: "cancelled", cancelReason: "facility_change" });
    const events = await db()
      .select()
      .from(domainEvents)
      .where(eq(domainEvents.name, "facilities.unit_updated"));
    expect(
      events.some((e) => (e.payload["cancelledBookingIds"] as string[]).includes(booked.booking.id)),
    ).toBe(true);
  });
});

describe("tenant isolation", () => {
  it("keeps a manager of this city away from the other city's facilities and rules", async () => {
    const otherUnits = await unitsByName(db(), otherTenantId);
    const [theirUnit] = await db()
      .select()
      .from(facilityUnits)
      .where(eq(facilityUnits.id, otherUnits["アリーナ A面"]!));
    const theirs = theirUnit!.facilityId;
    const headers = { cookie: manager["cookie"]! };
    expect((await platform.request(`/staff/facilities/setup/${theirs}`, { headers })).status).toBe(404);
    expect(
      (await platform.request(`/staff/facilities/setup/${theirs}/units/${theirUnit!.id}`, { headers }))
        .status,
    ).toBe(404);
    const closure = await post(manager, `/staff/facilities/setup/${theirs}/closures`, {
      fromDate: addDays(tokyoDate(new Date()), 3),
      toDate: addDays(tokyoDate(new Date()), 3),
      "reason.ja": "点検",
      "reason.en": "Inspection",
    });
    expect(closure.status).toBe(404);
    const unit = await post(manager, `/staff/facilities/setup/${theirs}/units/${theirUnit!.id}`, twoBlocks);
    expect(unit.status).toBe(404);
    expect(await db().select().from(facilityClosures).where(eq(facilityClosures.facilityId, theirs))).toEqual(
      [],
    );
    const [after] = await db().select().from(facilityUnits).where(eq(facilityUnits.id, theirUnit!.id));
    expect(after!.nameJa).toBe("アリーナ A面");
    const list = await (await platform.request("/staff/facilities/setup", { headers })).text();
    expect(list).not.toContain(theirs);
    // Saving this city's rules leaves the other city's alone.
    await post(manager, "/staff/facilities/setup/rules", {
      ...rulesValues(defaultFacilityRules),
      paymentDeadlineMinutes: "45",
    });
    expect((await rulesOf(db(), otherTenantId)).paymentDeadlineMinutes).toBe(30);
    expect((await rulesOf(db(), tenantId)).paymentDeadlineMinutes).toBe(45);
  });
});
