import { defineModule } from "../../core/module.ts";

/** 窓口予約. */
export const appointmentsModule = defineModule({
  id: "appointments",
  name: { ja: "窓口予約", en: "Counter appointments" },
});
