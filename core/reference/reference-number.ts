import { randomInt } from "node:crypto";

// No 0/O, 1/I/L, 2/Z, 5/S, 8/B or U/V: a reference read aloud over the phone or copied from paper survives.
const ALPHABET = "34679ACDEFGHJKMNPQRTWXY";

/**
 * A 受付番号 such as "K7XM-4RPA": 8 characters shown in two groups of four (23^8 ≈ 7.8 × 10^10). A module
 * may start it with a letter of its own, which then takes one of the random places ("R7XM-4RPA" for a
 * booking; a prefix outside the alphabet, such as V, can never be mistaken for another kind).
 */
export function newReferenceNumber(prefix = ""): string {
  let code = prefix;
  while (code.length < 8) {
    code += ALPHABET[randomInt(ALPHABET.length)];
  }
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

export function isReferenceNumber(value: string, prefix = ""): boolean {
  const code = value.slice(0, 4) + value.slice(5);
  return (
    value.length === 9 &&
    value[4] === "-" &&
    code.startsWith(prefix) &&
    [...code.slice(prefix.length)].every((character) => ALPHABET.includes(character))
  );
}
