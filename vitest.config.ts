import { defineConfig } from "vitest/config";

// Two projects: the unit/integration suite (run once per database driver by scripts/test.ts) and the
// browser suite (Chromium), which starts real servers and so runs on its own.
export default defineConfig({
  test: {
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["{core,modules,app,bench,scripts}/**/*.test.ts"],
          exclude: ["**/*.browser.test.ts", "**/node_modules/**"],
        },
      },
      {
        extends: true,
        test: {
          name: "browser",
          include: ["{core,modules,app,console}/**/*.browser.test.ts"],
          maxWorkers: 1,
        },
      },
    ],
  },
});
