/**
 * Benchmark runner: `npm run bench -- <name> [options]`. Each benchmark lives in bench/<name>.ts and
 * exports `main(args)`; results are printed as one JSON line per measured configuration on stdout,
 * progress and diagnostics go to stderr.
 */
type Benchmark = { main(args: readonly string[]): Promise<void> };

const benchmarks: Record<string, () => Promise<Benchmark>> = {
  "write-path": () => import("./write-path.ts"),
  "form-weight": () => import("./form-weight.ts"),
  lighthouse: () => import("./lighthouse.ts"),
  submit: () => import("./submit.ts"),
  "search-recall": () => import("./search-recall.ts"),
  overload: () => import("./overload.ts"),
  "booking-rush": () => import("./booking-rush.ts"),
  "report-map": () => import("./report-map.ts"),
};

const [name, ...args] = process.argv.slice(2);
const load = name ? benchmarks[name] : undefined;
if (!load) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(benchmarks).join("|")}> [options]\n`);
  process.exitCode = 2;
} else {
  const benchmark = await load();
  await benchmark.main(args);
}
