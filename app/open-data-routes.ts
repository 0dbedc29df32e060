import { Hono } from "hono";
import type { AppEnv } from "../core/http/app-env.ts";
import { problems } from "../core/http/problem.ts";
import type { ModuleManifest, OpenDataValue } from "../core/module.ts";

function csvCell(value: OpenDataValue): string {
  const text = value === null ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Every module's open-data exports at /opendata/<module>/<id>.json|.csv, plus an index. */
export function openDataRoutes(modules: readonly ModuleManifest[]) {
  return new Hono<AppEnv>()
    .get("/", (c) =>
      c.json({
        datasets: modules.flatMap((m) =>
          (m.openData ?? []).map((d) => ({
            id: `${m.id}/${d.id}`,
            title: d.title,
            license: d.license,
            json: `/opendata/${m.id}/${d.id}.json`,
            csv: `/opendata/${m.id}/${d.id}.csv`,
          })),
        ),
      }),
    )
    .get("/:module/:file{[a-z0-9_-]+\\.(json|csv)}", async (c) => {
      const [id, format] = c.req.param("file").split(".") as [string, "json" | "csv"];
      const dataset = modules.find((m) => m.id === c.req.param("module"))?.openData?.find((d) => d.id === id);
      if (!dataset) {
        throw problems.notFound();
      }
      const rows = await dataset.rows(c.var.services.database.db, c.var.tenant.id);
      if (format === "json") {
        return c.json({ title: dataset.title, license: dataset.license, rows });
      }
      const lines = [
        dataset.columns.join(","),
        ...rows.map((row) => dataset.columns.map((col) => csvCell(row[col] ?? null)).join(",")),
      ];
      // BOM so Excel, which many city staff open CSV with, reads UTF-8.
      return c.body(`\uFEFF${lines.join("\r\n")}\r\n`, 200, {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${id}.csv"`,
      });
    });
}
