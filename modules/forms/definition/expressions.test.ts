import { describe, expect, it } from "vitest";
import { evaluate, holds, truthy, variablesOf } from "./expressions.ts";
import { Expression } from "./form-definition.ts";

const scope = {
  copies: 2,
  purpose: "other",
  include: ["honseki", "setainushi"],
  children: [
    { name: { name: "手乃 太郎" }, grade: "g1", siblings: 1 },
    { name: { name: "手乃 花子" }, grade: "g3", siblings: 2 },
  ],
  empty_list: [],
  blank: "",
  zero: 0,
};

describe("evaluate", () => {
  it("returns literals as they are", () => {
    expect(evaluate(3, scope)).toBe(3);
    expect(evaluate("text", scope)).toBe("text");
    expect(evaluate(true, scope)).toBe(true);
    expect(evaluate(null, scope)).toBeNull();
  });

  it("reads answers, and missing answers as null", () => {
    expect(evaluate({ var: "copies" }, scope)).toBe(2);
    expect(evaluate({ var: "purpose" }, scope)).toBe("other");
    expect(evaluate({ var: "not_there" }, scope)).toBeNull();
    expect(evaluate({ var: "not_there" }, {})).toBeNull();
  });

  it("reads one field of every item of a group with group.field", () => {
    expect(evaluate({ var: "children.grade" }, scope)).toEqual(["g1", "g3"]);
    expect(evaluate({ var: "children.siblings" }, scope)).toEqual([1, 2]);
    // A member some items lack reads as a hole, not an error.
    expect(evaluate({ var: "children.missing" }, scope)).toEqual([undefined, undefined]);
    // group.field on something that is not a group is null.
    expect(evaluate({ var: "purpose.field" }, scope)).toBeNull();
    expect(evaluate({ var: "absent.field" }, scope)).toBeNull();
  });

  it("compares loosely the way residents type: '3' equals 3", () => {
    expect(evaluate({ "==": [{ var: "copies" }, 2] }, scope)).toBe(true);
    expect(evaluate({ "==": [{ var: "copies" }, "2"] }, scope)).toBe(true);
    expect(evaluate({ "==": [{ var: "purpose" }, "other"] }, scope)).toBe(true);
    expect(evaluate({ "==": [{ var: "purpose" }, "pension"] }, scope)).toBe(false);
    expect(evaluate({ "!=": [{ var: "purpose" }, "pension"] }, scope)).toBe(true);
    expect(evaluate({ "!=": [{ var: "copies" }, 2] }, scope)).toBe(false);
    expect(evaluate({ "==": [true, 1] }, scope)).toBe(true);
  });

  it("treats a choice list as equal to a value it holds", () => {
    expect(evaluate({ "==": [{ var: "include" }, "honseki"] }, scope)).toBe(true);
    expect(evaluate({ "==": ["setainushi", { var: "include" }] }, scope)).toBe(true);
    expect(evaluate({ "==": [{ var: "include" }, "previous_address"] }, scope)).toBe(false);
    expect(evaluate({ "==": [{ var: "children.siblings" }, "2"] }, scope)).toBe(true);
    expect(evaluate({ "==": [{ var: "include" }, 0] }, scope)).toBe(false);
    expect(evaluate({ "!=": [{ var: "empty_list" }, "honseki"] }, scope)).toBe(true);
  });

  it("never treats a missing, empty or non-numeric answer as equal to a number", () => {
    expect(evaluate({ "==": [{ var: "not_there" }, 0] }, scope)).toBe(false);
    expect(evaluate({ "==": [{ var: "blank" }, 0] }, scope)).toBe(false);
    expect(evaluate({ "==": [{ var: "purpose" }, 0] }, scope)).toBe(false);
    expect(evaluate({ "!=": [{ var: "purpose" }, 0] }, scope)).toBe(true);
    expect(evaluate({ "==": [{ var: "not_there" }, null] }, scope)).toBe(true);
    expect(evaluate({ "==": [{ var: "zero" }, 0] }, scope)).toBe(true);
  });

  it("orders numbers, reading missing answers as 0", () => {
    expect(evaluate({ ">": [{ var: "copies" }, 1] }, scope)).toBe(true);
    expect(evaluate({ ">": [{ var: "copies" }, 2] }, scope)).toBe(false);
    expect(evaluate({ ">=": [{ var: "copies" }, 2] }, scope)).toBe(true);
    expect(evaluate({ "<": [{ var: "copies" }, 3] }, scope)).toBe(true);
    expect(evaluate({ "<": [{ var: "copies" }, 2] }, scope)).toBe(false);
    expect(evaluate({ "<=": [{ var: "copies" }, 2] }, scope)).toBe(true);
    expect(evaluate({ "<": [{ var: "not_there" }, 1] }, scope)).toBe(true);
    expect(evaluate({ ">": ["10", "9"] }, scope)).toBe(true);
  });

  it("tests membership in a choice list and in text", () => {
    expect(evaluate({ in: ["honseki", { var: "include" }] }, scope)).toBe(true);
    expect(evaluate({ in: ["previous_address", { var: "include" }] }, scope)).toBe(false);
    expect(evaluate({ in: ["g3", { var: "children.grade" }] }, scope)).toBe(true);
    expect(evaluate({ in: ["honseki", { var: "not_there" }] }, scope)).toBe(false);
    expect(evaluate({ in: ["the", "other"] }, scope)).toBe(true);
    expect(evaluate({ in: ["x", "other"] }, scope)).toBe(false);
    // A missing needle is in nothing, not in every text.
    expect(evaluate({ in: [{ var: "not_there" }, { var: "purpose" }] }, scope)).toBe(false);
  });

  it("combines conditions with and, or and !", () => {
    const yes = { "==": [1, 1] } as const satisfies Expression;
    const no = { "==": [1, 2] } as const satisfies Expression;
    expect(evaluate({ and: [yes, yes] }, scope)).toBe(true);
    expect(evaluate({ and: [yes, no] }, scope)).toBe(false);
    expect(evaluate({ or: [no, yes] }, scope)).toBe(true);
    expect(evaluate({ or: [no, no] }, scope)).toBe(false);
    expect(evaluate({ "!": [no] }, scope)).toBe(true);
    expect(evaluate({ "!": [{ var: "not_there" }] }, scope)).toBe(true);
    expect(evaluate({ "!": [{ var: "empty_list" }] }, scope)).toBe(true);
    expect(evaluate({ "!": [{ var: "include" }] }, scope)).toBe(false);
  });

  it("does arithmetic, reading missing and non-numeric answers as 0 and summing group members", () => {
    expect(evaluate({ "*": [300, { var: "copies" }] }, scope)).toBe(600);
    expect(evaluate({ "*": [300, { var: "not_there" }] }, scope)).toBe(0);
    expect(evaluate({ "*": [300, { var: "purpose" }] }, scope)).toBe(0);
    expect(evaluate({ "+": [1, { var: "copies" }, "3"] }, scope)).toBe(6);
    expect(evaluate({ "-": [10, { var: "copies" }] }, scope)).toBe(8);
    expect(evaluate({ "+": [{ var: "children.siblings" }] }, scope)).toBe(3);
    expect(evaluate({ "*": [500, { var: "children.siblings" }] }, scope)).toBe(1500);
  });

  it("chooses with if: condition, then, …, else", () => {
    const fee = (purpose: string) =>
      evaluate(
        {
          if: [
            { "==": [{ var: "purpose" }, "pension"] },
            0,
            { "==": [{ var: "purpose" }, "other"] },
            300,
            450,
          ],
        },
        { purpose },
      );
    expect(fee("pension")).toBe(0);
    expect(fee("other")).toBe(300);
    expect(fee("employment")).toBe(450);
    // Without an else branch nothing matching gives null.
    expect(evaluate({ if: [false, 1, false, 2] }, scope)).toBeNull();
    expect(evaluate({ if: [{ var: "copies" }, "some", "none"] }, scope)).toBe("some");
  });

  it("counts group items, chosen options and given answers", () => {
    expect(evaluate({ count: [{ var: "children" }] }, scope)).toBe(2);
    expect(evaluate({ count: [{ var: "include" }] }, scope)).toBe(2);
    expect(evaluate({ count: [{ var: "empty_list" }] }, scope)).toBe(0);
    expect(evaluate({ count: [{ var: "purpose" }] }, scope)).toBe(1);
    expect(evaluate({ count: [{ var: "blank" }] }, scope)).toBe(0);
    expect(evaluate({ count: [{ var: "not_there" }] }, scope)).toBe(0);
  });

  it("refuses operators outside the subset when a definition is parsed", () => {
    expect(Expression.safeParse({ "*": [300, { var: "copies" }] }).success).toBe(true);
    expect(Expression.safeParse({ method: ["constructor"] }).success).toBe(false);
    expect(Expression.safeParse({ var: "__proto__" }).success).toBe(false);
    expect(Expression.safeParse({ var: "a.b.c" }).success).toBe(false);
    expect(Expression.safeParse({ "==": [1] }).success).toBe(false);
    expect(Expression.safeParse({ if: [true, 1] }).success).toBe(false);
    expect(Expression.safeParse({ "==": [1, 1], "!=": [1, 2] }).success).toBe(false);
    expect(() => evaluate({ method: [] } as unknown as Expression, scope)).toThrow(/Unknown operator/);
  });
});

describe("truthy and holds", () => {
  it("follows JSON Logic truthiness", () => {
    expect([0, "", null, false, []].map(truthy)).toEqual([false, false, false, false, false]);
    expect([1, "0", "a", true, ["x"], {}].map(truthy)).toEqual([true, true, true, true, true, true]);
  });

  it("treats an absent condition as holding", () => {
    expect(holds(undefined, {})).toBe(true);
    expect(holds({ "==": [{ var: "purpose" }, "other"] }, scope)).toBe(true);
    expect(holds({ var: "not_there" }, scope)).toBe(false);
  });
});

describe("variablesOf", () => {
  it("lists the answers an expression reads, by field key", () => {
    expect(
      variablesOf({
        and: [
          { "==": [{ var: "purpose" }, "other"] },
          { ">": [{ "+": [{ var: "children.siblings" }, { var: "copies" }] }, 1] },
          { "!": [{ var: "consent" }] },
        ],
      }),
    ).toEqual(["purpose", "children", "copies", "consent"]);
    expect(variablesOf(3)).toEqual([]);
  });
});
