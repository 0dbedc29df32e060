import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import { ProblemError } from "../../../core/http/problem.ts";
import type { TypeSettings } from "../admin/type-settings.ts";
import { type AppointmentType, appointmentTypes } from "../schema.ts";

export type CreateAppointmentTypeOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  slug: string;
  settings: TypeSettings;
  requestId?: string | null;
};

export const slugTaken = () =>
  new ProblemError(409, "appointments-slug-taken", {
    ja: "このアドレス名はすでに使われています。別の名前にしてください",
    en: "This address name is already used. Choose another",
  });

/** Creates a kind of appointment; it has no opening hours yet, so nothing can be booked until they are set. */
export async function createAppointmentType(o: CreateAppointmentTypeOptions): Promise<AppointmentType> {
  const [type] = await o.tx
    .insert(appointmentTypes)
    .values({ tenantId: o.tenantId, slug: o.slug, ...o.settings })
    .onConflictDoNothing()
    .returning();
  if (!type) {
    throw slugTaken();
  }
  await recordChange(o.tx, {
    tenantId: o.tenantId,
    actor: o.actor,
    action: "appointments.type.create",
    resource: { type: "appointments_type", id: type.id },
    after: { slug: o.slug, ...o.settings },
    event: {
      name: "appointments.type_created",
      payload: { typeId: type.id, slug: o.slug, departmentId: type.departmentId },
    },
    requestId: o.requestId ?? null,
  });
  return type;
}
