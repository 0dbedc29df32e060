import type { Config } from "../core/config/config.ts";
import type { Database } from "../core/db/database.ts";
import { migrate, readMigrations } from "../core/db/migrate.ts";
import { createWorker, type Worker } from "../core/jobs/worker.ts";
import type { ModuleManifest } from "../core/module.ts";
import { notificationJobs } from "../core/notifications/jobs.ts";
import type { Services } from "../core/services.ts";
import { webhookJobs } from "../core/webhooks/deliver-webhook.ts";
import { webhookFanOut } from "../core/webhooks/fan-out-webhooks.ts";
import { collectWebhookEvents } from "../core/webhooks/webhook-events.ts";
import { buildApp } from "./build-app.ts";
import { createServices, openConfiguredDatabase } from "./create-services.ts";
import { seedDemoCity } from "./seed-demo.ts";

export function migrationSources(modules: readonly ModuleManifest[]) {
  return [
    { owner: "core", folder: new URL("../core/migrations/", import.meta.url) },
    ...modules.flatMap((m) => (m.migrations ? [{ owner: m.id, folder: m.migrations }] : [])),
  ];
}

export type Platform = {
  services: Services;
  app: ReturnType<typeof buildApp>;
  worker: Worker;
  seeded: boolean;
  close(): Promise<void>;
};

/**
 * Opens the database, applies migrations, seeds the demo city when asked and the install is empty, and
 * builds the app and the worker. Shared by `start`, the tests and the benchmarks.
 */
export async function startPlatform(
  config: Config,
  modules: readonly ModuleManifest[],
  /** An already open database (tests); by default the one the config names. */
  openedDatabase?: Database,
): Promise<Platform> {
  const database = openedDatabase ?? (await openConfiguredDatabase(config));
  try {
    await migrate(database, readMigrations(migrationSources(modules)));
  } catch (error) {
    await database.close();
    throw error;
  }
  const services = createServices(config, database);
  const seeded = config.seedDemo ? await seedDemoCity(database, modules) : false;
  const app = buildApp({ services, modules });
  const worker = createWorker({
    services,
    jobs: [...notificationJobs, ...webhookJobs, ...modules.flatMap((m) => m.jobs ?? [])],
    subscribers: [
      webhookFanOut(collectWebhookEvents(modules)),
      ...modules.flatMap((m) => m.subscribers ?? []),
    ],
    concurrency: config.workerConcurrency,
  });
  return {
    services,
    app,
    worker,
    seeded,
    async close() {
      await worker.stop();
      await database.close();
    },
  };
}
