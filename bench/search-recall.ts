import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { integer, pgTable, text } from "drizzle-orm/pg-core";
import { foldCharacters, searchCondition, searchIndexOf, segmentWords } from "../core/cases/search-text.ts";
import { type Db, type Driver, queryRows } from "../core/db/database.ts";
import { openPglite, openPostgres, round, type Target } from "./harness.ts";

/**
 * search-recall: which Japanese full-text search finds more of the cases staff look for (issue 5).
 *
 * A corpus of case texts as the queue stores them (reference, service, the applicant's name in kanji and
 * kana, address, phone, free text), generated from structured records with the spelling variety real
 * applications have (髙橋/高橋, 渡邉/渡辺, half-width kana, 1-2-3 / 1丁目2番3号, phone with and without
 * hyphens, names with and without a space). Each query comes with the records it should find, decided
 * from the structured fields, never from any of the methods. Three methods see the same folded text
 * (NFKC, lower case, one kana script, name variants) and differ only in how they cut it into terms:
 *
 * - bigram: core/cases/search-text.ts as the queue runs it, in the database (GIN `@>` on character
 *   bigrams, LIKE recheck);
 * - segmenter: Intl.Segmenter("ja", word) words, a case matching when it holds every word of the query;
 * - tsvector_simple: PostgreSQL's `to_tsvector('simple', …) @@ plainto_tsquery('simple', …)`.
 *
 * Reported: micro-averaged recall (found and expected / expected) and precision (found and expected /
 * found) over all queries; per-kind figures go to stderr.
 */

type Person = { kanji: string; variants?: string[]; kana: string };
type Place = { prefecture: string; city: string; town: string };
type Service = { key: string; title: string; notes: string[] };

const surnames: Person[] = [
  { kanji: "山田", kana: "ヤマダ" },
  { kanji: "佐藤", kana: "サトウ" },
  { kanji: "鈴木", kana: "スズキ" },
  { kanji: "高橋", variants: ["髙橋"], kana: "タカハシ" },
  { kanji: "田中", kana: "タナカ" },
  { kanji: "伊藤", kana: "イトウ" },
  { kanji: "渡辺", variants: ["渡邉", "渡邊"], kana: "ワタナベ" },
  { kanji: "中村", kana: "ナカムラ" },
  { kanji: "小林", kana: "コバヤシ" },
  { kanji: "林", kana: "ハヤシ" },
  { kanji: "森", kana: "モリ" },
  { kanji: "山崎", variants: ["山﨑"], kana: "ヤマザキ" },
  { kanji: "斎藤", variants: ["齋藤"], kana: "サイトウ" },
  { kanji: "吉田", kana: "ヨシダ" },
  { kanji: "山本", kana: "ヤマモト" },
  { kanji: "太田", kana: "オオタ" },
  { kanji: "池田", kana: "イケダ" },
  { kanji: "前田", kana: "マエダ" },
];

const givenNames: Person[] = [
  { kanji: "太郎", kana: "タロウ" },
  { kanji: "花子", kana: "ハナコ" },
  { kanji: "一郎", kana: "イチロウ" },
  { kanji: "陽菜", kana: "ヒナ" },
  { kanji: "蓮", kana: "レン" },
  { kanji: "結衣", kana: "ユイ" },
  { kanji: "翔太", kana: "ショウタ" },
  { kanji: "美咲", kana: "ミサキ" },
  { kanji: "健", kana: "ケン" },
  { kanji: "さくら", kana: "サクラ" },
];

const places: Place[] = [
  { prefecture: "東京都", city: "千代田区", town: "丸の内" },
  { prefecture: "東京都", city: "港区", town: "芝浦" },
  { prefecture: "京都府", city: "京都市左京区", town: "北白川" },
  { prefecture: "大阪府", city: "大阪市北区", town: "梅田" },
  { prefecture: "神奈川県", city: "横浜市中区", town: "山下町" },
  { prefecture: "北海道", city: "札幌市中央区", town: "大通西" },
  { prefecture: "福岡県", city: "福岡市博多区", town: "博多駅前" },
  { prefecture: "てのひら県", city: "てのひら市", town: "中央" },
];

const services: Service[] = [
  {
    key: "juminhyo",
    title: "住民票の写しの交付申請",
    notes: ["本籍の記載あり", "マイナンバーの記載なし", "2通"],
  },
  {
    key: "sodai-gomi",
    title: "粗大ごみ収集の申込",
    notes: ["ソファ（3人掛け）", "ベッドのマットレス", "タンスと自転車", "電子レンジ"],
  },
  {
    key: "hokago-club",
    title: "放課後児童クラブ入会申請",
    notes: ["小学2年生", "長期休暇のみ利用希望", "きょうだいが在籍中"],
  },
  {
    key: "hoikusho",
    title: "保育所入所申込",
    notes: ["第一希望は中央保育園", "育児休業から4月に復帰予定", "兄が同じ保育園に在園"],
  },
  {
    key: "doro",
    title: "道路損傷の通報",
    notes: ["自宅前の道路に穴が開いています", "側溝のふたが割れています", "街路灯が切れています"],
  },
  { key: "inu", title: "犬の登録申請", notes: ["柴犬", "トイプードル", "狂犬病予防注射済み"] },
];

type CaseRecord = {
  reference: string;
  service: Service;
  surname: Person;
  given: Person;
  place: Place;
  block: [number, number, number];
  phone: string;
  note: string;
  text: string;
};

/** Mulberry32: the same corpus for the same seed, on every machine. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const HALF_WIDTH_KANA: Record<string, string> = Object.fromEntries(
  [
    ..."アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンャュョッー",
  ].map((ch, i) => [ch, [..."ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝｬｭｮｯｰ"][i]!]),
);
/** Half-width katakana, as some older systems and phones still send it (voiced marks as separate characters). */
function halfWidth(kana: string): string {
  return [...kana.normalize("NFD")]
    .map((ch) => (ch === "\u3099" ? "ﾞ" : ch === "\u309a" ? "ﾟ" : (HALF_WIDTH_KANA[ch] ?? ch)))
    .join("");
}

const fullWidthDigits = (text: string) =>
  text.replace(/[0-9-]/g, (ch) => (ch === "-" ? "－" : String.fromCharCode(ch.charCodeAt(0) + 0xfee0)));

function generateCorpus(count: number, seed: number): CaseRecord[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const chance = (p: number) => next() < p;
  const letters = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  return Array.from({ length: count }, () => {
    const reference = Array.from({ length: 8 }, () => pick([...letters])).join("");
    const service = pick(services);
    const surname = pick(surnames);
    const given = pick(givenNames);
    const place = pick(places);
    const block: [number, number, number] = [
      1 + Math.floor(next() * 5),
      1 + Math.floor(next() * 20),
      1 + Math.floor(next() * 30),
    ];
    const phone = `0${pick(["90", "80", "70"])}-${String(1000 + Math.floor(next() * 9000))}-${String(1000 + Math.floor(next() * 9000))}`;
    const note = pick(service.notes);
    const writtenSurname = surname.variants && chance(0.3) ? pick(surname.variants) : surname.kanji;
    const name = `${writtenSurname}${chance(0.5) ? " " : chance(0.5) ? "　" : ""}${given.kanji}`;
    const kana = `${surname.kana} ${given.kana}`;
    const blockText = chance(0.4)
      ? `${block[0]}丁目${block[1]}番${block[2]}号`
      : chance(0.5)
        ? `${block[0]}-${block[1]}-${block[2]}`
        : fullWidthDigits(`${block[0]}-${block[1]}-${block[2]}`);
    const address = `${place.prefecture}${place.city}${place.town}${blockText}`;
    const text = [
      reference,
      service.title,
      name,
      chance(0.2) ? halfWidth(kana) : kana,
      address,
      chance(0.5) ? phone : phone.replaceAll("-", ""),
      note,
    ].join(" ");
    return { reference, service, surname, given, place, block, phone, note, text };
  });
}

type Query = { kind: string; text: string; expects(record: CaseRecord): boolean };

/** What staff type, each with what it should find, from the structured records. */
function queriesFor(corpus: readonly CaseRecord[]): Query[] {
  const surname = (kanji: string) => (r: CaseRecord) => r.surname.kanji === kanji;
  const fullName = (s: string, g: string) => (r: CaseRecord) => r.surname.kanji === s && r.given.kanji === g;
  const sample = corpus[7]!;
  const [a, b, c] = sample.block;
  return [
    { kind: "surname", text: "山田", expects: surname("山田") },
    { kind: "surname", text: "田中", expects: surname("田中") },
    { kind: "surname", text: "太田", expects: surname("太田") },
    { kind: "surname (1 character)", text: "林", expects: surname("林") },
    { kind: "surname (1 character)", text: "森", expects: surname("森") },
    { kind: "surname (variant spelling)", text: "高橋", expects: surname("高橋") },
    { kind: "surname (variant spelling)", text: "髙橋", expects: surname("高橋") },
    { kind: "surname (variant spelling)", text: "渡辺", expects: surname("渡辺") },
    { kind: "surname (variant spelling)", text: "山崎", expects: surname("山崎") },
    { kind: "full name", text: "山田太郎", expects: fullName("山田", "太郎") },
    { kind: "full name", text: "佐藤 花子", expects: fullName("佐藤", "花子") },
    { kind: "full name", text: "鈴木一郎", expects: fullName("鈴木", "一郎") },
    { kind: "full name", text: "中村 陽菜", expects: fullName("中村", "陽菜") },
    { kind: "given name", text: "花子", expects: (r) => r.given.kanji === "花子" },
    { kind: "given name", text: "翔太", expects: (r) => r.given.kanji === "翔太" },
    { kind: "kana", text: "やまだ", expects: surname("山田") },
    { kind: "kana", text: "タカハシ", expects: surname("高橋") },
    { kind: "kana", text: "ｻｲﾄｳ", expects: surname("斎藤") },
    { kind: "kana", text: "わたなべ はなこ", expects: fullName("渡辺", "花子") },
    { kind: "service", text: "住民票", expects: (r) => r.service.key === "juminhyo" },
    { kind: "service", text: "粗大ごみ", expects: (r) => r.service.key === "sodai-gomi" },
    { kind: "service", text: "児童クラブ", expects: (r) => r.service.key === "hokago-club" },
    { kind: "service", text: "保育所", expects: (r) => r.service.key === "hoikusho" },
    { kind: "service", text: "犬の登録", expects: (r) => r.service.key === "inu" },
    { kind: "address", text: "千代田区", expects: (r) => r.place.city === "千代田区" },
    { kind: "address", text: "丸の内", expects: (r) => r.place.town === "丸の内" },
    { kind: "address", text: "京都", expects: (r) => r.place.prefecture === "京都府" },
    { kind: "address", text: "左京区", expects: (r) => r.place.city.endsWith("左京区") },
    { kind: "address", text: "横浜市", expects: (r) => r.place.city.startsWith("横浜市") },
    {
      kind: "address with block",
      text: `${sample.place.town}${a}-${b}-${c}`,
      expects: (r) => r.place.town === sample.place.town && r.block.join() === sample.block.join(),
    },
    { kind: "phone", text: sample.phone.replaceAll("-", ""), expects: (r) => r.phone === sample.phone },
    { kind: "phone", text: sample.phone.slice(4), expects: (r) => r.phone.endsWith(sample.phone.slice(4)) },
    {
      kind: "reference",
      text: sample.reference.toLowerCase(),
      expects: (r) => r.reference === sample.reference,
    },
    { kind: "free text", text: "穴", expects: (r) => r.note.includes("穴") },
    { kind: "free text", text: "マットレス", expects: (r) => r.note.includes("マットレス") },
    { kind: "free text", text: "保育園", expects: (r) => r.note.includes("保育園") },
    { kind: "free text", text: "狂犬病", expects: (r) => r.note.includes("狂犬病") },
    { kind: "free text", text: "街路灯", expects: (r) => r.note.includes("街路灯") },
    {
      kind: "name and service",
      text: "山田 住民票",
      expects: (r) => r.surname.kanji === "山田" && r.service.key === "juminhyo",
    },
    {
      kind: "kana and place",
      text: "すずき 札幌",
      expects: (r) => r.surname.kanji === "鈴木" && r.place.city.startsWith("札幌"),
    },
  ];
}

type Score = { hits: number; expected: number; found: number };
const add = (a: Score, b: Score): Score => ({
  hits: a.hits + b.hits,
  expected: a.expected + b.expected,
  found: a.found + b.found,
});
const empty: Score = { hits: 0, expected: 0, found: 0 };

function scoreOf(found: ReadonlySet<number>, expected: ReadonlySet<number>): Score {
  let hits = 0;
  for (const id of found) {
    if (expected.has(id)) {
      hits += 1;
    }
  }
  return { hits, expected: expected.size, found: found.size };
}

function summary(score: Score) {
  const recall = score.expected === 0 ? 0 : score.hits / score.expected;
  const precision = score.found === 0 ? 0 : score.hits / score.found;
  const f1 = recall + precision === 0 ? 0 : (2 * recall * precision) / (recall + precision);
  return { recall: round(recall, 3), precision: round(precision, 3), f1: round(f1, 3) };
}

const documents = pgTable("search_recall_documents", {
  id: integer("id").primaryKey(),
  folded: text("folded").notNull(),
  searchText: text("search_text").notNull(),
  searchBigrams: text("search_bigrams").array().notNull(),
});

type Method = "bigram" | "segmenter" | "tsvector_simple";
const methods: readonly Method[] = ["bigram", "segmenter", "tsvector_simple"];

async function run(target: Target, driver: Driver, corpus: readonly CaseRecord[], log: (m: string) => void) {
  const { database } = target;
  const db: Db = database.db;
  await database.exec(`CREATE TABLE search_recall_documents (
    id integer PRIMARY KEY, folded text NOT NULL, search_text text NOT NULL, search_bigrams text[] NOT NULL);
    CREATE INDEX search_recall_terms ON search_recall_documents USING gin (search_bigrams);`);
  for (let start = 0; start < corpus.length; start += 500) {
    await db.insert(documents).values(
      corpus.slice(start, start + 500).map((record, i) => ({
        id: start + i,
        folded: foldCharacters(record.text),
        ...searchIndexOf([record.text]),
      })),
    );
  }
  const words = corpus.map((record) => new Set(segmentWords(record.text)));
  const totals: Record<Method, Score> = { bigram: empty, segmenter: empty, tsvector_simple: empty };
  const byKind = new Map<string, Record<Method, Score>>();
  const queries = queriesFor(corpus);
  let used = 0;
  for (const query of queries) {
    const expected = new Set(corpus.flatMap((record, id) => (query.expects(record) ? [id] : [])));
    if (expected.size === 0) {
      log(`skipped (nothing to find in this corpus): ${query.text}`);
      continue;
    }
    used += 1;
    const condition = searchCondition(documents, query.text);
    const bigram = new Set(
      (await db.select({ id: documents.id }).from(documents).where(condition)).map((row) => row.id),
    );
    const queryWords = segmentWords(query.text);
    const segmenter = new Set(
      corpus.flatMap((_, id) => (queryWords.every((word) => words[id]!.has(word)) ? [id] : [])),
    );
    const tsvector = new Set(
      (
        await queryRows<{ id: number }>(
          db,
          sql`SELECT id FROM search_recall_documents
              WHERE to_tsvector('simple', folded) @@ plainto_tsquery('simple', ${foldCharacters(query.text)})`,
        )
      ).map((row) => row.id),
    );
    const scores: Record<Method, Score> = {
      bigram: scoreOf(bigram, expected),
      segmenter: scoreOf(segmenter, expected),
      tsvector_simple: scoreOf(tsvector, expected),
    };
    const kind = byKind.get(query.kind) ?? { bigram: empty, segmenter: empty, tsvector_simple: empty };
    for (const method of methods) {
      totals[method] = add(totals[method], scores[method]);
      kind[method] = add(kind[method], scores[method]);
    }
    byKind.set(query.kind, kind);
  }
  for (const [kind, scores] of byKind) {
    log(
      `${kind.padEnd(28)} ${methods
        .map((m) => `${m} r=${summary(scores[m]).recall} p=${summary(scores[m]).precision}`)
        .join("  ")}`,
    );
  }
  return {
    name: "search-recall",
    driver,
    documents: corpus.length,
    queries: used,
    bigram: summary(totals.bigram),
    segmenter: summary(totals.segmenter),
    tsvector_simple: summary(totals.tsvector_simple),
  };
}

export async function main(args: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      driver: { type: "string", default: "pglite" },
      documents: { type: "string", default: "3000" },
      seed: { type: "string", default: "20261122" },
    },
    strict: true,
  });
  const count = Number(values.documents);
  const seed = Number(values.seed);
  if (!Number.isInteger(count) || count < 100 || !Number.isInteger(seed)) {
    throw new Error("--documents must be an integer ≥ 100 and --seed an integer");
  }
  const log = (message: string) => process.stderr.write(`[search-recall] ${message}\n`);
  const corpus = generateCorpus(count, seed);
  for (const driver of values.driver.split(",").map((d) => d.trim())) {
    if (driver !== "pglite" && driver !== "postgres") {
      throw new Error(`--driver takes pglite and/or postgres, got ${driver}`);
    }
    const target = driver === "postgres" ? await openPostgres(log) : await openPglite();
    try {
      process.stdout.write(`${JSON.stringify(await run(target, driver, corpus, log))}\n`);
    } finally {
      await target.cleanup();
    }
  }
}
