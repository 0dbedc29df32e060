import { describe, expect, it } from "vitest";
import { MissingPersonalisationError, placeholdersOf, renderTemplate } from "./render-template.ts";

describe("renderTemplate", () => {
  it("fills placeholders, repeated ones too", () => {
    expect(
      renderTemplate("((name))様\n受付番号 ((reference))（((name))様）", {
        name: "山田 太郎",
        reference: 42,
      }),
    ).toBe("山田 太郎様\n受付番号 42（山田 太郎様）");
  });

  it("shows a positive conditional only when the flag is truthy", () => {
    const template = "申請を受け付けました。((paid??手数料をお支払いいただきました。))以上";
    expect(renderTemplate(template, { paid: true })).toBe(
      "申請を受け付けました。手数料をお支払いいただきました。以上",
    );
    expect(renderTemplate(template, { paid: "yes" })).toBe(
      "申請を受け付けました。手数料をお支払いいただきました。以上",
    );
    for (const falsy of [false, null, undefined, "", 0]) {
      expect(renderTemplate(template, { paid: falsy })).toBe("申請を受け付けました。以上");
    }
  });

  it("shows a negative conditional only when the flag is falsy", () => {
    const template = "((!paid??窓口で手数料をお支払いください。))((paid??お支払い済みです。))";
    expect(renderTemplate(template, { paid: false })).toBe("窓口で手数料をお支払いください。");
    expect(renderTemplate(template, { paid: 0 })).toBe("窓口で手数料をお支払いください。");
    expect(renderTemplate(template, { paid: true })).toBe("お支払い済みです。");
  });

  it("renders an empty conditional text as nothing", () => {
    expect(renderTemplate("a((flag??))b", { flag: true })).toBe("ab");
  });

  it("lists every missing name, placeholders and flags, once each", () => {
    let caught: unknown;
    try {
      renderTemplate("((name)) ((date)) ((name)) ((!urgent??急ぎではありません))", { date: "4月1日" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MissingPersonalisationError);
    const error = caught as MissingPersonalisationError;
    expect(error.missing).toEqual(["name", "urgent"]);
    expect(error.message).toBe("Missing personalisation: name, urgent");
  });

  it("does not take inherited object properties as personalisation", () => {
    expect(() => renderTemplate("((constructor)) ((toString))", {})).toThrow(MissingPersonalisationError);
    expect(() => renderTemplate("((hasOwnProperty??x))", {})).toThrow(/hasOwnProperty/);
  });

  it("accepts a present key whose value is null or undefined, as empty", () => {
    expect(renderTemplate("[((a))][((b))]", { a: null, b: undefined })).toBe("[][]");
  });

  it("strips control characters from values but keeps tabs and line breaks", () => {
    expect(renderTemplate("((v))", { v: "a\u0000b\u0007c\u001bd\u007fe\tf\ng\r\nh" })).toBe(
      "abcde\tf\ng\r\nh",
    );
  });

  it("leaves control characters the template author wrote alone", () => {
    expect(renderTemplate("a\tb ((v))", { v: "x" })).toBe("a\tb x");
  });

  it("never expands template syntax that arrives in a value", () => {
    const personalisation = { name: "((secret))", secret: "漏れてはいけない", flag: "((!x??y))", x: false };
    expect(renderTemplate("こんにちは ((name)) ((flag))", personalisation)).toBe(
      "こんにちは ((secret)) ((!x??y))",
    );
  });

  it("leaves text that is not placeholder syntax as it is", () => {
    expect(renderTemplate("(note) ((1abc)) (( name )) ((a-b))", {})).toBe(
      "(note) ((1abc)) (( name )) ((a-b))",
    );
  });
});

describe("placeholdersOf", () => {
  it("names placeholders and flags once, in order of first use", () => {
    expect(placeholdersOf("((b)) ((a??x)) ((!c??y)) ((b))")).toEqual(["b", "a", "c"]);
  });
});
