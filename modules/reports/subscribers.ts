import { z } from "zod";
import { defineSubscriber, type EventSubscriber } from "../../core/events/define-subscriber.ts";
import { notifyFollowers } from "./notify-followers.ts";

const ReportEvent = z.object({
  reportId: z.uuid(),
  entryId: z.number().int().optional(),
  intoId: z.uuid().optional(),
  to: z.string().optional(),
  /** A status change that is part of a reply or a merge, whose own event carries the message. */
  via: z.enum(["reply", "merge"]).optional(),
});

/** Followers hear of every public change, once: a status, a reply, a merge, a reopening. */
export const notifyReportFollowers = defineSubscriber({
  id: "reports.notify-followers",
  events: [
    "reports.report_status_changed",
    "reports.report_replied",
    "reports.report_merged",
    "reports.report_reopened",
  ],
  async handle(event, { services }) {
    const payload = ReportEvent.parse(event.payload);
    if (!event.tenantId || (event.name === "reports.report_status_changed" && payload.via)) {
      return;
    }
    const base = services.config.baseUrl;
    await notifyFollowers(services.database.db, {
      eventId: event.id,
      eventName: event.name,
      tenantId: event.tenantId,
      reportId: payload.reportId,
      toStatus: payload.to ?? null,
      entryId: payload.entryId ?? null,
      intoId: payload.intoId ?? null,
      origin: base ? new URL(base).origin : null,
    });
  },
});

export const reportSubscribers: readonly EventSubscriber[] = [notifyReportFollowers];
