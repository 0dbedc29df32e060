import type { Expression } from "./form-definition.ts";

/** What expressions read: answers by field key; `group.field` reads that field of every item of a group. */
export type ExpressionScope = Readonly<Record<string, unknown>>;

type Value = unknown;

function lookup(scope: ExpressionScope, path: string): Value {
  const [head, member] = path.split(".") as [string, string | undefined];
  const value = scope[head];
  if (member === undefined) {
    return value ?? null;
  }
  return Array.isArray(value)
    ? value.map((item) =>
        item && typeof item === "object" ? (item as Record<string, unknown>)[member] : null,
      )
    : null;
}

/** JSON Logic truthiness: empty arrays and strings, 0, null and false are false. */
export function truthy(value: Value): boolean {
  if (Array.isArray(value)) {
    return value.length > 0;
  }
  return Boolean(value);
}

function toNumber(value: Value): number {
  if (Array.isArray(value)) {
    return value.reduce<number>((sum, item) => sum + toNumber(item), 0);
  }
  const number = typeof value === "number" ? value : Number(value ?? 0);
  return Number.isFinite(number) ? number : 0;
}

/** A value read as a number for equality: only numbers, booleans and numeric text; anything else is none. */
function numberOrNone(value: Value): number | null {
  if (typeof value === "number" || typeof value === "boolean") {
    return Number(value);
  }
  if (typeof value === "string" && value.trim() !== "") {
    const number = Number(value);
    return Number.isFinite(number) ? number : null;
  }
  return null;
}

/** Equality as residents mean it: "3" equals 3, and a choice list equals a value it holds. */
function looselyEqual(a: Value, b: Value): boolean {
  if (Array.isArray(a) !== Array.isArray(b)) {
    const [list, single] = (Array.isArray(a) ? [a, b] : [b, a]) as [Value[], Value];
    return list.some((item) => looselyEqual(item, single));
  }
  if (typeof a === "number" || typeof b === "number") {
    // "other" is not 0: text that is not a number equals no number.
    const x = numberOrNone(a);
    const y = numberOrNone(b);
    return x !== null && y !== null && x === y;
  }
  return (a ?? null) === (b ?? null);
}

/**
 * Evaluates a condition or computed value against the answers. Pure and total: missing answers read as
 * null, non-numbers as 0, so a half-filled form never throws.
 */
export function evaluate(expression: Expression, scope: ExpressionScope): Value {
  if (expression === null || typeof expression !== "object") {
    return expression;
  }
  const [operator, raw] = Object.entries(expression)[0] as [string, unknown];
  const args = raw as Expression[];
  const at = (index: number) => evaluate(args[index] as Expression, scope);
  switch (operator) {
    case "var":
      return lookup(scope, raw as string);
    case "==":
      return looselyEqual(at(0), at(1));
    case "!=":
      return !looselyEqual(at(0), at(1));
    case ">":
      return toNumber(at(0)) > toNumber(at(1));
    case ">=":
      return toNumber(at(0)) >= toNumber(at(1));
    case "<":
      return toNumber(at(0)) < toNumber(at(1));
    case "<=":
      return toNumber(at(0)) <= toNumber(at(1));
    case "in": {
      const needle = at(0);
      const haystack = at(1);
      if (Array.isArray(haystack)) {
        return haystack.some((item) => looselyEqual(item, needle));
      }
      // A missing answer is in no text ("".includes would say it is in every one).
      return (
        typeof haystack === "string" && needle !== null && needle !== "" && haystack.includes(String(needle))
      );
    }
    case "and":
      return args.every((arg) => truthy(evaluate(arg, scope)));
    case "or":
      return args.some((arg) => truthy(evaluate(arg, scope)));
    case "!":
      return !truthy(at(0));
    case "+":
      return args.reduce<number>((sum, arg) => sum + toNumber(evaluate(arg, scope)), 0);
    case "-":
      return toNumber(at(0)) - toNumber(at(1));
    case "*":
      return args.reduce<number>((product, arg) => product * toNumber(evaluate(arg, scope)), 1);
    case "if": {
      // [cond, then, cond, then, ..., else]
      for (let i = 0; i + 1 < args.length; i += 2) {
        if (truthy(at(i))) {
          return at(i + 1);
        }
      }
      return args.length % 2 === 1 ? at(args.length - 1) : null;
    }
    case "count": {
      const value = at(0);
      return Array.isArray(value) ? value.length : value === null || value === "" ? 0 : 1;
    }
    default:
      throw new Error(`Unknown operator ${operator}`);
  }
}

/** Whether a condition holds; an absent condition always holds. */
export function holds(condition: Expression | undefined, scope: ExpressionScope): boolean {
  return condition === undefined || truthy(evaluate(condition, scope));
}

/** Field keys an expression reads (for the builder's checks and the client's live updates). */
export function variablesOf(expression: Expression): string[] {
  if (expression === null || typeof expression !== "object") {
    return [];
  }
  const [operator, raw] = Object.entries(expression)[0] as [string, unknown];
  if (operator === "var") {
    return [(raw as string).split(".")[0]!];
  }
  return (raw as Expression[]).flatMap(variablesOf);
}
