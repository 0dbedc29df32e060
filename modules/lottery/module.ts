import { defineModule } from "../../core/module.ts";

/** 抽選. */
export const lotteryModule = defineModule({
  id: "lottery",
  name: { ja: "抽選", en: "Lottery" },
});
