import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/database.ts";
import { type Case, cases } from "../schema.ts";

export type FindCaseBySubjectOptions = { db: Db; tenantId: string; subjectType: string; subjectId: string };

/** The case of a module's thing (e.g. an application), or null when none was opened for it. */
export async function findCaseBySubject(o: FindCaseBySubjectOptions): Promise<Case | null> {
  const [found] = await o.db
    .select()
    .from(cases)
    .where(
      and(
        eq(cases.tenantId, o.tenantId),
        eq(cases.subjectType, o.subjectType),
        eq(cases.subjectId, o.subjectId),
      ),
    );
  return found ?? null;
}
