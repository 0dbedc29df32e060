import { describe, expect, it } from "vitest";
import { toJapaneseEra } from "./japanese-era.ts";

describe("toJapaneseEra", () => {
  it("writes a date in the current era", () => {
    expect(toJapaneseEra("2026-11-22")).toBe("令和8年11月22日");
    expect(toJapaneseEra("2026-01-05", "ja")).toBe("令和8年1月5日");
  });

  it("writes the first year of an era as 元年", () => {
    expect(toJapaneseEra("2019-05-01")).toBe("令和元年5月1日");
    expect(toJapaneseEra("2019-12-31")).toBe("令和元年12月31日");
    expect(toJapaneseEra("1989-01-08")).toBe("平成元年1月8日");
  });

  it("switches era on the day the new one began", () => {
    expect(toJapaneseEra("2019-04-30")).toBe("平成31年4月30日");
    expect(toJapaneseEra("1989-01-07")).toBe("昭和64年1月7日");
    expect(toJapaneseEra("1926-12-24")).toBe("大正15年12月24日");
    expect(toJapaneseEra("1926-12-25")).toBe("昭和元年12月25日");
    expect(toJapaneseEra("1912-07-29")).toBe("明治45年7月29日");
    expect(toJapaneseEra("1912-07-30")).toBe("大正元年7月30日");
  });

  it("gives the era year in English", () => {
    expect(toJapaneseEra("2026-11-22", "en")).toBe("Reiwa 8");
    expect(toJapaneseEra("2019-05-01", "en")).toBe("Reiwa 1");
    expect(toJapaneseEra("2019-04-30", "en")).toBe("Heisei 31");
    expect(toJapaneseEra("1989-01-07", "en")).toBe("Showa 64");
  });

  it("gives nothing for what is not a real date, or before the Meiji era", () => {
    expect(toJapaneseEra("")).toBeNull();
    expect(toJapaneseEra("2026/11/22")).toBeNull();
    expect(toJapaneseEra("令和8年")).toBeNull();
    expect(toJapaneseEra("2026-02-30")).toBeNull();
    expect(toJapaneseEra("2026-13-01")).toBeNull();
    expect(toJapaneseEra("1868-01-24")).toBeNull();
  });
});
