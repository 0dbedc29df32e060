import { and, eq } from "drizzle-orm";
import type { Actor } from "../../../core/audit/actor.ts";
import type { Db } from "../../../core/db/database.ts";
import { recordChange } from "../../../core/events/record-change.ts";
import type { OfficeValues } from "../office-settings-forms.ts";
import { queueProblems, sqlState } from "../queue-problems.ts";
import { type QueueOffice, queueOffices } from "../schema.ts";

/**
 * Creates an office (no `officeId`) or changes one: names, department, hours, holidays, notify-ahead. The
 * slug is its address (/queue/<slug>) and printed on kiosk QR codes, so it is set once, on creation.
 */
export async function saveOffice(o: {
  db: Db;
  tenantId: string;
  officeId?: string;
  values: OfficeValues;
  actor: Actor;
  requestId?: string | null;
}): Promise<QueueOffice> {
  const { slug, ...changes } = o.values;
  try {
    return await o.db.transaction(async (tx) => {
      if (!o.officeId) {
        const [created] = await tx
          .insert(queueOffices)
          .values({ tenantId: o.tenantId, slug, ...changes })
          .returning();
        await recordChange(tx, {
          tenantId: o.tenantId,
          actor: o.actor,
          action: "queue.office.create",
          resource: { type: "queue_office", id: created!.id },
          after: created,
          event: { name: "queue.office_created", payload: { officeId: created!.id, slug } },
          requestId: o.requestId ?? null,
        });
        return created!;
      }
      const where = and(eq(queueOffices.id, o.officeId), eq(queueOffices.tenantId, o.tenantId));
      const [before] = await tx.select().from(queueOffices).where(where).for("update");
      if (!before) {
        throw queueProblems.unknownCategoryOrCounter();
      }
      const [after] = await tx.update(queueOffices).set(changes).where(where).returning();
      await recordChange(tx, {
        tenantId: o.tenantId,
        actor: o.actor,
        action: "queue.office.update",
        resource: { type: "queue_office", id: before.id },
        before,
        after,
        event: { name: "queue.office_updated", payload: { officeId: before.id, slug: before.slug } },
        requestId: o.requestId ?? null,
      });
      return after!;
    });
  } catch (error) {
    if (sqlState(error) === "23505") {
      throw queueProblems.slugTaken();
    }
    throw error;
  }
}
