import { pgTable, serial, text } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../db/database.ts";
import { createTestDatabase } from "../testing/test-database.ts";
import {
  indexTerms,
  normalizeSearchText,
  parseSearchQuery,
  searchCondition,
  searchIndexOf,
  segmentWords,
} from "./search-text.ts";

describe("normalizeSearchText", () => {
  it("folds width, case and katakana to one form", () => {
    expect(normalizeSearchText("ＹＡＭＡＤＡ　ﾀﾛｳ")).toBe("yamada たろう");
    expect(normalizeSearchText("ヤマダ タロウ")).toBe("やまだたろう");
    expect(normalizeSearchText("霞ヶ関")).toBe(normalizeSearchText("霞ケ関"));
  });

  it("joins Japanese words split by spaces and keeps Latin words apart", () => {
    expect(normalizeSearchText("山田 太郎")).toBe("山田太郎");
    expect(normalizeSearchText("Tenohira City 役所")).toBe("tenohira city 役所");
  });

  it("reads phone numbers and addresses with any dash as the same digits", () => {
    expect(normalizeSearchText("03-1234-5678")).toBe("0312345678");
    expect(normalizeSearchText("０３－１２３４－５６７８")).toBe("0312345678");
    expect(normalizeSearchText("1−2−3")).toBe("123");
    expect(normalizeSearchText("丸の内1丁目2番3号")).toBe("丸の内123");
    expect(normalizeSearchText("丸の内１－２－３")).toBe("丸の内123");
  });

  it("turns punctuation into word breaks and folds name variants", () => {
    expect(normalizeSearchText("〒100-0001 東京都・千代田区")).toBe("1000001 東京都千代田区");
    expect(normalizeSearchText("髙橋")).toBe("高橋");
    expect(normalizeSearchText("渡邉")).toBe(normalizeSearchText("渡辺"));
  });
});

describe("bigram terms", () => {
  it("indexes single characters and bigrams of each run", () => {
    expect(indexTerms("山田太郎").sort()).toEqual(["太", "太郎", "山", "山田", "田", "田太", "郎"].sort());
    expect(indexTerms("ab 𠮷野").sort()).toEqual(["a", "ab", "b", "𠮷", "𠮷野", "野"].sort());
  });

  it("queries by bigrams, and by one character when the word has one", () => {
    expect(parseSearchQuery("住民票")).toEqual({ runs: ["住民票"], terms: ["住民", "民票"] });
    expect(parseSearchQuery("林")).toEqual({ runs: ["林"], terms: ["林"] });
    expect(parseSearchQuery("yamada  ﾀﾛｳ")).toEqual({
      runs: ["yamada", "たろう"],
      terms: ["ya", "am", "ma", "ad", "da", "たろ", "ろう"],
    });
    expect(parseSearchQuery("・、 ")).toBeNull();
    // Words the user separates are searched for separately, wherever they are.
    expect(parseSearchQuery("山田　住民票")?.runs).toEqual(["山田", "住民票"]);
  });

  it("indexes every text a case is found by", () => {
    const index = searchIndexOf(["ABCD-2345", "住民票の写し", "", "ヤマダ"]);
    expect(index.searchText).toBe("abcd 2345 住民票の写しやまだ");
    expect(index.searchBigrams).toContain("やま");
    expect(index.searchBigrams).toContain("写し");
  });
});

describe("segmentWords", () => {
  it("splits Japanese into dictionary words, folded", () => {
    const words = segmentWords("山田太郎さんの住民票の写し");
    expect(words).toContain("山田");
    expect(words).toContain("住民");
    expect(segmentWords("ヤマダ")).toEqual(["やまだ"]);
  });
});

describe("searchCondition in the database", () => {
  const documents = pgTable("search_text_test", {
    id: serial("id").primaryKey(),
    searchText: text("search_text").notNull(),
    searchBigrams: text("search_bigrams").array().notNull(),
  });
  let database: Database;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ database, drop } = await createTestDatabase());
    await database.exec(`CREATE TABLE search_text_test (id serial PRIMARY KEY, search_text text NOT NULL,
      search_bigrams text[] NOT NULL);
      CREATE INDEX search_text_test_terms ON search_text_test USING gin (search_bigrams);`);
    const texts = [
      "山田 太郎 ヤマダ タロウ 住民票の写しの交付 東京都千代田区丸の内1-2-3",
      "田中 花子 タナカ ハナコ 粗大ごみ収集 京都府京都市左京区",
      "林 一郎 ハヤシ イチロウ 犬の登録 100%_done",
      "太田 山子 オオタ ヤマコ 道路の穴",
    ];
    await database.db.insert(documents).values(texts.map((t) => searchIndexOf([t])));
  });
  afterAll(() => drop());

  const find = async (query: string) => {
    const condition = searchCondition(documents, query);
    const rows = await database.db
      .select({ id: documents.id })
      .from(documents)
      .where(condition)
      .orderBy(documents.id);
    return rows.map((row) => row.id);
  };

  it("finds a name with or without the space, in kana of either script", async () => {
    expect(await find("山田太郎")).toEqual([1]);
    expect(await find("山田 太郎")).toEqual([1]);
    expect(await find("やまだ")).toEqual([1]);
    expect(await find("ﾀﾅｶ")).toEqual([2]);
  });

  it("needs the bigrams next to each other, not just present (LIKE recheck)", async () => {
    // Row 4 holds 山, 田 and 太 but not 山田太郎 in a row; 田太 is in row 1 only.
    expect(await find("太田")).toEqual([4]);
    expect(await find("山田太")).toEqual([1]);
  });

  it("finds one-character words, addresses and numbers", async () => {
    expect(await find("林")).toEqual([3]);
    expect(await find("千代田区")).toEqual([1]);
    expect(await find("丸の内1-2-3")).toEqual([1]);
    expect(await find("丸の内1丁目2番")).toEqual([1]);
    expect(await find("太郎 住民票")).toEqual([1]);
    expect(await find("京都")).toEqual([1, 2]);
  });

  it("never passes LIKE wildcards through: punctuation breaks words", async () => {
    expect(await find("100%")).toEqual([3]);
    expect(await find("%")).toEqual([1, 2, 3, 4]);
    expect(await find("0_d")).toEqual([3]);
    for (const ch of "%_\\") {
      expect(parseSearchQuery(`a${ch}b`)?.runs).toEqual(["a", "b"]);
    }
  });
});
