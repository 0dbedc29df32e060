import type { Answers, AnswerValue, Provenance, ProvenanceMap, ScalarAnswer } from "./definition/answers.ts";
import { displayAnswer, type Lang, localized } from "./definition/display-answer.ts";
import { holds } from "./definition/expressions.ts";
import type { FormDefinition, Page } from "./definition/form-definition.ts";
import { computeValues, routeOf } from "./definition/validate-page.ts";

export type AnswerRow = {
  key: string;
  pageKey: string;
  label: string;
  value: string;
  provenance: Provenance | null;
};

/**
 * The answers as rows people read (check-answers page, receipt, staff view), in the order of the resident's
 * route; each item of a repeating group becomes labelled rows such as 「お子さん 1: 氏名」.
 */
export function answerRows(options: {
  definition: FormDefinition;
  answers: Answers;
  provenance: ProvenanceMap;
  lang: Lang;
  pages?: readonly Page[];
}): AnswerRow[] {
  const { definition, answers, provenance, lang } = options;
  const scope = { ...answers, ...computeValues(definition, answers) };
  const rows: AnswerRow[] = [];
  for (const page of options.pages ?? routeOf(definition, answers)) {
    for (const field of page.fields) {
      if (field.type === "info" || !holds(field.showIf, scope)) {
        continue;
      }
      const value = (scope[field.key] ?? null) as AnswerValue | null;
      if (field.type === "group") {
        const items = (value as Record<string, ScalarAnswer | null>[] | null) ?? [];
        items.forEach((item, index) => {
          for (const member of field.fields) {
            if (member.type === "info" || !holds(member.showIf, { ...scope, ...item })) {
              continue;
            }
            rows.push({
              key: `${field.key}.${index}.${member.key}`,
              pageKey: page.key,
              label: `${localized(field.itemLabel, lang)} ${index + 1}: ${localized(member.label, lang)}`,
              value: displayAnswer(member, item[member.key] ?? null, lang),
              provenance: null,
            });
          }
        });
        continue;
      }
      rows.push({
        key: field.key,
        pageKey: page.key,
        label: localized(field.label, lang),
        value: displayAnswer(field, value, lang),
        provenance: field.type === "computed" ? { source: "computed" } : (provenance[field.key] ?? null),
      });
    }
  }
  return rows;
}
