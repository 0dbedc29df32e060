import { eq } from "drizzle-orm";
import { tokyoDate } from "../../core/calendar/business-days.ts";
import type { Db } from "../../core/db/database.ts";
import { residents } from "../../core/identity/schema.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import type { ResidentTestSession, TestPlatform } from "../../core/testing/test-platform.ts";
import { addDays, blocksOfDay, closedReason, isWeekendOrHoliday } from "./calendar.ts";
import { rulesOf, unitWithFacility } from "./data.ts";
import { facilities, facilityUnits } from "./schema.ts";

/** Test fixtures: the demo city's units, open dates, residents, and paying through the test provider. */

export async function demoTenantId(platform: TestPlatform): Promise<string> {
  const [tenant] = await platform.services.database.db
    .select({ id: tenants.id })
    .from(tenants)
    .where(eq(tenants.slug, "tenohira"));
  return tenant!.id;
}

/** The units of a tenant by Japanese name (アリーナ A面, 会議室1, 和室…). */
export async function unitsByName(db: Db, tenantId: string): Promise<Record<string, string>> {
  const rows = await db
    .select({ id: facilityUnits.id, name: facilityUnits.nameJa, slug: facilities.slug })
    .from(facilityUnits)
    .innerJoin(facilities, eq(facilities.id, facilityUnits.facilityId))
    .where(eq(facilityUnits.tenantId, tenantId));
  return Object.fromEntries(rows.map((r) => [r.name, r.id]));
}

/**
 * A weekday at least `offset` days ahead on which the unit's facility is open and no surcharge applies, so
 * fees are the base ones whatever day the tests run.
 */
export async function openWeekday(db: Db, tenantId: string, unitId: string, offset: number): Promise<string> {
  const { facility } = await unitWithFacility(db, tenantId, unitId);
  const calendar = {
    weeklyClosedDay: facility.weeklyClosedDay,
    closedDayOnHoliday: facility.closedDayOnHoliday,
    yearEndClosure: { from: "12-29", to: "01-03" },
    closures: [],
  };
  for (let date = addDays(tokyoDate(new Date()), offset); ; date = addDays(date, 1)) {
    if (!isWeekendOrHoliday(date) && !closedReason(calendar, date)) {
      return date;
    }
  }
}

/** The unit's block of a date by code (morning, afternoon, evening, or h0900 for hourly units). */
export async function slotOf(db: Db, tenantId: string, unitId: string, date: string, code: string) {
  const { unit } = await unitWithFacility(db, tenantId, unitId);
  const block = blocksOfDay(unit.schedule, date).find((b) => b.code === code)!;
  return { startsAt: block.startsAt, endsAt: block.endsAt };
}

export async function insertResident(db: Db, tenantId: string, email: string): Promise<string> {
  const [row] = await db.insert(residents).values({ tenantId, email }).returning({ id: residents.id });
  return row!.id;
}

export async function windowDaysOf(db: Db, tenantId: string, category: string): Promise<number> {
  return (await rulesOf(db, tenantId)).userCategories.find((c) => c.code === category)!.bookingWindowDays;
}

/**
 * Pays a payment at the test provider as the resident would: start, card 4242…, back to the city, which
 * learns the result; then the worker runs the subscribers (confirmation, key).
 */
export async function payAtTestProvider(
  platform: TestPlatform,
  session: ResidentTestSession,
  payPath: string,
  card = "4242424242424242",
  /** False leaves the payment's subscribers unrun: paid at the provider, the booking not yet confirmed. */
  runSubscribers = true,
): Promise<void> {
  const headers = { cookie: session.cookie };
  const started = await platform.request(`${payPath}/start`, {
    method: "POST",
    headers,
    body: new URLSearchParams({ _csrf: session.csrf }),
  });
  if (started.status !== 303) {
    throw new Error(`starting the payment answered ${started.status}`);
  }
  const providerPage = new URL(started.headers.get("location")!, "http://localhost");
  const paid = await platform.request(providerPage.pathname, {
    method: "POST",
    headers,
    body: new URLSearchParams({ _csrf: session.csrf, card, _action: "pay" }),
  });
  if (paid.status !== 303) {
    throw new Error(`paying answered ${paid.status}`);
  }
  const back = new URL(paid.headers.get("location")!, "http://localhost");
  await platform.request(back.pathname, { headers });
  if (runSubscribers) {
    await platform.worker.drain();
  }
}
