import { z } from "zod";
import { defineSubscriber, type EventSubscriber } from "../../core/events/define-subscriber.ts";
import { loadTenantOrigin } from "../../core/tenancy/tenant-origin.ts";
import { sendFollowerConfirmations } from "./confirm-follower-email.ts";
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
    await notifyFollowers(services.database.db, {
      eventId: event.id,
      eventName: event.name,
      tenantId: event.tenantId,
      reportId: payload.reportId,
      toStatus: payload.to ?? null,
      entryId: payload.entryId ?? null,
      intoId: payload.intoId ?? null,
      origin: await loadTenantOrigin(services, event.tenantId),
    });
  },
});

/** A report filed with an e-mail address but no signed-in resident: the address is asked to confirm, once. */
export const confirmReporterEmail = defineSubscriber({
  id: "reports.confirm-follower-email",
  events: ["reports.report_submitted"],
  async handle(event, { services }) {
    const payload = ReportEvent.parse(event.payload);
    if (!event.tenantId) {
      return;
    }
    await sendFollowerConfirmations(services.database.db, {
      tenantId: event.tenantId,
      reportId: payload.reportId,
      origin: await loadTenantOrigin(services, event.tenantId),
      logger: services.logger,
    });
  },
});

export const reportSubscribers: readonly EventSubscriber[] = [notifyReportFollowers, confirmReporterEmail];
