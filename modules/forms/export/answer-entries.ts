import type { Answers, AnswerValue, Provenance, ProvenanceMap, ScalarAnswer } from "../definition/answers.ts";
import { displayAnswer } from "../definition/display-answer.ts";
import type {
  Field,
  FormDefinition,
  GroupMemberField,
  LocalizedText,
} from "../definition/form-definition.ts";

/**
 * One answer as a core system receives it (JSON API, webhooks): the stable key, both labels, the value as
 * stored (choice values, ISO dates, numbers) and the text a person reads. A repeating group lists its
 * items, each as entries of its own.
 */
export type AnswerEntry = {
  key: string;
  type: Field["type"] | GroupMemberField["type"];
  label: { ja: string; en: string | null };
  value: AnswerValue | null;
  /** As shown to staff, in Japanese; null when unanswered. */
  text: string | null;
  /** Where the value came from: typed, prefilled from the profile or the My Number card, or computed. */
  provenance: { source: Provenance["source"]; prefilledFrom?: "profile" | "card"; changed?: boolean } | null;
  items?: Record<string, AnswerEntry>[];
};

const labelOf = (text: LocalizedText) => ({ ja: text.ja, en: text.en ?? null });

function entry(
  field: Exclude<Field | GroupMemberField, { type: "info" | "group" }>,
  value: AnswerValue | null,
  origin: Provenance | null,
): AnswerEntry {
  const answered = value !== null && value !== undefined && value !== "";
  return {
    key: field.key,
    type: field.type,
    label: labelOf(field.label),
    value: answered ? value : null,
    text: answered ? displayAnswer(field, value, "ja") : null,
    // The prefilled value itself is left out: the receiver has the answer already.
    provenance: origin
      ? {
          source: origin.source,
          ...(origin.prefilledFrom ? { prefilledFrom: origin.prefilledFrom } : {}),
          ...(origin.changed === undefined ? {} : { changed: origin.changed }),
        }
      : null,
  };
}

/** Every field of the definition that takes an answer, by key in the definition's order, answered or not (null). */
export function answerEntries({
  definition,
  answers,
  provenance,
}: {
  definition: FormDefinition;
  answers: Answers;
  provenance: ProvenanceMap;
}): Record<string, AnswerEntry> {
  const entries: Record<string, AnswerEntry> = {};
  for (const page of definition.pages) {
    for (const field of page.fields) {
      if (field.type === "info") {
        continue;
      }
      const value = answers[field.key] ?? null;
      if (field.type === "group") {
        const items = (value as Record<string, ScalarAnswer | null>[] | null) ?? [];
        entries[field.key] = {
          key: field.key,
          type: "group",
          label: labelOf(field.label),
          value: items.length > 0 ? items : null,
          text: null,
          provenance: null,
          items: items.map((item) =>
            Object.fromEntries(
              field.fields.flatMap((member) =>
                member.type === "info" ? [] : [[member.key, entry(member, item[member.key] ?? null, null)]],
              ),
            ),
          ),
        };
        continue;
      }
      const origin =
        field.type === "computed" ? { source: "computed" as const } : (provenance[field.key] ?? null);
      entries[field.key] = entry(field, value, origin);
    }
  }
  return entries;
}
