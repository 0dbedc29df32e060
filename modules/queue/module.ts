import { defineModule } from "../../core/module.ts";

/** 窓口の順番待ち. */
export const queueModule = defineModule({
  id: "queue",
  name: { ja: "窓口の順番待ち", en: "Queue tickets" },
});
