import type { Context } from "hono";
import type { AppEnv } from "../../../core/http/app-env.ts";
import type { ErrorFormat } from "../../../core/http/errors.ts";

/** GeoReport v2 answers in the format named by the path's suffix. */
export type Open311Format = "json" | "xml";

/** A value of a GeoReport document: arrays become repeated child elements in XML. */
export type Open311Value = string | number | boolean | null | undefined | Open311Value[] | Open311Object;
export type Open311Object = { [key: string]: Open311Value };

/** The element name of one item of each list the specification defines. */
const ITEM_NAMES: Record<string, string> = {
  services: "service",
  service_requests: "request",
  errors: "error",
  attributes: "attribute",
  values: "value",
  endpoints: "endpoint",
  formats: "format",
};

const OPEN311_STATUSES = [400, 403, 404, 413, 429] as const;
export type Open311Status = (typeof OPEN311_STATUSES)[number];

/** A refusal in the specification's shape: one or more {code, description}. */
export class Open311Error extends Error {
  override name = "Open311Error";
  readonly status: Open311Status;
  readonly descriptions: string[];
  readonly headers: Record<string, string>;
  constructor(status: Open311Status, descriptions: string[], headers: Record<string, string> = {}) {
    super(descriptions.join("; "));
    this.status = status;
    this.descriptions = descriptions;
    this.headers = headers;
  }
}

/** "services.json" → {base: "services", format: "json"}; null for any other suffix. */
export function splitFormat(name: string): { base: string; format: Open311Format } | null {
  const match = /^(.+)\.(json|xml)$/.exec(name);
  return match ? { base: match[1]!, format: match[2] as Open311Format } : null;
}

/** Characters XML 1.0 forbids even escaped (C0 controls but tab and newlines, U+FFFE/F, lone surrogates). */
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text as XML character data: forbidden characters dropped, so one stored control character cannot break a document. */
export const escapeXml = (text: string) =>
  text
    .replace(NOT_XML, "")
    .replace(
      /[<>&"']/g,
      (ch) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[ch]!,
    );

function element(name: string, value: Open311Value): string {
  if (value === null || value === undefined) {
    return `<${name}/>`;
  }
  if (Array.isArray(value)) {
    const item = ITEM_NAMES[name] ?? "item";
    return `<${name}>${value.map((v) => element(item, v)).join("")}</${name}>`;
  }
  if (typeof value === "object") {
    return `<${name}>${Object.entries(value)
      .map(([key, v]) => element(key, v))
      .join("")}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** The XML document of a GeoReport answer: a root element holding the list or object. */
export function toXml(root: string, value: Open311Value): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, value)}`;
}

/** Answers a document as JSON (the bare list or object) or XML (under `root`). */
export function respond(
  c: Context<AppEnv>,
  format: Open311Format,
  root: string,
  value: Open311Value,
  status: 200 | Open311Status = 200,
  headers: Record<string, string> = {},
): Response {
  if (format === "xml") {
    return c.body(toXml(root, value), status, { ...headers, "content-type": "text/xml; charset=utf-8" });
  }
  return c.body(JSON.stringify(value), status, {
    ...headers,
    "content-type": "application/json; charset=utf-8",
  });
}

/** The specification's error document: `[{"code":400,"description":"…"}]` or `<errors><error>…`. */
export function respondError(c: Context<AppEnv>, format: Open311Format, error: Open311Error): Response {
  return respond(
    c,
    format,
    "errors",
    error.descriptions.map((description) => ({ code: error.status, description })),
    error.status,
    error.headers,
  );
}

/** Our messages are bilingual; GeoReport has one description field, so both go in it. */
export const bilingual = (message: { ja: string; en: string }) => `${message.ja} / ${message.en}`;

/**
 * Refusals made before a GeoReport route runs (a body over the size limit, an unknown path) or thrown as a
 * problem inside one, written as the specification's error document in the format the path names.
 */
export const open311ErrorFormat: ErrorFormat = {
  pathPrefix: "/open311/",
  render(c, problem) {
    const status = OPEN311_STATUSES.find((code) => code === problem.status);
    if (!status) {
      return null;
    }
    const description = [bilingual(problem.title), problem.extra.detail].filter(Boolean).join(" — ");
    const format: Open311Format = c.req.path.endsWith(".xml") ? "xml" : "json";
    return respondError(c, format, new Open311Error(status, [description], problem.extra.headers));
  },
};
