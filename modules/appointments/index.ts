// The appointments module's public API: what other modules may use. Nothing else is imported across.
export { appointmentsModule } from "./module.ts";
