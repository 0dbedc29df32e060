// The reports module's public API: what other modules may use. Nothing else is imported across.
export { reportsModule } from "./module.ts";
