import { describe, expect, it } from "vitest";
import { installedModules } from "../../app/modules.ts";
import { createI18n, negotiateLanguage } from "./i18n.ts";
import { coreMessages } from "./messages.ts";

describe("i18n", () => {
  it("has every core and module message in Japanese and English", () => {
    const i18n = createI18n([
      coreMessages,
      ...installedModules.flatMap((m) => (m.messages ? [m.messages] : [])),
    ]);
    expect(i18n.keys.length).toBeGreaterThan(10);
    expect(i18n.t("ja")("home.title", { city: "てのひら市" })).toBe("てのひら市 てのひら市役所");
    expect(i18n.t("en")("home.title", { city: "Tenohira" })).toContain("City Hall in Your Palm");
  });

  it("refuses a catalog with a missing translation or a duplicate key", () => {
    expect(() => createI18n([{ ja: { a: "あ" }, en: {} }])).toThrow(/Missing translations: en:a/);
    expect(() =>
      createI18n([coreMessages, { ja: { "home.title": "x" }, en: { "home.title": "x" } }]),
    ).toThrow(/defined twice/);
  });

  it("negotiates: query, then cookie, then Accept-Language by weight, then the city default", () => {
    expect(negotiateLanguage({ query: "en", cookie: "ja", fallback: "ja" })).toBe("en");
    expect(negotiateLanguage({ query: "fr", cookie: "en", fallback: "ja" })).toBe("en");
    expect(negotiateLanguage({ acceptLanguage: "fr;q=1, en-US;q=0.8, ja;q=0.5", fallback: "ja" })).toBe("en");
    expect(negotiateLanguage({ acceptLanguage: "vi, zh-CN;q=0.9", fallback: "ja" })).toBe("ja");
  });
});
