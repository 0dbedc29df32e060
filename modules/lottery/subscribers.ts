import { and, eq, ne } from "drizzle-orm";
import { z } from "zod";
import { systemActor } from "../../core/audit/actor.ts";
import { defineSubscriber } from "../../core/events/define-subscriber.ts";
import { recordChange } from "../../core/events/record-change.ts";
import { loadTenantOrigin } from "../../core/tenancy/tenant-origin.ts";
import { promoteEntrant } from "./operations/promote-entrant.ts";
import { wins } from "./schema.ts";

const BookingEvent = z.object({
  bookingId: z.uuid(),
  lotteryRoundId: z.uuid().nullable().optional(),
  status: z.string().optional(),
  residentId: z.uuid().nullable().optional(),
  groupId: z.uuid().nullable().optional(),
});

/**
 * Follows what became of each win in the facilities module: confirmed (paid) or forfeited (lapsed unpaid,
 * or cancelled), for the staff's results and the export. A win lost while its booking went back to a lottery
 * hold (before the round's first-come time) is offered to the next entrant in line (繰り上げ当選).
 */
export const followWonBookings = defineSubscriber({
  id: "lottery.follow-won-bookings",
  events: ["facilities.booking_confirmed", "facilities.booking_expired", "facilities.booking_cancelled"],
  async handle(event, { services }) {
    const payload = BookingEvent.parse(event.payload);
    if (!payload.lotteryRoundId || !event.tenantId) {
      return;
    }
    const tenantId = event.tenantId;
    const roundId = payload.lotteryRoundId;
    if (event.name !== "facilities.booking_confirmed" && payload.status === "held" && payload.residentId) {
      const lostBy = { residentId: payload.residentId, groupId: payload.groupId ?? null };
      const origin = await loadTenantOrigin(services, tenantId);
      await services.database.db.transaction((tx) =>
        promoteEntrant({
          tx,
          tenantId,
          actor: systemActor,
          roundId,
          bookingId: payload.bookingId,
          reason: event.name === "facilities.booking_expired" ? "expired" : "cancelled",
          lostBy,
          now: new Date(),
          origin,
        }),
      );
      return;
    }
    const status = event.name === "facilities.booking_confirmed" ? "confirmed" : "forfeited";
    await services.database.db.transaction(async (tx) => {
      const [changed] = await tx
        .update(wins)
        .set({ status, updatedAt: new Date() })
        .where(
          and(
            eq(wins.tenantId, tenantId),
            eq(wins.bookingId, payload.bookingId),
            eq(wins.roundId, roundId),
            // A forfeited win stays forfeited; a confirmed one may still be cancelled later.
            ne(wins.status, "forfeited"),
          ),
        )
        .returning();
      if (changed) {
        await recordChange(tx, {
          tenantId,
          actor: systemActor,
          action: `lottery.win.${status === "confirmed" ? "confirm" : "forfeit"}`,
          resource: { type: "lottery_win", id: changed.id },
          after: { status, bookingEvent: event.name },
        });
      }
    });
  },
});
