import { randomInt } from "node:crypto";

// No 0/O, 1/I/L, 2/Z, 5/S, 8/B or U/V: a reference read aloud over the phone or copied from paper survives.
const ALPHABET = "34679ACDEFGHJKMNPQRTWXY";

/** A 受付番号 such as "K7XM-4RPA": 8 characters (23^8 ≈ 7.8 × 10^10), shown in two groups of four. */
export function newReferenceNumber(): string {
  let code = "";
  for (let i = 0; i < 8; i++) {
    code += ALPHABET[randomInt(ALPHABET.length)];
  }
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

export function isReferenceNumber(value: string): boolean {
  return new RegExp(`^[${ALPHABET}]{4}-[${ALPHABET}]{4}$`).test(value);
}
