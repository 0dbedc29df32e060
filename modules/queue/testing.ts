import { eq } from "drizzle-orm";
import type { Db } from "../../core/db/database.ts";
import { queueOffices } from "./schema.ts";

const allDay = { opens: "00:00", closes: "24:00" };

/**
 * Test fixture: keeps an office open at every hour of every day, holidays included, so tests that take
 * tickets "now" pass whenever they run.
 */
export async function openAllDay(db: Db, officeId: string): Promise<void> {
  await db
    .update(queueOffices)
    .set({ hours: Array.from({ length: 7 }, () => allDay), closedOnHolidays: false })
    .where(eq(queueOffices.id, officeId));
}
