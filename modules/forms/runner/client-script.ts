import { readFileSync } from "node:fs";

/**
 * The runner's only script: progressive enhancement (live conditions, fee totals, 和暦 hints, signature
 * pad, location button, a single submit). Every page works without it.
 */
export const formsClientScript = readFileSync(new URL("./forms.client.js", import.meta.url), "utf8");
