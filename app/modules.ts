import type { ModuleManifest } from "../core/module.ts";
import { catalogModule } from "../modules/catalog/index.ts";
import { formsModule } from "../modules/forms/index.ts";
import { paymentsModule } from "../modules/payments/index.ts";

/** The modules this install runs, in migration order. Adding a module is one line here. */
export const installedModules: readonly ModuleManifest[] = [catalogModule, paymentsModule, formsModule];
