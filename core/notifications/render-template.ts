export type Personalisation = Record<string, string | number | boolean | null | undefined>;

export class MissingPersonalisationError extends Error {
  override name = "MissingPersonalisationError";
  readonly missing: string[];
  constructor(missing: string[]) {
    super(`Missing personalisation: ${missing.join(", ")}`);
    this.missing = missing;
  }
}

// ((name)), ((flag??text shown when flag is truthy)), ((!flag??text shown when flag is falsy))
const PLACEHOLDER = /\(\((!?)([A-Za-z_][A-Za-z0-9_]*)(\?\?([^()]*))?\)\)/g;

/** Names a template needs: placeholders and conditional flags. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[2]!))];
}

/**
 * Fills a GOV.UK-Notify-style template. Values come from forms and residents, so they are cleaned of
 * control characters and never interpreted as template syntax; negative conditionals exist because
 * Notify's lack of them forces callers to send paired yes/no flags.
 */
export function renderTemplate(template: string, personalisation: Personalisation): string {
  // Own keys only: `in` would take ((constructor)) or ((toString)) from Object.prototype.
  const missing = placeholdersOf(template).filter((name) => !Object.hasOwn(personalisation, name));
  if (missing.length > 0) {
    throw new MissingPersonalisationError(missing);
  }
  return template.replace(
    PLACEHOLDER,
    (_match, negate: string, name: string, conditional?: string, text?: string) => {
      const value = personalisation[name];
      if (conditional !== undefined) {
        const truthy =
          value !== false && value !== null && value !== undefined && value !== "" && value !== 0;
        return truthy !== (negate === "!") ? (text ?? "") : "";
      }
      return clean(value);
    },
  );
}

function clean(value: Personalisation[string]): string {
  if (value === null || value === undefined) {
    return "";
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return String(value).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "");
}
