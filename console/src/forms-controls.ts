// Labelled controls of the form editor. Each registers its JSON pointer (relative to the definition), so a
// server error such as /definition/pages/0/fields/2/key lands next to the control that caused it.
import { type Attributes, bilingual, type Child, h } from "./forms-dom.ts";
import type { Expression, LocalizedText } from "./forms-types.ts";

export type Slot = { slot: HTMLElement; control: HTMLElement | null };

/** What every control needs from the editor: where to register, and how to say something changed. */
export type ControlHost = {
  register(pointer: string, slot: HTMLElement, control: HTMLElement | null): void;
  changed(): void;
};

type Common = {
  id: string;
  pointer: string;
  label: [string, string];
  hint?: [string, string];
  required?: boolean;
};

function wrap(host: ControlHost, common: Common, control: HTMLElement, labelFirst = true): HTMLElement {
  const hintId = `${common.id}-hint`;
  const errorId = `${common.id}-error`;
  const label = h(
    "label",
    { for: common.id },
    bilingual(common.label[0], common.label[1]),
    common.required
      ? h("span", { class: "required-mark" }, " 必須", h("span", { lang: "en" }, " Required"))
      : null,
  );
  const hint = common.hint
    ? h("p", { class: "hint", id: hintId }, bilingual(common.hint[0], common.hint[1]))
    : null;
  const error = h("p", { class: "field-error", id: errorId, hidden: true });
  if (common.hint) {
    control.setAttribute("aria-describedby", hintId);
  }
  host.register(common.pointer, error, control);
  return labelFirst
    ? h("div", { class: "field", "data-pointer": common.pointer }, label, hint, error, control)
    : h("div", { class: "field check", "data-pointer": common.pointer }, error, control, label, hint);
}

export function textControl(
  host: ControlHost,
  common: Common & {
    value: string;
    onInput: (value: string) => void;
    multiline?: boolean;
    attrs?: Attributes;
  },
): HTMLElement {
  const input = common.multiline
    ? (h("textarea", { id: common.id, rows: "3", ...common.attrs }, common.value) as HTMLTextAreaElement)
    : (h("input", { id: common.id, type: "text", value: common.value, ...common.attrs }) as HTMLInputElement);
  if (common.required) {
    input.setAttribute("aria-required", "true");
  }
  input.addEventListener("input", () => {
    common.onInput(input.value);
    host.changed();
  });
  return wrap(host, common, input);
}

export function numberControl(
  host: ControlHost,
  common: Common & {
    value: number | undefined;
    onInput: (value: number | undefined) => void;
    attrs?: Attributes;
  },
): HTMLElement {
  const input = h("input", {
    id: common.id,
    type: "number",
    inputmode: "decimal",
    value: common.value === undefined ? "" : String(common.value),
    ...common.attrs,
  }) as HTMLInputElement;
  input.addEventListener("input", () => {
    const number = input.value.trim() === "" ? undefined : Number(input.value);
    common.onInput(number === undefined || Number.isNaN(number) ? undefined : number);
    host.changed();
  });
  return wrap(host, common, input);
}

export function checkControl(
  host: ControlHost,
  common: Common & { checked: boolean; onChange: (checked: boolean) => void },
): HTMLElement {
  const input = h("input", { id: common.id, type: "checkbox", checked: common.checked }) as HTMLInputElement;
  input.addEventListener("change", () => {
    common.onChange(input.checked);
    host.changed();
  });
  return wrap(host, common, input, false);
}

export function selectControl(
  host: ControlHost,
  common: Common & {
    value: string;
    options: [string, string][];
    onChange: (value: string) => void;
  },
): HTMLElement {
  const select = h(
    "select",
    { id: common.id },
    ...common.options.map(([value, text]) => h("option", { value, selected: value === common.value }, text)),
  ) as HTMLSelectElement;
  select.addEventListener("change", () => {
    common.onChange(select.value);
    host.changed();
  });
  return wrap(host, common, select);
}

/**
 * A Japanese and an English box for one text. Japanese is what residents see by default; English is
 * optional (the form falls back to Japanese). Optional texts vanish when both boxes are emptied.
 */
export function localizedControl(
  host: ControlHost,
  options: {
    id: string;
    pointer: string;
    label: [string, string];
    hint?: [string, string];
    value: LocalizedText | undefined;
    optional: boolean;
    multiline?: boolean;
    onChange: (value: LocalizedText | undefined) => void;
  },
): HTMLElement {
  let current: LocalizedText | undefined = options.value;
  const set = (lang: "ja" | "en", text: string) => {
    const next: LocalizedText = { ...(current ?? { ja: "" }) };
    if (lang === "ja") {
      next.ja = text;
    } else if (text.trim()) {
      next.en = text;
    } else {
      delete next.en;
    }
    current = options.optional && !next.ja.trim() && !next.en ? undefined : next;
    options.onChange(current);
  };
  const error = h("p", { class: "field-error", id: `${options.id}-error`, hidden: true });
  host.register(options.pointer, error, null);
  return h(
    "div",
    { class: "pair", "data-pointer": options.pointer },
    error,
    textControl(host, {
      id: `${options.id}-ja`,
      pointer: `${options.pointer}/ja`,
      label: [`${options.label[0]}（日本語）`, `${options.label[1]}, Japanese`],
      ...(options.hint ? { hint: options.hint } : {}),
      required: !options.optional,
      value: options.value?.ja ?? "",
      multiline: options.multiline ?? false,
      onInput: (text) => set("ja", text),
    }),
    textControl(host, {
      id: `${options.id}-en`,
      pointer: `${options.pointer}/en`,
      label: [`${options.label[0]}（英語・任意）`, `${options.label[1]}, English (optional)`],
      value: options.value?.en ?? "",
      multiline: options.multiline ?? false,
      attrs: { lang: "en" },
      onInput: (text) => set("en", text),
    }),
  );
}

type AmountMode = "fixed" | "perField" | "field" | "json";
type AmountState = { mode: AmountMode; price: number; key: string };

function amountMode(expression: Expression): AmountState {
  if (typeof expression === "number") {
    return { mode: "fixed", price: expression, key: "" };
  }
  if (expression !== null && typeof expression === "object" && "var" in expression) {
    return { mode: "field", price: 0, key: expression.var };
  }
  if (expression !== null && typeof expression === "object" && "*" in expression) {
    const [a, b, ...rest] = expression["*"];
    const price = typeof a === "number" ? a : typeof b === "number" ? b : null;
    const variable = [a, b].find((x) => x !== null && typeof x === "object" && "var" in x);
    if (
      rest.length === 0 &&
      price !== null &&
      variable &&
      typeof variable === "object" &&
      "var" in variable
    ) {
      return { mode: "perField", price, key: variable.var };
    }
  }
  return { mode: "json", price: 0, key: "" };
}

/** The expression a simple amount stands for. */
function amountExpression(state: AmountState): Expression {
  switch (state.mode) {
    case "fixed":
      return state.price;
    case "perField":
      return { "*": [state.price, { var: state.key }] };
    case "field":
      return { var: state.key };
    case "json":
      return null;
  }
}

/**
 * An amount in yen without code: a fixed sum, 「¥X × <field>」 (e.g. ¥300 × 通数), the value of a computed
 * field, or JSON Logic for anything else (kept as it was written).
 */
export function amountControl(
  host: ControlHost,
  options: {
    id: string;
    pointer: string;
    legend: [string, string];
    value: Expression;
    /** Number fields the price can be multiplied by. */
    candidates: () => { key: string; label: string }[];
    onChange: (value: Expression) => void;
  },
): HTMLElement {
  const { id } = options;
  let state = amountMode(options.value);
  let json = JSON.stringify(options.value);
  const fieldset = h("fieldset", { class: "amount", id, "data-pointer": options.pointer });
  const error = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
  host.register(options.pointer, error, null);

  const emit = () => {
    if (state.mode !== "json") {
      options.onChange(amountExpression(state));
    }
    host.changed();
  };

  const render = (focusId?: string) => {
    const modes: [AmountMode, string, string][] = [
      ["fixed", "定額", "Fixed amount"],
      ["perField", "単価 × 項目の数", "Price × a number field"],
      ["field", "項目の値（計算項目など）", "The value of a field, e.g. a computed one"],
      ["json", "式（JSON Logic）", "Expression as JSON Logic"],
    ];
    const radios = h(
      "div",
      { class: "radios", role: "radiogroup", "aria-label": "金額の決め方 (How the amount is set)" },
      ...modes.map(([mode, ja, en]) => {
        const radio = h("input", {
          type: "radio",
          name: `${id}-mode`,
          id: `${id}-mode-${mode}`,
          value: mode,
          checked: state.mode === mode,
        }) as HTMLInputElement;
        radio.addEventListener("change", () => {
          if (mode === "json") {
            // Start the JSON from what the simple editor had, so switching loses nothing.
            json = JSON.stringify(amountExpression(state));
            state = { ...state, mode };
          } else {
            state = { ...state, mode };
            if ((mode === "perField" || mode === "field") && !state.key) {
              state.key = options.candidates()[0]?.key ?? "";
            }
            emit();
          }
          render(`${id}-mode-${mode}`);
        });
        return h(
          "div",
          { class: "check" },
          radio,
          h("label", { for: `${id}-mode-${mode}` }, bilingual(ja, en)),
        );
      }),
    );
    const parts: Child[] = [];
    if (state.mode === "fixed" || state.mode === "perField") {
      const price = h("input", {
        id: `${id}-price`,
        type: "number",
        min: "0",
        inputmode: "numeric",
        value: String(state.price),
      }) as HTMLInputElement;
      price.addEventListener("input", () => {
        state.price = Number(price.value) || 0;
        emit();
      });
      parts.push(
        h(
          "div",
          { class: "field" },
          h(
            "label",
            { for: `${id}-price` },
            bilingual(state.mode === "fixed" ? "金額（円）" : "単価（円）", "Yen"),
          ),
          price,
        ),
      );
    }
    if (state.mode === "perField" || state.mode === "field") {
      const candidates = options.candidates();
      const select = h(
        "select",
        { id: `${id}-field` },
        h("option", { value: "" }, "項目を選んでください (Choose a field)"),
        ...candidates.map((c) => h("option", { value: c.key, selected: c.key === state.key }, c.label)),
      ) as HTMLSelectElement;
      select.addEventListener("change", () => {
        state.key = select.value;
        emit();
      });
      parts.push(
        state.mode === "perField" ? h("span", { class: "times", "aria-hidden": "true" }, "×") : null,
        h(
          "div",
          { class: "field" },
          h(
            "label",
            { for: `${id}-field` },
            state.mode === "perField"
              ? bilingual("× 掛ける項目（数値）", "Times this number field")
              : bilingual("金額にする項目", "Field holding the amount"),
          ),
          candidates.length === 0
            ? h("p", { class: "hint" }, "先に「数値」の項目を追加してください (Add a number field first)")
            : null,
          select,
        ),
      );
    }
    if (state.mode === "json") {
      const textarea = h(
        "textarea",
        { id: `${id}-json`, rows: "3", spellcheck: "false" },
        json,
      ) as HTMLTextAreaElement;
      const jsonError = h("p", { class: "field-error", id: `${id}-json-error`, hidden: true });
      textarea.addEventListener("input", () => {
        json = textarea.value;
        try {
          options.onChange(JSON.parse(textarea.value) as Expression);
          jsonError.hidden = true;
          textarea.removeAttribute("aria-invalid");
          host.changed();
        } catch {
          jsonError.textContent = "JSONの形式が正しくありません (This is not valid JSON)";
          jsonError.hidden = false;
          textarea.setAttribute("aria-invalid", "true");
          textarea.setAttribute("aria-describedby", jsonError.id);
        }
      });
      parts.push(
        h(
          "div",
          { class: "field" },
          h("label", { for: `${id}-json` }, bilingual("式", "Expression")),
          jsonError,
          textarea,
        ),
      );
    }
    fieldset.replaceChildren(
      h("legend", {}, bilingual(options.legend[0], options.legend[1])),
      error,
      radios,
      h("div", { class: "amount-parts" }, ...parts),
    );
    if (focusId) {
      document.getElementById(focusId)?.focus();
    }
  };
  render();
  return fieldset;
}

/** Date limit of a date field: none, today, or a fixed date. */
export function dateLimitControl(
  host: ControlHost,
  common: Common & { value: string | undefined; onChange: (value: string | undefined) => void },
): HTMLElement {
  const mode = common.value === undefined ? "" : common.value === "today" ? "today" : "date";
  const select = h(
    "select",
    { id: common.id },
    h("option", { value: "", selected: mode === "" }, "制限なし (No limit)"),
    h("option", { value: "today", selected: mode === "today" }, "今日 (Today)"),
    h("option", { value: "date", selected: mode === "date" }, "日付を指定 (A date)"),
  ) as HTMLSelectElement;
  const date = h("input", {
    id: `${common.id}-date`,
    type: "date",
    value: mode === "date" ? (common.value ?? "") : "",
    "aria-label": `${common.label[0]}の日付 (${common.label[1]} date)`,
    hidden: mode !== "date",
  }) as HTMLInputElement;
  select.addEventListener("change", () => {
    date.hidden = select.value !== "date";
    common.onChange(
      select.value === "today" ? "today" : select.value === "date" ? date.value || undefined : undefined,
    );
    host.changed();
  });
  date.addEventListener("input", () => {
    common.onChange(date.value || undefined);
    host.changed();
  });
  const wrapper = wrap(host, common, select);
  wrapper.append(date);
  return wrapper;
}

/** ISO date-time ↔ the value of a datetime-local input, in Japan time (where the city is). */
export function isoToJapanLocal(iso: string | undefined): string {
  if (!iso) {
    return "";
  }
  const time = new Date(iso).getTime();
  return Number.isNaN(time) ? "" : new Date(time + 9 * 3600_000).toISOString().slice(0, 16);
}

export function japanLocalToIso(local: string): string | undefined {
  return local ? `${local}:00+09:00` : undefined;
}

export function dateTimeControl(
  host: ControlHost,
  common: Common & { value: string | undefined; onChange: (value: string | undefined) => void },
): HTMLElement {
  const input = h("input", {
    id: common.id,
    type: "datetime-local",
    value: isoToJapanLocal(common.value),
  }) as HTMLInputElement;
  input.addEventListener("input", () => {
    common.onChange(japanLocalToIso(input.value));
    host.changed();
  });
  return wrap(host, common, input);
}
