import { defineModule } from "../../core/module.ts";

/** 施設予約. */
export const facilitiesModule = defineModule({
  id: "facilities",
  name: { ja: "施設予約", en: "Facility reservations" },
});
