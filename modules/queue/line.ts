import { and, asc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "../../core/db/database.ts";
import {
  type QueueCategory,
  type QueueCounter,
  type QueueOffice,
  type QueueTicket,
  queueCategories,
  queueCounterCategories,
  queueCounters,
  queueOffices,
  queueTickets,
} from "./schema.ts";

/** The estimate switches from the configured minutes to the day's measured ones after this many served. */
const MEASURED_AFTER = 3;

export type CounterSetup = QueueCounter & { categoryIds: string[] };
export type OfficeSetup = {
  office: QueueOffice;
  categories: QueueCategory[];
  counters: CounterSetup[];
};

/** An office of the tenant with its categories and counters, or null. */
export async function loadOffice(db: Db, o: { tenantId: string; slug: string }): Promise<OfficeSetup | null> {
  const [office] = await db
    .select()
    .from(queueOffices)
    .where(and(eq(queueOffices.tenantId, o.tenantId), eq(queueOffices.slug, o.slug)));
  if (!office) {
    return null;
  }
  const categories = await db
    .select()
    .from(queueCategories)
    .where(and(eq(queueCategories.officeId, office.id), isNull(queueCategories.removedAt)))
    .orderBy(asc(queueCategories.sortOrder), asc(queueCategories.prefix));
  const counters = await db
    .select()
    .from(queueCounters)
    .where(and(eq(queueCounters.officeId, office.id), isNull(queueCounters.removedAt)))
    .orderBy(asc(queueCounters.number));
  const links =
    counters.length === 0
      ? []
      : await db
          .select()
          .from(queueCounterCategories)
          .where(
            inArray(
              queueCounterCategories.counterId,
              counters.map((c) => c.id),
            ),
          );
  return {
    office,
    categories,
    counters: counters.map((counter) => ({
      ...counter,
      categoryIds: links.filter((l) => l.counterId === counter.id).map((l) => l.categoryId),
    })),
  };
}

export type CategoryWait = {
  category: QueueCategory;
  waiting: number;
  /** Minutes a ticket taken now would wait, roughly. */
  estimatedMinutes: number;
  minutesPerTicket: number;
  servingCounters: number;
};

/** Minutes one ticket takes: the day's measured average once there are enough, else the configured value. */
async function minutesPerTicket(db: Db, category: QueueCategory, serviceDate: string): Promise<number> {
  const [measured] = await db
    .select({
      served: sql<number>`count(*)::int`,
      minutes: sql<
        number | null
      >`avg(extract(epoch from (${queueTickets.finishedAt} - ${queueTickets.calledAt})) / 60)::float8`,
    })
    .from(queueTickets)
    .where(
      and(
        eq(queueTickets.categoryId, category.id),
        eq(queueTickets.serviceDate, serviceDate),
        eq(queueTickets.status, "done"),
      ),
    );
  if (measured && measured.served >= MEASURED_AFTER && measured.minutes !== null) {
    return Math.max(1, measured.minutes);
  }
  return category.averageServiceMinutes;
}

/** Minutes until `ahead` people are served by `counters` counters working in parallel. */
export function estimateMinutes(ahead: number, minutesPerTicket: number, counters: number): number {
  return Math.ceil((ahead * minutesPerTicket) / Math.max(1, counters));
}

/** People waiting and the estimated wait of each category of an office's day. */
export async function categoryWaits(
  db: Db,
  setup: OfficeSetup,
  serviceDate: string,
): Promise<CategoryWait[]> {
  const counts = await db
    .select({ categoryId: queueTickets.categoryId, waiting: sql<number>`count(*)::int` })
    .from(queueTickets)
    .where(
      and(
        eq(queueTickets.officeId, setup.office.id),
        eq(queueTickets.serviceDate, serviceDate),
        eq(queueTickets.status, "waiting"),
      ),
    )
    .groupBy(queueTickets.categoryId);
  return Promise.all(
    setup.categories.map(async (category) => {
      const waiting = counts.find((c) => c.categoryId === category.id)?.waiting ?? 0;
      const perTicket = await minutesPerTicket(db, category, serviceDate);
      const servingCounters = setup.counters.filter((c) => c.categoryIds.includes(category.id)).length;
      return {
        category,
        waiting,
        minutesPerTicket: perTicket,
        servingCounters,
        estimatedMinutes: estimateMinutes(waiting, perTicket, servingCounters),
      };
    }),
  );
}

export type TicketPlace = { ahead: number; estimatedMinutes: number };

/** How many of the ticket's category are still before it, and about how long that takes. */
export async function ticketPlace(db: Db, setup: OfficeSetup, ticket: QueueTicket): Promise<TicketPlace> {
  const [row] = await db
    .select({ ahead: sql<number>`count(*)::int` })
    .from(queueTickets)
    .where(
      and(
        eq(queueTickets.officeId, ticket.officeId),
        eq(queueTickets.serviceDate, ticket.serviceDate),
        eq(queueTickets.categoryId, ticket.categoryId),
        eq(queueTickets.status, "waiting"),
        lt(queueTickets.number, ticket.number),
      ),
    );
  const ahead = row?.ahead ?? 0;
  const category = setup.categories.find((c) => c.id === ticket.categoryId)!;
  const servingCounters = setup.counters.filter((c) => c.categoryIds.includes(category.id)).length;
  return {
    ahead,
    estimatedMinutes: estimateMinutes(
      ahead,
      await minutesPerTicket(db, category, ticket.serviceDate),
      servingCounters,
    ),
  };
}

export type BoardRow = { counter: CounterSetup; ticket: QueueTicket | null };

/** What each counter is calling now, and the next waiting tickets in line. */
export async function boardOf(
  db: Db,
  setup: OfficeSetup,
  serviceDate: string,
  nextCount = 5,
): Promise<{ rows: BoardRow[]; next: QueueTicket[] }> {
  const called = await db
    .select()
    .from(queueTickets)
    .where(
      and(
        eq(queueTickets.officeId, setup.office.id),
        eq(queueTickets.serviceDate, serviceDate),
        eq(queueTickets.status, "called"),
      ),
    );
  const next = await db
    .select()
    .from(queueTickets)
    .where(
      and(
        eq(queueTickets.officeId, setup.office.id),
        eq(queueTickets.serviceDate, serviceDate),
        eq(queueTickets.status, "waiting"),
      ),
    )
    .orderBy(asc(queueTickets.number))
    .limit(nextCount);
  return {
    rows: setup.counters.map((counter) => ({
      counter,
      ticket: called.find((t) => t.counterId === counter.id) ?? null,
    })),
    next,
  };
}
