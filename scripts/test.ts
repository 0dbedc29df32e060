import { spawnSync } from "node:child_process";
import { type PostgresServer, startPostgresServer } from "./postgres-server.ts";

/**
 * `npm test`: lint and types, the shared suite on PGlite, the same suite on PostgreSQL, then the
 * browser tests. A PostgreSQL server is started for the run unless TEST_DATABASE_URL names one.
 */
function step(title: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  console.log(`\n▶ ${title}`);
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
  if (result.status !== 0) {
    console.error(`✖ ${title} failed`);
    process.exit(result.status ?? 1);
  }
}

const bin = (name: string) => new URL(`../node_modules/.bin/${name}`, import.meta.url).pathname;
const only = process.argv.slice(2);

step("lint (biome)", bin("biome"), ["check", "."]);
step("types (tsc)", bin("tsc"), ["--noEmit", "-p", "."]);
step("build staff console", process.execPath, ["app/cli.ts", "build-console"]);
step("unit + integration on PGlite", bin("vitest"), ["run", "--project", "unit", ...only], {
  TEST_DB: "pglite",
});

const server: PostgresServer | undefined = process.env["TEST_DATABASE_URL"]
  ? undefined
  : await startPostgresServer();
const url = process.env["TEST_DATABASE_URL"] ?? server!.url;
try {
  step("unit + integration on PostgreSQL", bin("vitest"), ["run", "--project", "unit", ...only], {
    TEST_DB: "postgres",
    TEST_DATABASE_URL: url,
  });
  step("browser (Chromium)", bin("vitest"), ["run", "--project", "browser", "--passWithNoTests", ...only], {
    TEST_DB: "postgres",
    TEST_DATABASE_URL: url,
  });
} finally {
  server?.stop();
}
console.log("\n✔ all tests passed");
