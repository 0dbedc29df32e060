import { randomInt } from "node:crypto";

// No 0/O, 1/I/L, 2/Z, 5/S, 8/B or U/V: a reference read aloud over the phone survives.
const ALPHABET = "34679ACDEFGHJKMNPQRTWXY";

/** An appointment's 予約番号 such as "R7XM-4RPA". The leading R tells it from an application's 受付番号. */
export function newAppointmentReference(): string {
  let code = "R";
  for (let i = 0; i < 7; i++) {
    code += ALPHABET[randomInt(ALPHABET.length)];
  }
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}
