import { existsSync } from "node:fs";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { ConfigError, loadConfig } from "../core/config/config.ts";
import { DatabaseUnavailableError } from "../core/db/database.ts";
import { MigrationError, migrate, readMigrations } from "../core/db/migrate.ts";
import { openConfiguredDatabase } from "./create-services.ts";
import { DatabaseToolError, dumpDatabase, restoreDatabase } from "./db-tools.ts";
import { startDemoIdentity } from "./demo-identity.ts";
import { installedModules } from "./modules.ts";
import { migrationSources, startPlatform } from "./platform.ts";
import { DEMO_PASSWORD, demoStaff } from "./seed-demo.ts";

const usage = `tenohira — てのひら市役所

Usage: npm run tenohira -- <command>
  start                 migrate, seed the demo city if empty, serve HTTP and run the worker
  worker                run only the job worker (add processes to scale)
  migrate               apply pending migrations and exit
  db dump [file]        write the whole database as SQL that psql can load (stdout without file)
  db restore <file>     load such a dump into the configured (empty) database
  build-console         build the staff console (Vite)
${installedModules
  .flatMap((m) =>
    (m.commands ?? []).map((c) => `  ${`${m.id} ${c.name} ${c.usage}`.padEnd(22)}${c.description}`),
  )
  .join("\n")}`;

async function main(args: string[]): Promise<number> {
  const [command, sub, arg] = args;
  switch (command) {
    case "start":
      return start();
    case "worker":
      return runWorker();
    case "migrate": {
      const database = await openConfiguredDatabase(loadConfig());
      try {
        const applied = await migrate(database, readMigrations(migrationSources(installedModules)));
        console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Database is up to date.");
      } finally {
        await database.close();
      }
      return 0;
    }
    case "db": {
      const database = await openConfiguredDatabase(loadConfig());
      try {
        if (sub === "dump") {
          await dumpDatabase(database, arg);
          return 0;
        }
        if (sub === "restore" && arg) {
          await restoreDatabase(database, arg);
          console.error(`Restored ${arg}.`);
          return 0;
        }
      } finally {
        await database.close();
      }
      console.error(usage);
      return 2;
    }
    case "build-console": {
      if (sub === "--if-missing" && existsSync(new URL("../console/dist/index.html", import.meta.url))) {
        return 0;
      }
      const { build } = await import("vite");
      await build({
        configFile: new URL("../console/vite.config.ts", import.meta.url).pathname,
        logLevel: "warn",
      });
      return 0;
    }
    default: {
      const task = installedModules.find((m) => m.id === command)?.commands?.find((c) => c.name === sub);
      if (task) {
        const database = await openConfiguredDatabase(loadConfig());
        try {
          await migrate(database, readMigrations(migrationSources(installedModules)));
          return await task.run(args.slice(2), { db: database.db, log: (message) => console.error(message) });
        } finally {
          await database.close();
        }
      }
      console.error(usage);
      return command ? 2 : 0;
    }
  }
}

async function start(): Promise<number> {
  const started = performance.now();
  const config = loadConfig();
  const platform = await startPlatform(config, installedModules);
  const { server, port, address } = await new Promise<{
    server: ReturnType<typeof serve>;
    port: number;
    address: string;
  }>((resolve) => {
    const server = serve({ fetch: platform.app.fetch, port: config.port, hostname: config.host }, (info) =>
      resolve({ server, port: info.port, address: info.address }),
    );
  });
  const demoIdentity = config.seedDemo
    ? await startDemoIdentity({
        config,
        db: platform.services.database.db,
        appPort: port,
        log: (message) => platform.services.logger.warn(message),
      })
    : null;
  const base =
    config.baseUrl ??
    `http://${address === "::1" || address === "127.0.0.1" ? "localhost" : address}:${port}`;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`
てのひら市役所 is ready in ${seconds} s (${platform.services.database.driver}${
    platform.services.database.driver === "pglite" ? `, data in ${config.dataDir}` : ""
  })
  Resident site:  ${base}/
  Staff console:  ${base}/staff/
  API document:   ${base}/api/openapi.json
${
  platform.seeded || config.seedDemo
    ? `  Demo staff sign-in (password "${DEMO_PASSWORD}"):\n${demoStaff.map((s) => `    ${s.email.padEnd(28)} ${s.role}`).join("\n")}\n`
    : ""
}${
  demoIdentity
    ? `  Demo identity provider (fictional people, LINE and My Number card): ${demoIdentity.issuer}\n    card: heita, hanako   LINE: line-heita, line-hanako   staff SSO: madoguchi\n`
    : ""
}${config.smtpUrl ? "" : `  Emails (resident sign-in codes) are written to ${join(config.dataDir, "mail")}/ as .eml files.\n`}  Stop with Ctrl+C.`);
  // Outlive a load balancer's idle timeout (AWS ALB: 60 s), or it may reuse a connection we are closing.
  if ("keepAliveTimeout" in server) {
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
  }
  if (config.worker === "inline") {
    platform.worker.start();
  }
  await untilSignal();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await demoIdentity?.close();
  await platform.close();
  return 0;
}

async function runWorker(): Promise<number> {
  const config = loadConfig({ overrides: { seedDemo: false } });
  const platform = await startPlatform(config, installedModules);
  platform.worker.start();
  platform.services.logger.info({ worker: platform.worker.id }, "worker started");
  await untilSignal();
  await platform.close();
  return 0;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known =
      error instanceof ConfigError ||
      error instanceof MigrationError ||
      error instanceof DatabaseUnavailableError ||
      error instanceof DatabaseToolError;
    console.error(known ? `tenohira: ${(error as Error).message}` : error);
    process.exit(1);
  },
);
