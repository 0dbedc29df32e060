/** How sure we are who a resident is, weakest first: 'card' means the My Number card was read this session. */
export const assuranceLevels = ["none", "email", "line", "card"] as const;
export type AssuranceLevel = (typeof assuranceLevels)[number];

export function meetsAssurance(actual: AssuranceLevel | null | undefined, required: AssuranceLevel): boolean {
  return assuranceLevels.indexOf(actual ?? "none") >= assuranceLevels.indexOf(required);
}

export function isAssuranceLevel(value: unknown): value is AssuranceLevel {
  return typeof value === "string" && (assuranceLevels as readonly string[]).includes(value);
}
