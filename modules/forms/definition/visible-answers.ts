import type { Answers, ProvenanceMap } from "./answers.ts";
import { holds } from "./expressions.ts";
import type { FormDefinition } from "./form-definition.ts";
import { computeValues, routeOf } from "./validate-page.ts";

/** Answers the resident's route shows, plus computed values; what a skipped page or hidden field held is dropped. */
export function keepVisibleAnswers(
  definition: FormDefinition,
  all: Answers,
  allProvenance: ProvenanceMap,
): { answers: Answers; provenance: ProvenanceMap } {
  const answers: Answers = {};
  const provenance: ProvenanceMap = {};
  const scope = { ...all, ...computeValues(definition, all) };
  for (const page of routeOf(definition, all)) {
    for (const field of page.fields) {
      if (field.type === "info" || !holds(field.showIf, scope)) {
        continue;
      }
      if (field.type === "computed") {
        answers[field.key] = scope[field.key] as number;
        provenance[field.key] = { source: "computed" };
        continue;
      }
      if (all[field.key] !== undefined && all[field.key] !== null) {
        answers[field.key] = all[field.key]!;
        const origin = allProvenance[field.key];
        if (origin) {
          provenance[field.key] = origin;
        }
      }
    }
  }
  return { answers, provenance };
}
