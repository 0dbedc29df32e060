import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type Browser, type BrowserContext, type Cookie, chromium } from "playwright-core";
import { CHROMIUM_PATH, startTestServer } from "../core/testing/browser.ts";
import { benchFields } from "./form-weight/fields.ts";
import { BENCH_SLUG, publishBenchForm, startGuestApplication, startPageUrl } from "./form-weight/runner.ts";
import { type BenchServer, startBenchServer } from "./form-weight/server.ts";

/**
 * form-weight: the same 30-field form drawn by our runner, by SurveyJS and by Form.io, in Chromium.
 *
 * All three pages come from one gzip-compressing server on 127.0.0.1 (bench/form-weight/server.ts: the
 * competitors' pages and bundles from node_modules, and a reverse proxy in front of our platform), each
 * load in a fresh browser context (cold cache). Reported per renderer and network condition, medians of
 * the iterations: the JavaScript the page made the browser download (compressed bytes as transferred)
 * and the time from navigation start to the first frame in which a form control of the form is visible.
 */

type Renderer = "tenohira" | "surveyjs" | "formio";
const allRenderers: readonly Renderer[] = ["tenohira", "surveyjs", "formio"];
type Network = "none" | "mobile";
const allNetworks: readonly Network[] = ["none", "mobile"];

type Options = {
  iterations: number;
  renderers: Renderer[];
  networks: Network[];
  screenshots: string | undefined;
};

/** One page load's measurements. */
type Sample = {
  jsBytes: number;
  jsTransferBytes: number;
  jsDecodedBytes: number;
  jsRequests: number;
  inlineJsBytes: number;
  htmlBytes: number;
  cssBytes: number;
  totalBytes: number;
  firstRenderMs: number;
  fcpMs: number | null;
  blocked: string[];
};

const log = (message: string) => process.stderr.write(`[form-weight] ${message}\n`);
/** A phone-sized viewport (Lighthouse's mobile width), the same for all three. */
const VIEWPORT = { width: 412, height: 823 };
/**
 * Lighthouse's "mobile" conditions as DevTools applies them (slow 4G and a 4× slower CPU): 562.5 ms request
 * latency, 1.6 Mbit/s × 0.9 down, 750 kbit/s × 0.9 up.
 */
const MOBILE = {
  latency: 562.5,
  downloadThroughput: (1.6 * 1024 * 1024 * 0.9) / 8,
  uploadThroughput: (750 * 1024 * 0.9) / 8,
  cpuSlowdown: 4,
};

function parseOptions(args: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...args],
    options: {
      iterations: { type: "string", default: "5" },
      renderers: { type: "string", default: allRenderers.join(",") },
      network: { type: "string", default: allNetworks.join(",") },
      screenshots: { type: "string" },
    },
    strict: true,
  });
  const iterations = Number(values.iterations);
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new Error(`--iterations must be a positive integer, got ${values.iterations}`);
  }
  const listOf = <T extends string>(name: string, text: string, allowed: readonly T[]): T[] => {
    const items = text.split(",").map((item) => item.trim());
    for (const item of items) {
      if (!allowed.includes(item as T)) {
        throw new Error(`--${name} takes ${allowed.join(", ")}, got ${item}`);
      }
    }
    return allowed.filter((item) => items.includes(item));
  };
  return {
    iterations,
    renderers: listOf("renderers", values.renderers, allRenderers),
    networks: listOf("network", values.network, allNetworks),
    screenshots: values.screenshots,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/** The flags of core/testing/browser.ts, and no name resolution but 127.0.0.1: nothing can reach a CDN. */
function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ],
  });
}

/**
 * Runs in the page before any of its scripts: on every animation frame (frames are produced only once the
 * page may render, i.e. after its render-blocking styles), looks for a visible form control inside <main>
 * and keeps the time of the first frame that has one. The same definition for all three pages.
 */
function watchFirstRender(): void {
  const visible = (element: Element) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && element.checkVisibility({ visibilityProperty: true });
  };
  const frame = () => {
    const controls = document.querySelectorAll("main input:not([type=hidden]), main textarea, main select");
    if ([...controls].some(visible)) {
      (window as unknown as { __benchFirstRender: number }).__benchFirstRender = performance.now();
      return;
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

type PageMetrics = {
  firstRender: number | undefined;
  fcp: number | null;
  document: { encoded: number };
  resources: { url: string; encoded: number; decoded: number }[];
  inlineJsBytes: number;
  labelsMissing: string[];
};

/** Reads the page's own timings and sizes (Navigation and Resource Timing, paint timing). */
function readPageMetrics(labels: readonly string[]): PageMetrics {
  const navigation = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
  const resources = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
  const inline = [...document.querySelectorAll("script:not([src])")].filter(
    (script) =>
      !(script as HTMLScriptElement).type || /javascript|module/.test((script as HTMLScriptElement).type),
  );
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point: every label must be drawn.
  const text = document.body.innerText;
  return {
    firstRender: (window as unknown as { __benchFirstRender?: number }).__benchFirstRender,
    fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? null,
    document: { encoded: navigation.encodedBodySize },
    resources: resources.map((entry) => ({
      url: entry.name,
      encoded: entry.encodedBodySize,
      decoded: entry.decodedBodySize,
    })),
    inlineJsBytes: inline.reduce(
      (sum, script) => sum + new TextEncoder().encode(script.textContent ?? "").length,
      0,
    ),
    labelsMissing: labels.filter((label) => !text.includes(label)),
  };
}

type Target = { url: string; cookies: Cookie[] };

async function loadOnce(
  browser: Browser,
  renderer: Renderer,
  target: Target,
  network: Network,
  origin: string,
  screenshot: string | undefined,
): Promise<Sample> {
  const context: BrowserContext = await browser.newContext({ viewport: VIEWPORT });
  try {
    await context.addCookies(target.cookies);
    await context.addInitScript(watchFirstRender);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const types = new Map<string, { url: string; type: string }>();
    const transfer = new Map<string, number>();
    const blocked: string[] = [];
    cdp.on("Network.responseReceived", (event) => {
      types.set(event.requestId, { url: event.response.url, type: event.type });
    });
    const inFlight = new Set<string>();
    let lastActivity = performance.now();
    const settle = (requestId: string) => {
      inFlight.delete(requestId);
      lastActivity = performance.now();
    };
    cdp.on("Network.loadingFinished", (event) => {
      transfer.set(event.requestId, event.encodedDataLength);
      settle(event.requestId);
    });
    cdp.on("Network.loadingFailed", (event) => settle(event.requestId));
    cdp.on("Network.requestWillBeSent", (event) => {
      inFlight.add(event.requestId);
      lastActivity = performance.now();
      if (!event.request.url.startsWith(origin) && !event.request.url.startsWith("data:")) {
        blocked.push(event.request.url);
      }
    });
    await cdp.send("Network.enable");
    if (network === "mobile") {
      await cdp.send("Network.emulateNetworkConditions", {
        offline: false,
        latency: MOBILE.latency,
        downloadThroughput: MOBILE.downloadThroughput,
        uploadThroughput: MOBILE.uploadThroughput,
      });
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: MOBILE.cpuSlowdown });
    }
    await page.goto(target.url, { waitUntil: "load", timeout: 120_000 });
    await page.waitForFunction(
      () => (window as unknown as { __benchFirstRender?: number }).__benchFirstRender !== undefined,
      undefined,
      { timeout: 120_000 },
    );
    // Count what a renderer fetches after its first frame too (lazy chunks, fonts, icons): wait for 1 s
    // without requests. (Chromium's own network-idle signal never came for Form.io under CPU throttling.)
    const quietSince = performance.now();
    while (inFlight.size > 0 || performance.now() - lastActivity < 1000) {
      if (performance.now() - quietSince > 60_000) {
        throw new Error(`${renderer}: the network did not settle within 60 s`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const metrics = await page.evaluate(
      readPageMetrics,
      benchFields.map((field) => field.label),
    );
    if (metrics.labelsMissing.length > 0) {
      throw new Error(`${renderer} did not draw the labels ${metrics.labelsMissing.join(", ")}`);
    }
    if (screenshot) {
      await page.screenshot({ path: screenshot, fullPage: true });
    }
    const scriptIds = [...types].filter(([, { type }]) => type === "Script");
    const scriptUrls = new Set(scriptIds.map(([, { url }]) => url));
    const scripts = metrics.resources.filter((entry) => scriptUrls.has(entry.url));
    const styles = metrics.resources.filter((entry) =>
      [...types.values()].some(({ url, type }) => url === entry.url && type === "Stylesheet"),
    );
    const sum = (list: readonly number[]) => list.reduce((total, value) => total + value, 0);
    return {
      jsBytes: sum(scripts.map((entry) => entry.encoded)),
      jsTransferBytes: sum(scriptIds.map(([id]) => transfer.get(id) ?? 0)),
      jsDecodedBytes: sum(scripts.map((entry) => entry.decoded)),
      jsRequests: scriptIds.length,
      inlineJsBytes: metrics.inlineJsBytes,
      htmlBytes: metrics.document.encoded,
      cssBytes: sum(styles.map((entry) => entry.encoded)),
      totalBytes: metrics.document.encoded + sum(metrics.resources.map((entry) => entry.encoded)),
      firstRenderMs: metrics.firstRender!,
      fcpMs: metrics.fcp,
      blocked,
    };
  } finally {
    await context.close();
  }
}

export async function main(args: readonly string[]): Promise<void> {
  const options = parseOptions(args);
  if (options.screenshots) {
    mkdirSync(options.screenshots, { recursive: true });
  }
  log("starting the demo city (in-memory PGlite unless TEST_DB=postgres), the bench server and Chromium");
  const testServer = await startTestServer();
  let benchServer: BenchServer | undefined;
  let browser: Browser | undefined;
  try {
    benchServer = await startBenchServer({ platformOrigin: testServer.baseUrl });
    const { origin } = benchServer;
    browser = await launch();
    const targets = new Map<Renderer, Target>();
    for (const renderer of options.renderers) {
      if (renderer === "tenohira") {
        await publishBenchForm(testServer);
        const start = await startPageUrl(origin);
        if ("status" in start) {
          log(`our runner is not there yet (GET /forms/${BENCH_SLUG} answered ${start.status}): skipping it`);
          continue;
        }
        const application = await startGuestApplication(browser, start.url);
        targets.set(renderer, { url: application.firstPageUrl, cookies: application.cookies });
      } else {
        targets.set(renderer, { url: `${origin}/bench/${renderer}`, cookies: [] });
      }
    }
    const renderers = [...targets.keys()];
    log(`renderers: ${renderers.join(", ")}; ${options.iterations} iterations per network condition`);

    for (const network of options.networks) {
      // One unmeasured round warms the server and the OS file cache, and checks every page draws all labels.
      for (const renderer of renderers) {
        const screenshot = options.screenshots
          ? join(options.screenshots, `${renderer}-${network}.png`)
          : undefined;
        const warm = await loadOnce(browser, renderer, targets.get(renderer)!, network, origin, screenshot);
        if (warm.blocked.length > 0) {
          log(`${renderer} asked for off-machine resources (refused): ${warm.blocked.join(", ")}`);
        }
      }
      const samples = new Map<Renderer, Sample[]>(renderers.map((renderer) => [renderer, []]));
      for (let iteration = 0; iteration < options.iterations; iteration++) {
        // Rotate the order so drift in machine load hits every renderer alike.
        const order = renderers.map((_, index) => renderers[(index + iteration) % renderers.length]!);
        for (const renderer of order) {
          const sample = await loadOnce(
            browser,
            renderer,
            targets.get(renderer)!,
            network,
            origin,
            undefined,
          );
          samples.get(renderer)!.push(sample);
          log(
            `${network} #${iteration + 1} ${renderer.padEnd(8)} js=${sample.jsBytes} B ` +
              `first render ${sample.firstRenderMs.toFixed(0)} ms fcp ${sample.fcpMs?.toFixed(0) ?? "-"} ms`,
          );
        }
      }
      const results = new Map<Renderer, { jsBytes: number; firstRenderMs: number }>();
      for (const renderer of renderers) {
        const list = samples.get(renderer)!;
        const med = (pick: (sample: Sample) => number) => median(list.map(pick));
        const firstRenders = list.map((sample) => sample.firstRenderMs);
        const fcps = list.flatMap((sample) => (sample.fcpMs === null ? [] : [sample.fcpMs]));
        const result = {
          name: "form-weight",
          renderer,
          network,
          fields: benchFields.length,
          iterations: list.length,
          js_bytes: med((sample) => sample.jsBytes),
          js_transfer_bytes: med((sample) => sample.jsTransferBytes),
          js_decoded_bytes: med((sample) => sample.jsDecodedBytes),
          js_requests: med((sample) => sample.jsRequests),
          inline_js_bytes: med((sample) => sample.inlineJsBytes),
          html_bytes: med((sample) => sample.htmlBytes),
          css_bytes: med((sample) => sample.cssBytes),
          total_bytes: med((sample) => sample.totalBytes),
          first_render_ms: round(median(firstRenders)),
          first_render_min_ms: round(Math.min(...firstRenders)),
          first_render_max_ms: round(Math.max(...firstRenders)),
          fcp_ms: fcps.length > 0 ? round(median(fcps)) : null,
        };
        results.set(renderer, {
          jsBytes: result.js_bytes + result.inline_js_bytes,
          firstRenderMs: result.first_render_ms,
        });
        process.stdout.write(`${JSON.stringify(result)}\n`);
      }
      const ours = results.get("tenohira");
      if (ours) {
        const others = [...results].filter(([renderer]) => renderer !== "tenohira");
        // Inline scripts count too (at their uncompressed size), so no page wins by inlining its script.
        const ourJs = Math.max(1, ours.jsBytes);
        const lessJs = Object.fromEntries(
          others.map(([renderer, other]) => [
            `js_times_less_than_${renderer}`,
            round(other.jsBytes / ourJs, 1),
          ]),
        );
        const fiveTimesLess = others.every(([, other]) => other.jsBytes >= 5 * ourJs);
        const rendersFirst = others.every(([, other]) => ours.firstRenderMs < other.firstRenderMs);
        process.stdout.write(
          `${JSON.stringify({
            name: "form-weight",
            summary: true,
            network,
            ...lessJs,
            js_5x_less: fiveTimesLess,
            renders_first: rendersFirst,
            target_met: fiveTimesLess && rendersFirst,
          })}\n`,
        );
      }
    }
  } finally {
    await browser?.close();
    await benchServer?.close();
    await testServer.close();
  }
}
