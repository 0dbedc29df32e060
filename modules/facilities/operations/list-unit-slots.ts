import type { Db } from "../../../core/db/database.ts";
import type { FacilitySlot } from "../contract.ts";
import { readUnitAvailability } from "./read-unit-availability.ts";

/** The bookable time blocks of one unit on the given Tokyo dates (inclusive), closed days left out. */
export async function listUnitSlots(
  db: Db,
  o: { tenantId: string; unitId: string; from: string; to: string },
): Promise<(FacilitySlot & { label: { ja: string; en: string }; state: "free" | "taken" })[]> {
  const { days } = await readUnitAvailability({ db, ...o });
  return days.flatMap((day) =>
    day.slots.map((slot) => ({
      unitId: o.unitId,
      startsAt: slot.startsAt,
      endsAt: slot.endsAt,
      label: slot.label,
      state: slot.state,
    })),
  );
}
