import { eq, sql } from "drizzle-orm";
import type { Db } from "../../core/db/database.ts";
import { tenants } from "../../core/tenancy/schema.ts";
import { type FacilitySlot, listFacilityUnits, listUnitSlots } from "../facilities/index.ts";
import { createRound, type RoundRules } from "./operations/create-round.ts";
import type { Round } from "./schema.ts";

const DAY = 24 * 3600_000;

export async function demoTenantId(db: Db): Promise<string> {
  const [tenant] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, "tenohira"));
  return tenant!.id;
}

function isoDate(at: Date): string {
  return new Date(at.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
}

/** Free time blocks of a demo unit (by its Japanese name), starting `fromDays` days from now. */
export async function freeSlots(
  db: Db,
  o: { tenantId: string; unitName: string; count: number; fromDays: number },
): Promise<FacilitySlot[]> {
  const unit = (await listFacilityUnits(db, { tenantId: o.tenantId })).find((u) => u.name.ja === o.unitName);
  if (!unit) {
    throw new Error(`no unit ${o.unitName} in the demo city`);
  }
  const from = new Date(Date.now() + o.fromDays * DAY);
  const blocks = await listUnitSlots(db, {
    tenantId: o.tenantId,
    unitId: unit.id,
    from: isoDate(from),
    to: isoDate(new Date(from.getTime() + 20 * DAY)),
  });
  return blocks
    .filter((b) => b.state === "free")
    .slice(0, o.count)
    .map(({ unitId, startsAt, endsAt }) => ({ unitId, startsAt, endsAt }));
}

/** Rules of a round open for applications now, drawn in two days. */
export function openRules(overrides: Partial<RoundRules> = {}): RoundRules {
  const now = Date.now();
  return {
    title: { ja: "テスト抽選", en: "Test lottery" },
    applicationsOpenAt: new Date(now - 3600_000),
    applicationsCloseAt: new Date(now + DAY),
    drawAt: new Date(now + 2 * DAY),
    confirmBy: new Date(now + 5 * DAY),
    firstComeAt: new Date(now + 6 * DAY),
    maxEntriesPerApplicant: 8,
    maxWinsPerApplicant: 1,
    choicesPerEntry: 3,
    priorityTiers: [["resident"], ["non_resident"]],
    promotionConfirmDays: 3,
    ...overrides,
  };
}

export async function createTestRound(
  db: Db,
  o: { tenantId: string; slots: FacilitySlot[]; rules?: Partial<RoundRules> },
): Promise<Round> {
  return db.transaction((tx) =>
    createRound({
      tx,
      tenantId: o.tenantId,
      actor: { type: "system", id: null },
      rules: openRules(o.rules),
      slots: o.slots,
    }),
  );
}

/** Time passes: the round's application period is over (its later times keep their order). */
export async function closeApplications(db: Db, roundId: string): Promise<void> {
  await db.execute(
    sql`UPDATE lottery_rounds SET applications_open_at = now() - interval '2 days', applications_close_at = now() - interval '2 seconds', draw_at = now() - interval '1 second' WHERE id = ${roundId}`,
  );
}

/** A fixture through the facilities module's tables: an approved group the resident represents. */
export async function registerGroup(
  db: Db,
  o: { tenantId: string; residentId: string; name: string; userCategory?: string },
): Promise<void> {
  await db.execute(
    sql`INSERT INTO facilities_groups (tenant_id, name, normalized_name, representative_resident_id, user_category, status)
        VALUES (${o.tenantId}, ${o.name}, ${o.name}, ${o.residentId}, ${o.userCategory ?? "resident"}, 'approved')`,
  );
}

/** A fixture through the facilities module's tables: staff recorded the resident as 市外. */
export async function setUserCategory(
  db: Db,
  o: { tenantId: string; residentId: string; userCategory: string },
): Promise<void> {
  await db.execute(
    sql`INSERT INTO facilities_resident_categories (tenant_id, resident_id, user_category)
        VALUES (${o.tenantId}, ${o.residentId}, ${o.userCategory})`,
  );
}

/** A fixture through the facilities module's tables: no-show points enough to suspend under the default rules. */
export async function recordNoShows(
  db: Db,
  o: { tenantId: string; residentId: string; points: number },
): Promise<void> {
  // A booking of last week that the resident did not turn up for.
  await db.execute(
    sql`WITH missed AS (
          INSERT INTO facilities_bookings (tenant_id, unit_id, reference, resident_id, starts_at, ends_at, status, source)
          SELECT tenant_id, id, 'NS-' || gen_random_uuid(), ${o.residentId}, now() - interval '7 days',
                 now() - interval '7 days' + interval '1 hour', 'confirmed', 'resident'
          FROM facilities_units WHERE tenant_id = ${o.tenantId} LIMIT 1
          RETURNING tenant_id, id
        )
        INSERT INTO facilities_penalties (tenant_id, resident_id, booking_id, kind, points)
        SELECT tenant_id, ${o.residentId}, id, 'no_show', ${o.points} FROM missed`,
  );
}
