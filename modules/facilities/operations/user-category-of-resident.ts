import { and, eq } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import { rulesOf } from "../data.ts";
import { residentCategories } from "../schema.ts";

/**
 * The resident's user category for fees and priority when booking alone: the one staff set (e.g.
 * "non_resident", 市外), else the city's default (e.g. "resident", 市内).
 */
export async function userCategoryOfResident(
  db: Db,
  o: { tenantId: string; residentId: string },
): Promise<string> {
  const [row] = await db
    .select({ userCategory: residentCategories.userCategory })
    .from(residentCategories)
    .where(and(eq(residentCategories.tenantId, o.tenantId), eq(residentCategories.residentId, o.residentId)));
  return row?.userCategory ?? (await rulesOf(db, o.tenantId)).defaultUserCategory;
}
