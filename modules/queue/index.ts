// The queue module's public API: what other modules may use. Nothing else is imported across.
export { queueModule } from "./module.ts";
