import type { Context } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../../core/http/app-env.ts";
import { ProblemError } from "../../core/http/problem.ts";

/** Small helpers the facilities pages share. */

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const ID = "{[0-9a-f-]{36}}";

/** The text in the request's language. */
export function say(c: Context<AppEnv>, ja: string, en: string): string {
  return c.var.lang === "ja" ? ja : en;
}

export function pick(c: Context<AppEnv>, text: { ja: string; en: string }): string {
  return c.var.lang === "ja" ? text.ja : text.en;
}

/** A refusal shown on the page, in the page's language, with the status the operation chose. */
export function problemNotice(c: Context<AppEnv>, problem: ProblemError) {
  return html`<div class="error-summary" role="alert"><h2>${say(c, "予約できませんでした", "This could not be done")}</h2><p>${pick(c, problem.title)}</p></div>`;
}

/** Runs a form's operation; a ProblemError becomes the page re-rendered with it, anything else propagates. */
export async function orProblem<T>(work: () => Promise<T>): Promise<T | ProblemError> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ProblemError) {
      return error;
    }
    throw error;
  }
}

export async function formFields(c: Context<AppEnv>): Promise<(name: string) => string> {
  const body = await c.req.parseBody();
  return (name) => {
    const value = body[name];
    return typeof value === "string" ? value : "";
  };
}
