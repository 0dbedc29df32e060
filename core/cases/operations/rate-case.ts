import { eq } from "drizzle-orm";
import type { Db } from "../../db/database.ts";
import { recordChange } from "../../events/record-change.ts";
import { type Bilingual, problems } from "../../http/problem.ts";
import { insertCaseEntry } from "../case-entries.ts";
import { lockCase, touchCase } from "../lock-case.ts";
import { caseRatings } from "../schema.ts";

export type RateCaseOptions = {
  tx: Db;
  tenantId: string;
  residentId: string;
  caseId: string;
  /** 1 (very dissatisfied) to 5 (very satisfied); anything else is refused. */
  score: number;
  comment: string | null;
  requestId?: string | null;
  ip?: string | null;
};

export const MAX_COMMENT_LENGTH = 1000;

export type CaseRating = typeof caseRatings.$inferSelect;

type Refusal = { ok: false; reason: Bilingual; field?: "score" | "comment" };

const alreadyRated: Refusal = {
  ok: false,
  reason: { ja: "この申請はすでに評価済みです", en: "You have already rated this application" },
};

/**
 * The resident's satisfaction with a completed case, once. Anyone else's case is 404; a case not completed
 * or already rated is refused with the reason, and so is a bad score or comment (naming the field).
 */
export async function rateCase(o: RateCaseOptions): Promise<{ ok: true; rating: CaseRating } | Refusal> {
  const found = await lockCase(o.tx, o.tenantId, o.caseId);
  if (found.residentId !== o.residentId) {
    throw problems.notFound();
  }
  if (found.status !== "completed") {
    return {
      ok: false,
      reason: {
        ja: "評価は手続きが完了してからお願いします",
        en: "You can rate the service once your application is completed",
      },
    };
  }
  const [existing] = await o.tx
    .select({ id: caseRatings.id })
    .from(caseRatings)
    .where(eq(caseRatings.caseId, found.id));
  if (existing) {
    return alreadyRated;
  }
  if (!Number.isInteger(o.score) || o.score < 1 || o.score > 5) {
    return {
      ok: false,
      field: "score",
      reason: { ja: "満足度を1から5で選んでください", en: "Choose a score from 1 to 5" },
    };
  }
  const comment = o.comment?.trim() || null;
  if (comment && comment.length > MAX_COMMENT_LENGTH) {
    return {
      ok: false,
      field: "comment",
      reason: {
        ja: `ご意見は${MAX_COMMENT_LENGTH}文字以内で入力してください`,
        en: `The comment must be at most ${MAX_COMMENT_LENGTH} characters`,
      },
    };
  }
  const [rating] = await o.tx
    .insert(caseRatings)
    .values({ tenantId: o.tenantId, caseId: found.id, residentId: o.residentId, score: o.score, comment })
    .onConflictDoNothing()
    .returning();
  if (!rating) {
    return alreadyRated;
  }
  const actor = { type: "resident" as const, id: o.residentId };
  await insertCaseEntry(o.tx, {
    tenantId: o.tenantId,
    caseId: found.id,
    actor,
    kind: "rated",
    body: comment,
    visibleToResident: true,
    data: { score: o.score },
  });
  await touchCase(o.tx, found.id);
  await recordChange(o.tx, {
    tenantId: o.tenantId,
    actor,
    action: "cases.case.rate",
    resource: { type: "cases_case", id: found.id },
    after: { score: o.score },
    event: {
      name: "cases.case_rated",
      payload: { caseId: found.id, module: found.module, serviceKey: found.serviceKey, score: o.score },
    },
    requestId: o.requestId ?? null,
    ip: o.ip ?? null,
  });
  return { ok: true, rating };
}
