import { describe, expect, it } from "vitest";
import { FormDefinition } from "../../modules/forms/definition/form-definition.ts";
import { benchFields, formioDefinition, surveyJsDefinition, tenohiraDefinition } from "./fields.ts";

type Named = { label?: string; title?: string; key?: string; name?: string; type?: string };

describe("the bench form", () => {
  it("has 30 fields with unique keys", () => {
    expect(benchFields).toHaveLength(30);
    expect(new Set(benchFields.map((field) => field.key)).size).toBe(30);
  });

  it("is a valid definition in our format, one page, open to guests", () => {
    const definition = FormDefinition.parse(tenohiraDefinition());
    expect(definition.assuranceLevel).toBe("none");
    expect(definition.pages).toHaveLength(1);
    expect(definition.pages[0]!.fields.map((field) => field.key)).toEqual(benchFields.map((f) => f.key));
  });

  it("is the same form in SurveyJS and Form.io JSON: same keys, labels and required flags, in order", () => {
    const survey = surveyJsDefinition() as { pages: { elements: (Named & { isRequired: boolean })[] }[] };
    expect(survey.pages).toHaveLength(1);
    const elements = survey.pages[0]!.elements;
    expect(elements.map((element) => [element.name, element.title, element.isRequired])).toEqual(
      benchFields.map((field) => [field.key, field.label, field.required]),
    );
    const formio = formioDefinition() as { components: (Named & { validate?: { required: boolean } })[] };
    const inputs = formio.components.filter((component) => component.type !== "button");
    expect(inputs.map((component) => [component.key, component.label, component.validate?.required])).toEqual(
      benchFields.map((field) => [field.key, field.label, field.required]),
    );
  });
});
