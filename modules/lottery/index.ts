// The lottery module's public API: what other modules may use. Nothing else is imported across.
export { lotteryModule } from "./module.ts";
export { type PublishedDraw, type ReplayOutcome, replayDraw } from "./published-draw.ts";
