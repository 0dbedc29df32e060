import { and, eq } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import { problems } from "../../../core/http/problem.ts";
import { hashSecret } from "../../../core/identity/auth-flows.ts";
import { calendarFeeds } from "../schema.ts";
import { type ResidentBooking, readResidentBookings } from "./read-resident-bookings.ts";

export type ReadCalendarFeedOptions = { db: Db; tenantId: string; token: string };

/** The bookings behind a secret feed token of this city; an unknown token is not found. */
export async function readCalendarFeed(o: ReadCalendarFeedOptions): Promise<ResidentBooking[]> {
  const [feed] = await o.db
    .select({ residentId: calendarFeeds.residentId })
    .from(calendarFeeds)
    .where(and(eq(calendarFeeds.tenantId, o.tenantId), eq(calendarFeeds.tokenHash, hashSecret(o.token))));
  if (!feed) {
    throw problems.notFound();
  }
  return readResidentBookings({ db: o.db, tenantId: o.tenantId, residentId: feed.residentId });
}
