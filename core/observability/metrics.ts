import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Db } from "../db/database.ts";
import type { ModuleManifest } from "../module.ts";

export type Metrics = {
  registry: Registry;
  httpDuration: Histogram<"method" | "route" | "status">;
  httpErrors: Counter<"status">;
};

/**
 * Prometheus metrics: process defaults, HTTP timings by route pattern (never by raw path, which would
 * explode the label set), job queue depth, and each module's own metrics, read at scrape time.
 */
export function createMetrics({ db, modules }: { db: Db; modules: readonly ModuleManifest[] }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "tenohira_" });
  const httpDuration = new Histogram({
    name: "tenohira_http_request_duration_seconds",
    help: "HTTP request duration by route pattern",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const httpErrors = new Counter({
    name: "tenohira_http_errors_total",
    help: "Responses with status 500 or more",
    labelNames: ["status"] as const,
    registers: [registry],
  });
  new Gauge({
    name: "tenohira_jobs",
    help: "Jobs by status",
    labelNames: ["status"] as const,
    registers: [registry],
    async collect() {
      const result = (await db.execute(
        "SELECT status, count(*)::int AS n FROM jobs GROUP BY status",
      )) as unknown as {
        rows: { status: string; n: number }[];
      };
      this.reset();
      for (const row of result.rows) {
        this.set({ status: row.status }, row.n);
      }
    },
  });
  for (const module of modules) {
    for (const metric of module.metrics ?? []) {
      new Gauge({
        name: `tenohira_module_${module.id}_${metric.name}`,
        help: metric.help,
        labelNames: ["tenant"] as const,
        registers: [registry],
        async collect() {
          this.reset();
          for (const { tenantId, value } of await metric.collect(db)) {
            this.set({ tenant: tenantId }, value);
          }
        },
      });
    }
  }
  return { registry, httpDuration, httpErrors };
}
