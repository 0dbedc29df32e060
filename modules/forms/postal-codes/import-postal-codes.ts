import { sql } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import { postalCodes } from "../schema.ts";

export type PostalAddress = { postalCode: string; prefecture: string; city: string; town: string };

/**
 * Reads Japan Post's KEN_ALL.CSV (Shift_JIS, as downloaded) or utf_ken_all.csv (UTF-8): column 3 is the
 * postal code, 7–9 prefecture, city and town. Placeholder towns (以下に掲載がない場合, …の次に番地がくる場合)
 * become empty, and the parenthesised notes of large buildings (（１階）…) are dropped.
 */
export function parseKenAll(bytes: Uint8Array): PostalAddress[] {
  const utf8 = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  const text = utf8.includes("\uFFFD") ? new TextDecoder("shift_jis").decode(bytes) : utf8;
  const seen = new Set<string>();
  const rows: PostalAddress[] = [];
  for (const line of text.split(/\r?\n/)) {
    const cells = line.split(",").map((cell) => cell.replace(/^"|"$/g, "").trim());
    const [postalCode, prefecture, city, rawTown] = [cells[2], cells[6], cells[7], cells[8] ?? ""];
    if (!postalCode || !/^\d{7}$/.test(postalCode) || !prefecture || !city) {
      continue;
    }
    const town = /以下に掲載がない場合|の次に番地がくる場合|一円$/.test(rawTown)
      ? ""
      : rawTown.replace(/（.*$/, "").normalize("NFKC");
    const key = `${postalCode}|${city}|${town}`;
    if (!seen.has(key)) {
      seen.add(key);
      rows.push({ postalCode, prefecture, city, town });
    }
  }
  return rows;
}

/** Replaces the postal code table with a new KEN_ALL in one transaction (readers never see it half loaded). */
export async function importPostalCodes({
  db,
  rows,
}: {
  db: Db;
  rows: readonly PostalAddress[];
}): Promise<number> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`DELETE FROM forms_postal_codes`);
    for (let start = 0; start < rows.length; start += 1000) {
      await tx
        .insert(postalCodes)
        .values(rows.slice(start, start + 1000))
        .onConflictDoNothing();
    }
  });
  return rows.length;
}

/** The address a postal code names, when it names exactly one town (else just the city, or null). */
export async function findPostalAddress(db: Db, postalCode: string): Promise<string | null> {
  const rows = await db
    .select()
    .from(postalCodes)
    .where(sql`${postalCodes.postalCode} = ${postalCode}`)
    .limit(20);
  const first = rows[0];
  if (!first) {
    return null;
  }
  const sameTown = rows.every((row) => row.city === first.city && row.town === first.town);
  return `${first.prefecture}${first.city}${sameTown ? first.town : ""}`;
}
