import { and, asc, eq } from "drizzle-orm";
import type { Actor } from "../../audit/actor.ts";
import { recordAudit } from "../../audit/record-audit.ts";
import type { Db } from "../../db/database.ts";
import { problems } from "../../http/problem.ts";
import { staffAccounts } from "../../identity/schema.ts";
import { selectCaseViews } from "../case-views.ts";
import { type CaseEntryRow, caseEntries, caseRatings, cases } from "../schema.ts";
import { slaOf } from "../sla.ts";
import { type CaseListEntry, slaClock } from "./find-cases.ts";
import type { CaseRating } from "./rate-case.ts";

export type GetCaseOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  caseId: string;
  now?: Date;
  requestId?: string | null;
  ip?: string | null;
};

export type CaseHistoryEntry = CaseEntryRow & { staffName: string | null };

export type CaseDetail = {
  view: CaseListEntry;
  rating: CaseRating | null;
  entries: CaseHistoryEntry[];
};

/** A case with its names, SLA and rating, without history and without an audit line (after a change). */
export async function loadCaseView(
  db: Db,
  o: { tenantId: string; caseId: string; now?: Date },
): Promise<Omit<CaseDetail, "entries">> {
  const [view] = await selectCaseViews(db).where(and(eq(cases.id, o.caseId), eq(cases.tenantId, o.tenantId)));
  if (!view) {
    throw problems.notFound();
  }
  const [rating] = await db.select().from(caseRatings).where(eq(caseRatings.caseId, view.case.id));
  const clock = await slaClock(db, o.tenantId, o.now);
  return { view: { ...view, sla: slaOf(view.case, clock) }, rating: rating ?? null };
}

/** One case with its whole history for staff (memos included). Every read is audited. */
export async function getCase(o: GetCaseOptions): Promise<CaseDetail> {
  const { tx, tenantId } = o;
  const { view, rating } = await loadCaseView(tx, o);
  const entries = await tx
    .select({ entry: caseEntries, staffName: staffAccounts.displayName })
    .from(caseEntries)
    .leftJoin(staffAccounts, eq(staffAccounts.id, caseEntries.staffId))
    .where(and(eq(caseEntries.caseId, view.case.id), eq(caseEntries.tenantId, tenantId)))
    .orderBy(asc(caseEntries.id));
  await recordAudit(tx, {
    tenantId,
    actor: o.actor,
    action: "cases.case.read",
    resource: { type: "cases_case", id: view.case.id },
    after: { module: view.case.module, reference: view.case.reference },
    requestId: o.requestId ?? null,
    ip: o.ip ?? null,
  });
  return { view, rating, entries: entries.map((row) => ({ ...row.entry, staffName: row.staffName })) };
}
