export const languages = ["ja", "en"] as const;
export type Language = (typeof languages)[number];

export type Catalog = Record<string, string>;
export type Catalogs = { ja: Catalog; en: Catalog };

export type Translator = (key: string, vars?: Record<string, string | number>) => string;

export function isLanguage(value: unknown): value is Language {
  return value === "ja" || value === "en";
}

/**
 * Merges catalogs (core first, then each module) and checks that every key exists in both languages,
 * so a missing translation fails at start, not in front of a resident.
 */
export type I18n = { t: (lang: Language) => Translator; keys: string[] };

export function createI18n(catalogs: readonly Catalogs[]): I18n {
  const merged: Catalogs = { ja: {}, en: {} };
  for (const catalog of catalogs) {
    for (const lang of languages) {
      for (const [key, value] of Object.entries(catalog[lang])) {
        if (key in merged[lang]) {
          throw new Error(`Message key ${key} is defined twice`);
        }
        merged[lang][key] = value;
      }
    }
  }
  const missing = [
    ...Object.keys(merged.ja)
      .filter((key) => !(key in merged.en))
      .map((key) => `en:${key}`),
    ...Object.keys(merged.en)
      .filter((key) => !(key in merged.ja))
      .map((key) => `ja:${key}`),
  ];
  if (missing.length > 0) {
    throw new Error(`Missing translations: ${missing.join(", ")}`);
  }
  return {
    keys: Object.keys(merged.ja),
    t: (lang) => (key, vars) => {
      const text = merged[lang][key];
      if (text === undefined) {
        throw new Error(`Unknown message key ${key}`);
      }
      return vars ? text.replace(/\{(\w+)\}/g, (whole, name: string) => String(vars[name] ?? whole)) : text;
    },
  };
}

/** Explicit choice (?lang=, then the lang cookie) beats the browser's Accept-Language, which beats the city's default. */
export function negotiateLanguage(options: {
  query?: string | undefined;
  cookie?: string | undefined;
  acceptLanguage?: string | undefined;
  fallback: Language;
}): Language {
  for (const candidate of [options.query, options.cookie]) {
    if (isLanguage(candidate)) {
      return candidate;
    }
  }
  const preferred = (options.acceptLanguage ?? "")
    .split(",")
    .map((part) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = Number(
        params
          .find((p) => p.trim().startsWith("q="))
          ?.trim()
          .slice(2) ?? "1",
      );
      return { primary: tag.toLowerCase().split("-")[0], q: Number.isFinite(q) ? q : 0 };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const entry of preferred) {
    if (isLanguage(entry.primary)) {
      return entry.primary;
    }
  }
  return options.fallback;
}
