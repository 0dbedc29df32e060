import type { Actor } from "../../audit/actor.ts";
import type { Db } from "../../db/database.ts";
import { type Bilingual, ProblemError } from "../../http/problem.ts";
import type { StaffScope } from "../../identity/policy.ts";
import { inScope } from "../case-filters.ts";
import type { CaseStatus } from "../status.ts";
import { assignCase } from "./assign-case.ts";
import { changeCaseStatus } from "./change-case-status.ts";
import { locateCase } from "./locate-case.ts";

export type BulkUpdateCasesOptions = {
  db: Db;
  tenantId: string;
  actor: Actor;
  /** Where the member may process cases: a case outside it is refused, the others go ahead. */
  scope: StaffScope;
  ids: readonly string[];
} & (
  | { action: "assign"; staffId?: string | null; teamId?: string | null }
  | { action: "status"; to: CaseStatus; reason?: string | null }
) & { origin?: string | null; requestId?: string | null };

export type BulkResult = { id: string; ok: boolean; reason?: Bilingual };

const notFound: Bilingual = { ja: "案件が見つかりません", en: "No such case" };

/**
 * Assigns or moves many cases at once, each in its own transaction: one refused or missing case does not
 * undo the others, and each result says what happened to its case.
 */
export async function bulkUpdateCases(o: BulkUpdateCasesOptions): Promise<BulkResult[]> {
  const results: BulkResult[] = [];
  for (const id of new Set(o.ids)) {
    try {
      const result = await o.db.transaction(async (tx) => {
        const found = await locateCase({ db: tx, tenantId: o.tenantId, caseId: id });
        if (!inScope(o.scope, found.departmentId)) {
          // Outside the member's departments is answered like a missing case: ids reveal nothing.
          return { ok: false as const, reason: notFound };
        }
        const common = {
          tx,
          tenantId: o.tenantId,
          actor: o.actor,
          caseId: id,
          requestId: o.requestId ?? null,
        };
        return o.action === "assign"
          ? assignCase({ ...common, staffId: o.staffId, teamId: o.teamId })
          : changeCaseStatus({
              ...common,
              to: o.to,
              reason: o.reason ?? null,
              by: "staff",
              origin: o.origin ?? null,
            });
      });
      results.push(result.ok ? { id, ok: true } : { id, ok: false, reason: result.reason });
    } catch (error) {
      if (!(error instanceof ProblemError) || error.status !== 404) {
        throw error;
      }
      results.push({ id, ok: false, reason: notFound });
    }
  }
  return results;
}
