/**
 * Where to send a resident after signing in: only a path on this site. Anything else (another host,
 * a scheme, "//evil", "/\evil", control characters) falls back, so no redirect can leave the site.
 */
export function safeReturnPath(value: unknown, fallback = "/my"): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 500) {
    return fallback;
  }
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) {
    return fallback;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f\\]/.test(value)) {
    return fallback;
  }
  const parsed = new URL(value, "http://same.invalid");
  if (parsed.origin !== "http://same.invalid") {
    return fallback;
  }
  return parsed.pathname + parsed.search + parsed.hash;
}
