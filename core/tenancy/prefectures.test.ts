import { describe, expect, it } from "vitest";
import { PREFECTURES, prefectureOf } from "./prefectures.ts";

describe("prefectures", () => {
  it("lists the 47 in JIS X 0401 order", () => {
    expect(PREFECTURES).toHaveLength(47);
    expect([PREFECTURES[0], PREFECTURES[12], PREFECTURES[45], PREFECTURES[46]]).toEqual([
      "北海道",
      "東京都",
      "鹿児島県",
      "沖縄県",
    ]);
  });

  it("reads the prefecture from a municipality code's first two digits", () => {
    expect(prefectureOf("131016")).toBe("東京都"); // 千代田区
    expect(prefectureOf("462012")).toBe("鹿児島県"); // 鹿児島市
    expect(prefectureOf("011002")).toBe("北海道"); // 札幌市
    expect(prefectureOf("472018")).toBe("沖縄県"); // 那覇市
    expect(prefectureOf("990019")).toBeNull(); // the demo city
    expect(prefectureOf("001234")).toBeNull();
    expect(prefectureOf("46201")).toBeNull();
  });
});
