import type { ModuleManifest } from "../core/module.ts";
import { appointmentsModule } from "../modules/appointments/index.ts";
import { catalogModule } from "../modules/catalog/index.ts";
import { facilitiesModule } from "../modules/facilities/index.ts";
import { formsModule } from "../modules/forms/index.ts";
import { lotteryModule } from "../modules/lottery/index.ts";
import { paymentsModule } from "../modules/payments/index.ts";
import { queueModule } from "../modules/queue/index.ts";
import { reportsModule } from "../modules/reports/index.ts";

/** The modules this install runs, in migration order. Adding a module is one line here. */
export const installedModules: readonly ModuleManifest[] = [
  catalogModule,
  paymentsModule,
  formsModule,
  appointmentsModule,
  facilitiesModule,
  lotteryModule,
  queueModule,
  reportsModule,
];
