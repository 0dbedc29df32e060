import type { Hook } from "@hono/zod-openapi";
import { type core, z } from "zod";
import type { AppEnv } from "./app-env.ts";
import { type ProblemFieldError, problems } from "./problem.ts";

const japanese = z.locales.ja();

/** Each invalid field, as a JSON pointer with its message in English and Japanese. */
export function fieldErrors(issues: readonly core.$ZodIssue[]): ProblemFieldError[] {
  return issues.map((issue) => ({
    pointer: `/${issue.path.map(String).join("/")}`,
    detail: issue.message,
    detailJa: inJapanese(issue),
  }));
}

/** A custom check may carry its own Japanese as `params.ja`; zod's locale covers the built-in checks. */
function inJapanese(issue: core.$ZodIssue): string {
  if (issue.code === "custom" && typeof issue.params?.["ja"] === "string") {
    return issue.params["ja"];
  }
  const message = japanese.localeError(issue as unknown as core.$ZodRawIssue);
  return (typeof message === "string" ? message : message?.message) ?? issue.message;
}

/** OpenAPIHono's hook for invalid input: a 400 problem listing every bad field. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (!result.success) {
    throw problems.invalidRequest(fieldErrors(result.error.issues));
  }
};
