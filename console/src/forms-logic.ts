// Logic without code: "show this when <field> is / is not / contains <value>", written as the JSON Logic
// subset of the definition format. Anything more complex stays editable as JSON, so nothing is lost.
import { bilingual, h } from "./forms-dom.ts";
import type { Expression, Field, GroupMemberField } from "./forms-types.ts";

export type Operator = "is" | "isNot" | "contains";
export type Scalar = string | number | boolean;
export type SimpleCondition = { key: string; operator: Operator; value: Scalar };

const operatorNames: Record<Operator, [string, string]> = {
  is: ["等しい", "is"],
  isNot: ["等しくない", "is not"],
  contains: ["含む", "contains"],
};
/** How the list describes a condition: 「就労状況」が「その他」のとき. */
const operatorSentences: Record<Operator, (field: string, value: string) => string> = {
  is: (field, value) => `「${field}」が「${value}」のとき`,
  isNot: (field, value) => `「${field}」が「${value}」でないとき`,
  contains: (field, value) => `「${field}」に「${value}」を含むとき`,
};

function isScalar(value: unknown): value is Scalar {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

function varKey(value: unknown): string | null {
  return value !== null && typeof value === "object" && "var" in value && typeof value.var === "string"
    ? value.var
    : null;
}

/** The condition in plain terms, or null when it is more than one comparison (then edited as JSON). */
export function parseCondition(expression: Expression | undefined): SimpleCondition | null {
  if (expression === null || typeof expression !== "object") {
    return null;
  }
  if ("==" in expression || "!=" in expression) {
    const [left, right] = "==" in expression ? expression["=="] : expression["!="];
    const key = varKey(left);
    return key && isScalar(right)
      ? { key, operator: "==" in expression ? "is" : "isNot", value: right }
      : null;
  }
  if ("in" in expression) {
    const [needle, haystack] = expression.in;
    const key = varKey(haystack);
    return key && isScalar(needle) ? { key, operator: "contains", value: needle } : null;
  }
  return null;
}

export function buildCondition(condition: SimpleCondition): Expression {
  const field: Expression = { var: condition.key };
  switch (condition.operator) {
    case "is":
      return { "==": [field, condition.value] };
    case "isNot":
      return { "!=": [field, condition.value] };
    case "contains":
      return { in: [condition.value, field] };
  }
}

export type ConditionCandidate = Field | GroupMemberField;

function candidateLabel(field: ConditionCandidate): string {
  return "label" in field ? field.label.ja : field.key;
}

/** The value a condition on this field starts with: its first option, "checked", or empty text. */
function defaultValue(field: ConditionCandidate | undefined): Scalar {
  if (!field) {
    return "";
  }
  if (field.type === "choice" || field.type === "multi_choice") {
    return field.options[0]?.value ?? "";
  }
  if (field.type === "consent") {
    return true;
  }
  return "";
}

function fillOptions(select: HTMLSelectElement, options: [string, string][], selected: string): void {
  select.replaceChildren(
    ...options.map(([value, text]) => {
      const option = h("option", { value }, text) as HTMLOptionElement;
      option.selected = value === selected;
      return option;
    }),
  );
}

export type ConditionEditorOptions = {
  id: string;
  legend: [string, string];
  /** What "no condition" means here, e.g. 「常に表示」. */
  noneLabel: [string, string] | null;
  current: Expression | undefined;
  /** Fields the condition may test; read when the editor is used, so new fields and options show up. */
  candidates: () => ConditionCandidate[];
  onChange: (expression: Expression | undefined) => void;
  /** Where the server's error about this condition goes (the editor registers it by pointer). */
  errorSlot?: HTMLElement;
};

/**
 * A fieldset of three controls (field, comparison, value). The value control follows the field: a list of
 * options for a choice, yes/no for a consent, text otherwise. Complex expressions get a JSON box instead.
 */
export function conditionEditor(options: ConditionEditorOptions): HTMLElement {
  const { id } = options;
  const fieldset = h(
    "fieldset",
    { class: "condition", id },
    h("legend", {}, bilingual(options.legend[0], options.legend[1])),
    options.errorSlot,
  );
  const body = h("div", { class: "condition-body" });
  const error = h("p", { class: "field-error", id: `${id}-json-error`, hidden: true });
  fieldset.append(body);
  let condition = parseCondition(options.current);
  const complex = options.current !== undefined && condition === null;

  if (complex) {
    const textarea = h(
      "textarea",
      { id: `${id}-json`, rows: "3", "aria-describedby": `${id}-json-hint`, spellcheck: "false" },
      JSON.stringify(options.current),
    ) as HTMLTextAreaElement;
    textarea.addEventListener("input", () => {
      try {
        const parsed = textarea.value.trim() ? (JSON.parse(textarea.value) as Expression) : undefined;
        error.hidden = true;
        textarea.removeAttribute("aria-invalid");
        options.onChange(parsed);
      } catch {
        error.textContent = "JSONの形式が正しくありません (This is not valid JSON)";
        error.hidden = false;
        textarea.setAttribute("aria-invalid", "true");
      }
    });
    body.append(
      h(
        "div",
        { class: "field" },
        h("label", { for: `${id}-json` }, bilingual("条件（JSON Logic）", "Condition as JSON Logic")),
        h(
          "p",
          { class: "hint", id: `${id}-json-hint` },
          "複雑な条件のため、JSONで編集します。空にすると条件なしになります。 (A complex condition: edit it as JSON; leave empty to remove it.)",
        ),
        error,
        textarea,
      ),
    );
    return fieldset;
  }

  const fieldSelect = h("select", { id: `${id}-field` }) as HTMLSelectElement;
  const operatorSelect = h("select", { id: `${id}-op` }) as HTMLSelectElement;
  const valueSlot = h("div", { class: "field condition-value" });
  const candidateByKey = () => new Map(options.candidates().map((f) => [f.key, f]));

  const fieldChoices = (): [string, string][] => {
    const list: [string, string][] = options.candidates().map((f) => [f.key, candidateLabel(f)]);
    if (condition && !list.some(([key]) => key === condition?.key)) {
      list.push([condition.key, `${condition.key}（見つかりません / missing）`]);
    }
    return options.noneLabel
      ? [["", `${options.noneLabel[0]} (${options.noneLabel[1]})`], ...list]
      : [["", "項目を選んでください (Choose a field)"], ...list];
  };
  const refreshFields = () => fillOptions(fieldSelect, fieldChoices(), condition?.key ?? "");
  fieldSelect.addEventListener("focus", refreshFields);

  const renderValue = () => {
    const field = condition ? candidateByKey().get(condition.key) : undefined;
    const valueId = `${id}-value`;
    const label = h("label", { for: valueId }, bilingual("値", "Value"));
    let control: HTMLElement;
    if (field && (field.type === "choice" || field.type === "multi_choice")) {
      const select = h("select", { id: valueId }) as HTMLSelectElement;
      const refresh = () => {
        const choices: [string, string][] = field.options.map((o) => [o.value, o.label.ja]);
        fillOptions(select, choices, String(condition?.value ?? ""));
      };
      refresh();
      select.addEventListener("focus", refresh);
      select.addEventListener("change", () => update({ value: select.value }));
      control = select;
    } else if (field?.type === "consent") {
      const select = h("select", { id: valueId }) as HTMLSelectElement;
      fillOptions(
        select,
        [
          ["true", "チェックあり (Checked)"],
          ["false", "チェックなし (Not checked)"],
        ],
        String(condition?.value ?? true),
      );
      select.addEventListener("change", () => update({ value: select.value === "true" }));
      control = select;
    } else {
      const numeric = field?.type === "number" || field?.type === "computed";
      const input = h("input", {
        id: valueId,
        type: numeric ? "number" : "text",
        value: String(condition?.value ?? ""),
      }) as HTMLInputElement;
      input.addEventListener("input", () =>
        update({ value: numeric && input.value !== "" ? Number(input.value) : input.value }),
      );
      control = input;
    }
    valueSlot.replaceChildren(label, control);
    valueSlot.hidden = !condition;
    operatorSelect.disabled = !condition;
  };

  const update = (change: Partial<SimpleCondition>) => {
    if (!condition) {
      return;
    }
    condition = { ...condition, ...change };
    options.onChange(buildCondition(condition));
  };

  fillOptions(
    operatorSelect,
    (Object.keys(operatorNames) as Operator[]).map((op) => [
      op,
      `${operatorNames[op][0]} (${operatorNames[op][1]})`,
    ]),
    condition?.operator ?? "is",
  );
  operatorSelect.addEventListener("change", () => update({ operator: operatorSelect.value as Operator }));
  fieldSelect.addEventListener("change", () => {
    const key = fieldSelect.value;
    if (!key) {
      condition = null;
      options.onChange(undefined);
    } else {
      const field = candidateByKey().get(key);
      const operator =
        field?.type === "multi_choice" ? "contains" : (condition?.operator ?? ("is" as Operator));
      condition = { key, operator, value: defaultValue(field) };
      operatorSelect.value = operator;
      options.onChange(buildCondition(condition));
    }
    renderValue();
  });
  refreshFields();
  renderValue();
  body.append(
    h("div", { class: "field" }, h("label", { for: `${id}-field` }, bilingual("項目", "Field")), fieldSelect),
    h(
      "div",
      { class: "field" },
      h("label", { for: `${id}-op` }, bilingual("比べ方", "Comparison")),
      operatorSelect,
    ),
    valueSlot,
  );
  return fieldset;
}

/** A short human summary of a condition, for the field list (「就労状況」が「その他」のとき). */
export function describeCondition(
  expression: Expression | undefined,
  candidates: ConditionCandidate[],
): string | null {
  if (expression === undefined) {
    return null;
  }
  const condition = parseCondition(expression);
  if (!condition) {
    return "複雑な条件 (complex condition)";
  }
  const field = candidates.find((f) => f.key === condition.key);
  let value = String(condition.value);
  if (field && (field.type === "choice" || field.type === "multi_choice")) {
    value = field.options.find((o) => o.value === condition.value)?.label.ja ?? value;
  } else if (field?.type === "consent") {
    value = condition.value === true ? "チェックあり" : "チェックなし";
  }
  const name = field ? candidateLabel(field) : condition.key;
  return operatorSentences[condition.operator](name, value);
}
