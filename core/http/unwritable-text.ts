// Control characters (tab and newlines aside), non-characters and lone surrogates: PostgreSQL cannot store
// NUL, XML (Open311, feeds) cannot carry the rest, and no keyboard types them.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** True when the text holds a character no form should accept (see above); null and undefined are fine. */
export function hasUnwritableCharacters(text: string | null | undefined): boolean {
  return text != null && (FORBIDDEN.test(text) || !text.isWellFormed());
}
