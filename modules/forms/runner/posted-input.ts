import type { Context } from "hono";
import type { AppEnv } from "../../../core/http/app-env.ts";
import type { PageInput } from "../definition/validate-page.ts";

/** Reads a posted form into name → every string value, and name → uploaded files. */
export async function readPost(
  c: Context<AppEnv>,
): Promise<{ input: PageInput; files: Map<string, File[]>; action: string }> {
  const body = await c.req.parseBody({ all: true });
  const input: PageInput = new Map();
  const files = new Map<string, File[]>();
  for (const [name, raw] of Object.entries(body)) {
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      if (typeof value === "string") {
        input.set(name, [...(input.get(name) ?? []), value]);
      } else if (value.size > 0) {
        files.set(name, [...(files.get(name) ?? []), value]);
      }
    }
  }
  const action = input.get("_action")?.[0] ?? "next";
  return { input, files, action };
}

export function errorsIn(
  lang: "ja" | "en",
  problems: { input: string; message: { ja: string; en: string } }[],
) {
  const errors: Record<string, string> = {};
  for (const problem of problems) {
    errors[problem.input] ??= problem.message[lang];
  }
  return errors;
}

/** Moves the posted items of a repeating group down by one from `index`, for "remove" without JavaScript. */
export function withoutGroupItem(input: PageInput, key: string, index: number): PageInput {
  const next: PageInput = new Map();
  const pattern = new RegExp(`^${key}\\.(\\d+)\\.(.+)$`);
  for (const [name, values] of input) {
    const match = pattern.exec(name);
    if (!match) {
      next.set(name, values);
      continue;
    }
    const item = Number(match[1]);
    if (item !== index) {
      next.set(`${key}.${item > index ? item - 1 : item}.${match[2]}`, values);
    }
  }
  const count = Number(input.get(`${key}.count`)?.[0] ?? 1);
  next.set(`${key}.count`, [String(Math.max(0, count - 1))]);
  return next;
}
