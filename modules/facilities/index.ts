// The facilities module's public API: what other modules may use. Nothing else is imported across.
export { facilitiesModule } from "./module.ts";
