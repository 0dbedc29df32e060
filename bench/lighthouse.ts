import { parseArgs } from "node:util";
import * as chromeLauncher from "chrome-launcher";
import lighthouse, { type Result } from "lighthouse";
import { chromium } from "playwright-core";
import { CHROMIUM_PATH, startTestServer } from "../core/testing/browser.ts";
import {
  BENCH_SLUG,
  cookieHeader,
  publishBenchForm,
  startGuestApplication,
  startPageUrl,
} from "./form-weight/runner.ts";
import { type BenchServer, startBenchServer } from "./form-weight/server.ts";

/**
 * lighthouse: Lighthouse's performance and accessibility scores for our form runner, with its mobile
 * defaults (a Moto G-sized screen, simulated slow 4G and a 4× slower CPU), in Debian's Chromium.
 *
 * The pages are the bench's 30-field form (bench/form-weight/fields.ts), published for guests in the demo
 * city: its start page, and the first page of a guest application (the guest cookie goes along as an
 * extra header). Each page is audited several times; the median scores are printed.
 */

type Options = { runs: number; paths: string[]; gzip: boolean };

type Target = { page: string; url: string; headers: Record<string, string> };

const log = (message: string) => process.stderr.write(`[lighthouse] ${message}\n`);

/** The flags of core/testing/browser.ts, with the new headless mode Lighthouse needs. */
const CHROME_FLAGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function parseOptions(args: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...args],
    options: {
      runs: { type: "string", default: "3" },
      /** Other paths of the demo city to audit instead of the runner's pages (e.g. `/`). */
      path: { type: "string", multiple: true, default: [] },
      /** Serve through the bench's gzip proxy, as a production reverse proxy would. */
      gzip: { type: "boolean", default: false },
    },
    strict: true,
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(`--runs must be a positive integer, got ${values.runs}`);
  }
  return { runs, paths: values.path, gzip: values.gzip };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const score = (lhr: Result, category: string) => Math.round((lhr.categories[category]?.score ?? 0) * 100);
const metric = (lhr: Result, audit: string) => lhr.audits[audit]?.numericValue ?? Number.NaN;

/** Audits of a category that did not pass, as "id: title". */
function failingAudits(lhr: Result, category: string): string[] {
  return (lhr.categories[category]?.auditRefs ?? [])
    .map((ref) => lhr.audits[ref.id])
    .filter(
      (audit) =>
        audit !== undefined &&
        (audit.scoreDisplayMode === "binary" || audit.scoreDisplayMode === "numeric") &&
        audit.score !== null &&
        audit.score < 1,
    )
    .map((audit) => `${audit!.id}: ${audit!.title}`);
}

/** The runner's start page and first page, or the given paths. */
async function targetsOf(options: Options, origin: string): Promise<Target[]> {
  if (options.paths.length > 0) {
    return options.paths.map((path) => ({ page: path, url: `${origin}${path}`, headers: {} }));
  }
  const start = await startPageUrl(origin);
  if ("status" in start) {
    throw new Error(
      `our runner is not there yet (GET /forms/${BENCH_SLUG} answered ${start.status}); ` +
        "audit other pages with --path /",
    );
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROME_FLAGS.slice(1) });
  try {
    const application = await startGuestApplication(browser, start.url);
    return [
      { page: "start", url: start.url, headers: {} },
      {
        page: "first-page",
        url: application.firstPageUrl,
        headers: { Cookie: cookieHeader(application.cookies) },
      },
    ];
  } finally {
    await browser.close();
  }
}

export async function main(args: readonly string[]): Promise<void> {
  const options = parseOptions(args);
  log("starting the demo city (in-memory PGlite unless TEST_DB=postgres)");
  const testServer = await startTestServer();
  let benchServer: BenchServer | undefined;
  let chrome: chromeLauncher.LaunchedChrome | undefined;
  try {
    await publishBenchForm(testServer);
    let origin = testServer.baseUrl;
    if (options.gzip) {
      benchServer = await startBenchServer({ platformOrigin: testServer.baseUrl });
      origin = benchServer.origin;
    }
    const targets = await targetsOf(options, origin);
    chrome = await chromeLauncher.launch({ chromePath: CHROMIUM_PATH, chromeFlags: CHROME_FLAGS });
    for (const target of targets) {
      const runs: Result[] = [];
      for (let run = 0; run < options.runs; run++) {
        const result = await lighthouse(target.url, {
          port: chrome.port,
          output: "json",
          logLevel: "error",
          onlyCategories: ["performance", "accessibility"],
          extraHeaders: target.headers,
        });
        if (!result) {
          throw new Error(`Lighthouse returned nothing for ${target.url}`);
        }
        const lhr = result.lhr;
        if (lhr.runtimeError) {
          throw new Error(`Lighthouse failed on ${target.url}: ${lhr.runtimeError.message}`);
        }
        if (lhr.finalDisplayedUrl !== target.url) {
          log(`${target.page}: Lighthouse ended on ${lhr.finalDisplayedUrl} (redirected)`);
        }
        runs.push(lhr);
        log(
          `${target.page} #${run + 1}: performance ${score(lhr, "performance")}, ` +
            `accessibility ${score(lhr, "accessibility")}, LCP ${metric(lhr, "largest-contentful-paint").toFixed(0)} ms`,
        );
      }
      const med = (pick: (lhr: Result) => number) => median(runs.map(pick));
      const last = runs.at(-1)!;
      const line = {
        name: "lighthouse",
        page: target.page,
        path: new URL(target.url).pathname.replace(/\/a\/[^/]+\//, "/a/<id>/"),
        form_factor: last.configSettings.formFactor,
        throttling: last.configSettings.throttlingMethod,
        gzip: options.gzip,
        runs: runs.length,
        performance: med((lhr) => score(lhr, "performance")),
        accessibility: med((lhr) => score(lhr, "accessibility")),
        fcp_ms: Math.round(med((lhr) => metric(lhr, "first-contentful-paint"))),
        lcp_ms: Math.round(med((lhr) => metric(lhr, "largest-contentful-paint"))),
        tbt_ms: Math.round(med((lhr) => metric(lhr, "total-blocking-time"))),
        cls: Number(med((lhr) => metric(lhr, "cumulative-layout-shift")).toFixed(3)),
        speed_index_ms: Math.round(med((lhr) => metric(lhr, "speed-index"))),
        failing_accessibility_audits: [
          ...new Set(runs.flatMap((lhr) => failingAudits(lhr, "accessibility"))),
        ],
        lighthouse: last.lighthouseVersion,
      };
      const withTarget = { ...line, target_met: line.performance >= 95 && line.accessibility === 100 };
      process.stdout.write(`${JSON.stringify(withTarget)}\n`);
    }
  } finally {
    chrome?.kill();
    await benchServer?.close();
    await testServer.close();
  }
}
