import { isDeepStrictEqual } from "node:util";
import { eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import type { Answers, ProvenanceMap } from "../definition/answers.ts";
import type { Page } from "../definition/form-definition.ts";
import { type Application, applications } from "../schema.ts";
import { GUEST_DRAFT_DAYS } from "./start-application.ts";

export type SaveApplicationPageOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  application: Application;
  page: Page;
  /** The page's answers, already checked by checkPage. */
  answers: Answers;
  /** Where the resident goes next (a page key or "check"), remembered for resuming. */
  nextPage: string;
  /** The page passed every check; "save and come back later" saves without completing it. */
  complete: boolean;
  /** Staff returned the submitted application for correction (差し戻し). */
  correcting?: boolean;
  requestId?: string | null;
};

/**
 * Saves one checked page into the draft (save & resume is automatic), and keeps each value's provenance:
 * a prefilled value the resident edits is marked changed, a typed one typed.
 */
export async function saveApplicationPage(options: SaveApplicationPageOptions): Promise<Application> {
  const { tx, application, page } = options;
  if (application.submittedAt && !options.correcting) {
    throw new Error("A submitted application cannot be edited");
  }
  const answers: Answers = { ...application.answers, ...options.answers };
  const provenance: ProvenanceMap = { ...application.provenance };
  for (const field of page.fields) {
    if (field.type === "info" || field.type === "computed") {
      continue;
    }
    const value = answers[field.key] ?? null;
    const before = provenance[field.key];
    if (before?.source === "prefilled") {
      provenance[field.key] = { ...before, changed: !isDeepStrictEqual(value, before.initial ?? null) };
    } else if (value === null) {
      delete provenance[field.key];
    } else {
      provenance[field.key] = { source: "typed" };
    }
  }
  const [saved] = await tx
    .update(applications)
    .set({
      answers,
      provenance,
      currentPage: options.nextPage,
      completedPages: options.complete
        ? [...new Set([...application.completedPages, page.key])]
        : application.completedPages.filter((key) => key !== page.key),
      updatedAt: new Date(),
      ...(application.guestKeyHash
        ? { resumeExpiresAt: new Date(Date.now() + GUEST_DRAFT_DAYS * 86_400_000) }
        : {}),
    })
    .where(eq(applications.id, application.id))
    .returning();
  // The audit names the fields touched, never their values: the values are the personal data itself.
  await recordChange(tx, {
    tenantId: options.tenantId,
    actor: options.actor,
    action: "forms.application.save_page",
    resource: { type: "forms_application", id: application.id },
    after: { page: page.key, fields: Object.keys(options.answers) },
    requestId: options.requestId ?? null,
  });
  return saved!;
}
