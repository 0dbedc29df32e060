import type { FormDefinitionInput } from "../definition/form-definition.ts";
import { hoikushoTemplate } from "./hoikusho.ts";
import { hokagoClubTemplate } from "./hokago-club.ts";
import { juminhyoTemplate } from "./juminhyo.ts";
import { kosekiTemplate } from "./koseki.ts";
import { nozeiTemplate } from "./nozei.ts";
import { sodaiGomiTemplate } from "./sodai-gomi.ts";
import { suidoTemplate } from "./suido.ts";
import { surveyTemplate } from "./survey.ts";

/** A ready-made form staff can start from; `key` is stable, `slug` is the address it is usually given. */
export type FormTemplate = { key: string; slug: string; category: string; definition: FormDefinitionInput };

/** The shipped templates, in the order the builder lists them. */
export const formTemplates: readonly FormTemplate[] = [
  juminhyoTemplate,
  kosekiTemplate,
  nozeiTemplate,
  suidoTemplate,
  hokagoClubTemplate,
  hoikushoTemplate,
  sodaiGomiTemplate,
  surveyTemplate,
];

/** Names of the templates' categories, for the builder's list. */
export const templateCategories: Readonly<Record<string, { ja: string; en: string }>> = {
  certificates: { ja: "証明書", en: "Certificates" },
  tax: { ja: "税", en: "Tax" },
  water: { ja: "上下水道", en: "Water" },
  children: { ja: "子育て", en: "Children" },
  waste: { ja: "ごみ", en: "Waste" },
  survey: { ja: "アンケート", en: "Surveys" },
};

export function findTemplate(key: string): FormTemplate | undefined {
  return formTemplates.find((template) => template.key === key);
}
