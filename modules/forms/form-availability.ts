import { and, count, eq, isNotNull } from "drizzle-orm";
import type { Db } from "../../core/db/database.ts";
import type { FormDefinition } from "./definition/form-definition.ts";
import { applications } from "./schema.ts";

export type Availability = "open" | "not_yet_open" | "closed" | "full";

/** Whether a form takes applications now: its dates, then its cap (counted over every version). */
export async function formAvailability(options: {
  db: Db;
  tenantId: string;
  formId: string;
  definition: FormDefinition;
  now?: Date;
}): Promise<Availability> {
  const { definition } = options;
  const now = options.now ?? new Date();
  if (definition.opensAt && now < new Date(definition.opensAt)) {
    return "not_yet_open";
  }
  if (definition.closesAt && now >= new Date(definition.closesAt)) {
    return "closed";
  }
  if (definition.maxApplications !== undefined) {
    const [row] = await options.db
      .select({ submitted: count() })
      .from(applications)
      .where(
        and(
          eq(applications.tenantId, options.tenantId),
          eq(applications.formId, options.formId),
          isNotNull(applications.submittedAt),
        ),
      );
    if ((row?.submitted ?? 0) >= definition.maxApplications) {
      return "full";
    }
  }
  return "open";
}
