/** Shapes of the facilities module's public API (see index.ts). */

export type FacilitySlot = { unitId: string; startsAt: Date; endsAt: Date };

export type FacilityUnitSummary = {
  id: string;
  facilityId: string;
  facilitySlug: string;
  name: { ja: string; en: string };
  facilityName: { ja: string; en: string };
};
