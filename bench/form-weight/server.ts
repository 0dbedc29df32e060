import { readFileSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";
import { gzipSync } from "node:zlib";
import { formioDefinition, surveyJsDefinition } from "./fields.ts";

/**
 * The bench's web server on 127.0.0.1: the SurveyJS and Form.io pages with the libraries' browser bundles
 * from node_modules (nothing from a CDN), and, in front of our platform, a reverse proxy for everything
 * else. Every text response leaves it gzip-compressed, so the three renderers are served alike and the
 * browser's transfer sizes are compressed sizes.
 */

const ROOT = join(import.meta.dirname, "..", "..");
const HERE = import.meta.dirname;
/** The only packages whose files are served: the two competitors' bundles and styles. */
const SERVED_PACKAGES = ["survey-core", "survey-js-ui", "@formio/js"];

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".eot": "application/vnd.ms-fontobject",
};

const compressible = (contentType: string) =>
  /^(text\/|application\/(json|javascript|xml)|image\/svg\+xml)/.test(contentType);

/** JSON inside <script type="application/json">: no `<` may close the element early. */
const scriptSafeJson = (value: unknown) => JSON.stringify(value).replaceAll("<", "\\u003c");

/** The competitors' pages, with the form's JSON inlined (data, not a script resource: it is not counted). */
function competitorPages(): Map<string, string> {
  const fill = (file: string, definition: unknown) =>
    readFileSync(join(HERE, file), "utf8").replace('"FORM_JSON"', scriptSafeJson(definition));
  return new Map([
    ["/bench/surveyjs", fill("surveyjs.html", surveyJsDefinition())],
    ["/bench/formio", fill("formio.html", formioDefinition())],
  ]);
}

type Body = { contentType: string; body: Buffer };

/** Files are read and compressed once, so serving them costs the competitors no time during a run. */
const fileCache = new Map<string, Body>();

function staticFile(pathname: string): Body | undefined {
  const cached = fileCache.get(pathname);
  if (cached) {
    return cached;
  }
  if (!pathname.startsWith("/node_modules/")) {
    return undefined;
  }
  const relative = normalize(decodeURIComponent(pathname.slice("/node_modules/".length)));
  if (!SERVED_PACKAGES.some((name) => relative.startsWith(`${name}${sep}`)) || relative.includes("..")) {
    return undefined;
  }
  try {
    const body = readFileSync(join(ROOT, "node_modules", relative));
    const file = { contentType: contentTypes[extname(relative)] ?? "application/octet-stream", body };
    fileCache.set(pathname, file);
    return file;
  } catch {
    return undefined;
  }
}

const gzipCache = new WeakMap<Buffer, Buffer>();

function send(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  { contentType, body }: Body,
) {
  const acceptsGzip = /\bgzip\b/.test(String(request.headers["accept-encoding"] ?? ""));
  response.setHeader("content-type", contentType);
  response.setHeader("cache-control", "no-store");
  if (acceptsGzip && compressible(contentType)) {
    let zipped = gzipCache.get(body);
    if (!zipped) {
      zipped = gzipSync(body);
      gzipCache.set(body, zipped);
    }
    response.setHeader("content-encoding", "gzip");
    response.setHeader("vary", "accept-encoding");
    response.writeHead(status).end(zipped);
  } else {
    response.writeHead(status).end(body);
  }
}

/** Forwards a request to the platform, then compresses its answer like the static files. */
function proxy(platform: URL, request: IncomingMessage, response: ServerResponse) {
  const headers = { ...request.headers };
  // The proxy compresses; the platform should send plain bytes.
  delete headers["accept-encoding"];
  const upstream = httpRequest(
    {
      hostname: platform.hostname,
      port: platform.port,
      method: request.method,
      path: request.url,
      headers,
    },
    (answer) => {
      const chunks: Buffer[] = [];
      answer.on("data", (chunk: Buffer) => chunks.push(chunk));
      answer.on("end", () => {
        const body = Buffer.concat(chunks);
        const contentType = String(answer.headers["content-type"] ?? "");
        for (const [name, value] of Object.entries(answer.headers)) {
          if (value !== undefined && !["content-length", "transfer-encoding", "connection"].includes(name)) {
            response.setHeader(name, value);
          }
        }
        const status = answer.statusCode ?? 502;
        const acceptsGzip = /\bgzip\b/.test(String(request.headers["accept-encoding"] ?? ""));
        if (
          acceptsGzip &&
          compressible(contentType) &&
          !answer.headers["content-encoding"] &&
          body.length > 0
        ) {
          response.setHeader("content-encoding", "gzip");
          response.setHeader("vary", "accept-encoding");
          response.writeHead(status).end(gzipSync(body));
        } else {
          response.writeHead(status).end(body);
        }
      });
    },
  );
  upstream.on("error", (error) => {
    response.writeHead(502, { "content-type": "text/plain" }).end(String(error));
  });
  request.pipe(upstream);
}

export type BenchServer = { origin: string; close(): Promise<void> };

/** Starts the server on a free port of 127.0.0.1; `platformOrigin` is where unknown paths are forwarded. */
export async function startBenchServer(options: { platformOrigin?: string } = {}): Promise<BenchServer> {
  const pages = new Map(
    [...competitorPages()].map(([path, html]): [string, Body] => [
      path,
      { contentType: contentTypes[".html"]!, body: Buffer.from(html) },
    ]),
  );
  const platform = options.platformOrigin ? new URL(options.platformOrigin) : undefined;
  const server = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? "/", "http://localhost");
    const page = pages.get(pathname);
    if (page !== undefined && request.method === "GET") {
      send(request, response, 200, page);
      return;
    }
    const file = request.method === "GET" ? staticFile(pathname) : undefined;
    if (file) {
      send(request, response, 200, file);
    } else if (platform) {
      proxy(platform, request, response);
    } else {
      send(request, response, 404, { contentType: "text/plain", body: Buffer.from("not found") });
    }
  });
  // Chromium keeps sockets open between iterations; do not let Node close them under it mid-request.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
