import { z } from "zod";
import { defineSubscriber } from "../../core/events/define-subscriber.ts";
import { loadTenantOrigin } from "../../core/tenancy/tenant-origin.ts";
import { type NoticeKind, sendAppointmentNotice } from "./operations/send-appointment-notice.ts";

const kindOfEvent: Record<string, NoticeKind> = {
  "appointments.appointment_booked": "booked",
  "appointments.appointment_rescheduled": "rescheduled",
  "appointments.appointment_cancelled": "cancelled",
};

/** A booking, move or cancellation (by the resident or by staff) is confirmed to the resident by inbox and email. */
export const confirmAppointmentChanges = defineSubscriber({
  id: "appointments.confirm-changes",
  events: Object.keys(kindOfEvent),
  maxAttempts: 5,
  async handle(event, { services }) {
    const { appointmentId } = z.object({ appointmentId: z.uuid() }).parse(event.payload);
    const kind = kindOfEvent[event.name];
    if (!event.tenantId || !kind) {
      return;
    }
    const tenantId = event.tenantId;
    const origin = await loadTenantOrigin(services, tenantId);
    await services.database.db.transaction((tx) =>
      sendAppointmentNotice({ tx, tenantId, appointmentId, kind, origin }),
    );
  },
});
