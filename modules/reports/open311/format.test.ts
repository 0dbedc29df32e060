import { describe, expect, it } from "vitest";
import { toXml } from "./format.ts";

describe("GeoReport XML", () => {
  it("drops characters XML 1.0 forbids and keeps everything else, escaped", () => {
    const stored = "a\u0000b\u0001c\u0008d\u000Be\u000Cf\u001Fg\uFFFEh\uFFFFi\uD800j\uDC00k";
    const xml = toXml("service_requests", [
      { description: stored, status_notes: "tab\there\nline\r<ok> & 'q' 🐈 漢字" },
    ]);
    expect(xml).toContain("<description>abcdefghijk</description>");
    expect(xml).toContain(
      "<status_notes>tab\there\nline\r&lt;ok&gt; &amp; &apos;q&apos; 🐈 漢字</status_notes>",
    );
    // What is left is well-formed XML 1.0 character data throughout.
    expect(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
      /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(xml.replace(/\uD83D\uDC08/g, "")),
    ).toBe(false);
  });
});
