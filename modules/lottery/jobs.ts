import { and, asc, eq, lte } from "drizzle-orm";
import { z } from "zod";
import { systemActor } from "../../core/audit/actor.ts";
import { ProblemError } from "../../core/http/problem.ts";
import { defineJob, type JobContext } from "../../core/jobs/define-job.ts";
import { loadTenantOrigin } from "../../core/tenancy/tenant-origin.ts";
import { releaseLeftovers } from "./operations/release-leftovers.ts";
import { runRoundDraw } from "./operations/run-draw.ts";
import { rounds } from "./schema.ts";

/** Each due round in its own transaction, so one failing round does not hold back the others. */
async function forEachDueRound(
  context: JobContext,
  status: "accepting" | "drawn",
  dueColumn: typeof rounds.drawAt | typeof rounds.firstComeAt,
  act: (round: { id: string; tenantId: string }, now: Date) => Promise<unknown>,
): Promise<void> {
  const now = new Date();
  const due = await context.services.database.db
    .select({ id: rounds.id, tenantId: rounds.tenantId })
    .from(rounds)
    .where(and(eq(rounds.status, status), lte(dueColumn, now)))
    .orderBy(asc(dueColumn));
  let failed = 0;
  for (const round of due) {
    try {
      await act(round, now);
    } catch (error) {
      failed++;
      context.logger.error({ err: error, roundId: round.id }, "lottery round could not be processed");
    }
  }
  if (failed > 0) {
    throw new Error(`${failed} lottery round(s) failed; see the log`);
  }
}

/** Draws every round whose draw time has come, if staff have not pressed the button already. */
export const drawDueRoundsJob = defineJob({
  name: "lottery.draw-due-rounds",
  payload: z.object({}),
  cron: "*/5 * * * *",
  async handle(_payload, context) {
    await forEachDueRound(context, "accepting", rounds.drawAt, async (round, now) => {
      const origin = await loadTenantOrigin(context.services, round.tenantId);
      return context.services.database.db
        .transaction((tx) =>
          runRoundDraw({
            tx,
            tenantId: round.tenantId,
            actor: systemActor,
            roundId: round.id,
            now,
            origin,
          }),
        )
        .catch((error: unknown) => {
          // Not a failure to retry: the round's dates need staff, so it is logged and left undrawn.
          if (error instanceof ProblemError && error.slug === "lottery-past-confirm-by") {
            context.logger.warn({ roundId: round.id }, "lottery round not drawn: its confirm-by has passed");
            return;
          }
          throw error;
        });
    });
  },
});

/** At each drawn round's first-come time, releases its leftover holds so they open first-come. */
export const releaseDueRoundsJob = defineJob({
  name: "lottery.release-due-rounds",
  payload: z.object({}),
  cron: "*/5 * * * *",
  async handle(_payload, context) {
    await forEachDueRound(context, "drawn", rounds.firstComeAt, (round, now) =>
      context.services.database.db.transaction((tx) =>
        releaseLeftovers({ tx, tenantId: round.tenantId, actor: systemActor, roundId: round.id, now }),
      ),
    );
  },
});
