// The module's public surface: other modules import only from here.
export { catalogModule } from "./module.ts";
export { findServices } from "./operations/find-services.ts";
export type { CatalogService } from "./schema.ts";
