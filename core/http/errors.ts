import type { Context } from "hono";
import { html } from "hono/html";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./app-env.ts";
import { renderPage } from "./layout.ts";
import { ProblemError, problemBody, problems } from "./problem.ts";

const API_PREFIXES = ["/api/", "/staff/api/"];

/**
 * An API with an error document of its own (a standard's, such as Open311's): every refusal under
 * `pathPrefix` is written by `render`, whichever layer refused it (body size, routing, the route itself).
 * `render` answers null for a refusal its format has no code for, which then gets problem+json.
 */
export type ErrorFormat = {
  pathPrefix: string;
  render(c: Context<AppEnv>, problem: ProblemError): Response | null;
};

function wantsJson(c: Context<AppEnv>, formats: readonly ErrorFormat[]): boolean {
  const path = c.req.path;
  if (
    [...API_PREFIXES, ...formats.map((format) => format.pathPrefix)].some((prefix) => path.startsWith(prefix))
  ) {
    return true;
  }
  const accept = c.req.header("accept") ?? "";
  return accept.includes("application/json") && !accept.includes("text/html");
}

/** The SQLSTATE of a database error, looking through the driver's and the query builder's wrapping. */
function sqlState(error: unknown): string | null {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
      return code;
    }
  }
  return null;
}

function toProblem(error: Error): ProblemError | null {
  if (error instanceof ProblemError) {
    return error;
  }
  // invalid_text_representation: a path id that is no uuid (or number) cannot name any record, so the
  // honest answer is "not found", not a server error.
  const state = sqlState(error);
  if (state === "22P02") {
    return problems.notFound();
  }
  // character_not_in_repertoire (a NUL in text) and datetime_field_overflow (year 0, month 13): the input
  // can never be stored or compared, which is the client's mistake, not the server's.
  if (state === "22021" || state === "22008") {
    return new ProblemError(400, "bad-request", {
      ja: "入力に使えない文字や日付が含まれています",
      en: "The request contains a character or date that cannot be used",
    });
  }
  if (error instanceof HTTPException) {
    if (error.status === 413) {
      return problems.payloadTooLarge(0);
    }
    if (error.status === 400 && /json/i.test(error.message)) {
      return problems.malformedJson();
    }
    if (error.status < 500) {
      return new ProblemError(error.status, "bad-request", {
        ja: "リクエストを処理できません",
        en: error.message || "Bad request",
      });
    }
  }
  return null;
}

type ErrorHandler = (error: Error, c: Context<AppEnv>) => Response | Promise<Response>;

/** Users get problem+json, their API's own error document, or a friendly page; a stack trace only ever reaches the log. */
export function createErrorHandler(formats: readonly ErrorFormat[] = []): ErrorHandler {
  return (error, c) => {
    // A prepared response (e.g. the redirect to sign in or step up) is an answer, not an error.
    if (error instanceof HTTPException && error.res) {
      return error.getResponse();
    }
    const problem = toProblem(error);
    const own = problem ? formats.find((format) => c.req.path.startsWith(format.pathPrefix)) : undefined;
    return (problem && own?.render(c, problem)) || present(error, problem, c, formats);
  };
}

function present(
  error: Error,
  problem: ProblemError | null,
  c: Context<AppEnv>,
  formats: readonly ErrorFormat[],
): Response | Promise<Response> {
  const requestId = c.get("requestId") ?? "";
  if (!problem) {
    c.get("services")?.logger.error({ err: error, requestId, path: c.req.path }, "unhandled error");
  }
  const status = problem?.status ?? 500;
  if (wantsJson(c, formats) || !c.get("t")) {
    const body = problem
      ? problemBody(problem, c.req.path, requestId)
      : {
          type: "https://tenohira.org/problems/internal",
          title: "Something went wrong on our side",
          title_ja: "サーバーで問題が発生しました",
          status: 500,
          instance: c.req.path,
          request_id: requestId,
        };
    return c.body(JSON.stringify(body), status, {
      "content-type": "application/problem+json; charset=utf-8",
      ...problem?.extra.headers,
    });
  }
  const t = c.get("t");
  const lang = c.get("lang");
  const title = problem
    ? status === 404
      ? t("error.notFound.title")
      : problem.title[lang]
    : t("error.server.title");
  const message = problem
    ? status === 404
      ? t("error.notFound.body")
      : (problem.extra.detail ?? "")
    : t("error.server.body", { requestId });
  return renderPage(c, {
    title,
    status,
    body: html`<h1>${title}</h1><p>${message}</p><p><a href="/">${t("error.backHome")}</a></p>`,
  });
}

/** The answer for a path no route serves, in the same format as every other refusal there. */
export function createNotFoundHandler(handle: ErrorHandler) {
  return (c: Context<AppEnv>): Response | Promise<Response> => handle(problems.notFound(), c);
}
