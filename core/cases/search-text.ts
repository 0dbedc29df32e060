import { type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";

/**
 * Japanese full-text search for the work queue. Japanese has no spaces between words, and PostgreSQL's
 * own parsers either take a whole run of kana and kanji as one word ('simple') or need an extension
 * (pg_bigm, PGroonga) that neither PGlite nor a managed server is sure to have. So the text is indexed as
 * character bigrams in a text[] column with a GIN index: a query matches when the row holds every bigram
 * of the query (`@>`), rechecked with LIKE so that bigrams found far apart do not count. bench/search-recall.ts
 * measures this against word segmentation (Intl.Segmenter) and to_tsvector('simple'): bigrams find more.
 */

// Kanji variants common in names (髙橋, 山﨑, 渡邉) are folded to the everyday form staff type.
const kanjiVariants: Record<string, string> = {
  髙: "高",
  﨑: "崎",
  嵜: "崎",
  邉: "辺",
  邊: "辺",
  齋: "斎",
  齊: "斎",
  斉: "斎",
  澤: "沢",
  濱: "浜",
  濵: "浜",
  櫻: "桜",
  廣: "広",
  國: "国",
  冨: "富",
  德: "徳",
  惠: "恵",
};
const variantPattern = new RegExp(`[${Object.keys(kanjiVariants).join("")}]`, "gu");

const DASHES = /[\u2010-\u2015\u2212\ufe63\uff0d]/g;
const SEPARATORS = /[\s\p{P}\p{S}]+/gu;
// Spaces between two non-ASCII characters separate Japanese words that are written together elsewhere
// ("山田 太郎" and "山田太郎"); between Latin words they stay.
const JAPANESE_SPACE = /(?<=\P{ASCII}) (?=\P{ASCII})/gu;

/**
 * NFKC, lower case, one kana script, common name variants and dashes folded: what both sides compare.
 * Word breaks are left as they are (bench/search-recall.ts gives this text to the word-based methods).
 */
export function foldCharacters(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\u30a1-\u30f6]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0x60))
    .replace(/[ゕゖ]/g, (ch) => (ch === "ゕ" ? "か" : "け"))
    .replace(variantPattern, (ch) => kanjiVariants[ch] ?? ch)
    .replace(DASHES, "-");
}

/**
 * The searchable form of a text: folded characters, "03-1234-5678" and "0312345678" alike (and an address's
 * "1丁目2番3号" like "1-2-3"), punctuation as a single space, Japanese runs joined. Stored as search_text
 * and compared with LIKE; a change to any rule here needs the stored search columns rebuilt.
 */
export function normalizeSearchText(text: string): string {
  return foldCharacters(text)
    .replace(/(?<=\d)(?:丁目|番地|番|号)|(?<=\d)-(?=\d)/g, "")
    .replace(SEPARATORS, " ")
    .trim()
    .replace(JAPANESE_SPACE, "");
}

function runsOf(normalized: string): string[][] {
  return normalized
    .split(" ")
    .filter((run) => run.length > 0)
    .map((run) => Array.from(run));
}

function bigramsOf(chars: readonly string[]): string[] {
  return chars.slice(1).map((ch, i) => chars[i]! + ch);
}

/**
 * The index terms of a normalised text: every bigram, and every single character so a one-character query
 * (a surname like 林) can use the index too.
 */
export function indexTerms(normalized: string): string[] {
  const terms = new Set<string>();
  for (const chars of runsOf(normalized)) {
    for (const ch of chars) {
      terms.add(ch);
    }
    for (const bigram of bigramsOf(chars)) {
      terms.add(bigram);
    }
  }
  return [...terms];
}

/** What a case stores for search, from the texts it should be found by. */
export function searchIndexOf(texts: readonly string[]): { searchText: string; searchBigrams: string[] } {
  const searchText = normalizeSearchText(texts.filter((t) => t.length > 0).join(" "));
  return { searchText, searchBigrams: indexTerms(searchText) };
}

export type SearchQuery = {
  /** Each word of the query, normalised: a row must contain every one (LIKE recheck). */
  runs: string[];
  /** The index terms a row must hold (GIN `@>`). */
  terms: string[];
};

/** The query's words and index terms, or null when it has nothing to search by (only punctuation). */
export function parseSearchQuery(query: string): SearchQuery | null {
  // Each word the user typed on its own: "山田 住民票" asks for both, wherever they are in the text.
  const runs = query
    .normalize("NFKC")
    .split(/\s+/)
    .flatMap((word) => runsOf(normalizeSearchText(word)));
  if (runs.length === 0) {
    return null;
  }
  const terms = new Set<string>();
  for (const chars of runs) {
    for (const term of chars.length === 1 ? chars : bigramsOf(chars)) {
      terms.add(term);
    }
  }
  return { runs: runs.map((chars) => chars.join("")), terms: [...terms] };
}

/** The WHERE condition for a search, on a table with the two search columns; undefined when nothing to search. */
export function searchCondition(
  columns: { searchText: AnyPgColumn; searchBigrams: AnyPgColumn },
  query: string,
): SQL | undefined {
  const parsed = parseSearchQuery(query);
  if (!parsed) {
    return undefined;
  }
  const terms = sql.join(
    parsed.terms.map((term) => sql`${term}`),
    sql`, `,
  );
  // Runs never hold LIKE's wildcards or escape: punctuation, `%`, `_` and `\` included, breaks words.
  const likes = parsed.runs.map((run) => sql`${columns.searchText} LIKE ${`%${run}%`}`);
  return sql`(${columns.searchBigrams} @> ARRAY[${terms}]::text[] AND ${sql.join(likes, sql` AND `)})`;
}

const segmenter = new Intl.Segmenter("ja", { granularity: "word" });

/**
 * Words by Intl.Segmenter (ICU's dictionary), folded like the bigram index. Segmentation runs on the
 * original script, where the dictionary works best; the alternative bench/search-recall.ts measures.
 */
export function segmentWords(text: string): string[] {
  const words = new Set<string>();
  for (const part of segmenter.segment(text.normalize("NFKC"))) {
    if (part.isWordLike) {
      const word = normalizeSearchText(part.segment);
      if (word.length > 0) {
        words.add(word);
      }
    }
  }
  return [...words];
}
