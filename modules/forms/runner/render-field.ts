import { html, raw } from "hono/html";
import type { Html } from "../../../core/http/layout.ts";
import type { Translator } from "../../../core/i18n/i18n.ts";
import type {
  AnswerValue,
  AttachmentRef,
  LocationValue,
  NameValue,
  ScalarAnswer,
} from "../definition/answers.ts";
import { displayAnswer, type Lang, localized } from "../definition/display-answer.ts";
import { variablesOf } from "../definition/expressions.ts";
import type { Expression, Field, GroupMemberField } from "../definition/form-definition.ts";
import { toJapaneseEra } from "../definition/japanese-era.ts";
import type { PageInput } from "../definition/validate-page.ts";

/** What a field is drawn with: the saved value, or what the resident just posted when it had problems. */
export type FieldState = {
  lang: Lang;
  t: Translator;
  value: AnswerValue | null;
  /** Raw posted inputs to show back after a failed check (never lose what was typed). */
  posted: PageInput | null;
  /** Problems by input name. */
  errors: Record<string, string>;
  /** Keys of this page's fields: conditions on them are left to the browser script. */
  pageKeys: ReadonlySet<string>;
  /** Computed values (fees) for display. */
  computed: Record<string, number>;
  /** The form control's name, which differs from the key inside a repeating group. */
  name?: string;
};

const idOf = (name: string) => `f-${name}`;

function text(state: FieldState, name: string, fallback: string): string {
  const posted = state.posted?.get(name);
  return posted ? (posted[0] ?? "") : fallback;
}

/** A condition the browser can re-evaluate live; conditions on other pages are settled by the server. */
function showIfAttribute(showIf: Expression | undefined, state: FieldState): Html {
  if (showIf === undefined || !variablesOf(showIf).some((key) => state.pageKeys.has(key))) {
    return html``;
  }
  return html` data-show-if="${JSON.stringify(showIf)}"`;
}

function labelText(
  field: { label: { ja: string; en?: string | undefined }; required?: boolean },
  state: FieldState,
) {
  return html`${localized(field.label, state.lang)}${
    field.required ? html` <span class="required">${state.t("forms.runner.required")}</span>` : ""
  }`;
}

function described(
  name: string,
  hasHint: boolean,
  state: FieldState,
): { attrs: Html; hint: Html; error: Html } {
  const error = state.errors[name];
  const ids = [hasHint ? `${idOf(name)}-hint` : "", error ? `${idOf(name)}-error` : ""]
    .filter(Boolean)
    .join(" ");
  return {
    attrs: html`${ids ? html` aria-describedby="${ids}"` : ""}${error ? html` aria-invalid="true"` : ""}`,
    hint: html``,
    error: error ? html`<span class="field-error" id="${idOf(name)}-error">${error}</span>` : html``,
  };
}

function hintOf(
  field: { hint?: { ja: string; en?: string | undefined } | undefined },
  name: string,
  state: FieldState,
) {
  return field.hint
    ? html`<span class="hint" id="${idOf(name)}-hint">${localized(field.hint, state.lang)}</span>`
    : "";
}

/** Attributes every text-like input shares. */
function inputAttributes(field: Field | GroupMemberField, name: string, state: FieldState): Html {
  const hasHint = "hint" in field && field.hint !== undefined;
  return html`id="${idOf(name)}" name="${name}"${"required" in field && field.required ? html` required` : ""}${
    described(name, hasHint, state).attrs
  }`;
}

function simpleInput(
  field: Field | GroupMemberField,
  name: string,
  state: FieldState,
  value: string,
  options: {
    type: string;
    autocomplete?: string | undefined;
    inputmode?: string;
    maxlength?: number;
    className?: string;
  },
): Html {
  return html`<input ${inputAttributes(field, name, state)} type="${options.type}" value="${value}"${
    options.autocomplete ? html` autocomplete="${options.autocomplete}"` : ""
  }${options.inputmode ? html` inputmode="${options.inputmode}"` : ""}${
    options.maxlength ? html` maxlength="${options.maxlength}"` : ""
  }${options.className ? html` class="${options.className}"` : ""}>`;
}

function wrapper(
  field: Field | GroupMemberField,
  name: string,
  state: FieldState,
  control: Html,
  extraClass = "",
): Html {
  const invalid = Object.keys(state.errors).some((key) => key === name || key.startsWith(`${name}.`));
  const label =
    "label" in field ? labelText(field as { label: { ja: string }; required?: boolean }, state) : "";
  return html`<div class="field${invalid ? " field-invalid" : ""}${extraClass}" data-field="${name}"${showIfAttribute(
    field.showIf,
    state,
  )}>
<label for="${idOf(name)}">${label}</label>
${hintOf(field as { hint?: { ja: string } }, name, state)}
${described(name, false, state).error}
${control}
</div>`;
}

function fieldsetWrapper(
  field: Field | GroupMemberField,
  name: string,
  state: FieldState,
  inner: Html,
  extraClass = "",
): Html {
  const invalid = Object.keys(state.errors).some((key) => key === name || key.startsWith(`${name}.`));
  const errors = Object.entries(state.errors).filter(([key]) => key === name || key.startsWith(`${name}.`));
  const label =
    "label" in field ? labelText(field as { label: { ja: string }; required?: boolean }, state) : "";
  return html`<fieldset class="field${invalid ? " field-invalid" : ""}${extraClass}" id="${idOf(name)}" data-field="${name}"${showIfAttribute(
    field.showIf,
    state,
  )}${field.type !== "info" && "hint" in field && field.hint ? html` aria-describedby="${idOf(name)}-hint"` : ""}>
<legend>${label}</legend>
${hintOf(field as { hint?: { ja: string } }, name, state)}
${errors.map(([key, message]) => html`<span class="field-error" id="${idOf(key)}-error">${message}</span>`)}
${inner}
</fieldset>`;
}

/** One field of a page, server-rendered and complete without JavaScript. */
export function renderField(field: Field | GroupMemberField, state: FieldState): Html {
  const name = state.name ?? field.key;
  const value = state.value;
  const str = (v: AnswerValue | null) => (typeof v === "string" || typeof v === "number" ? String(v) : "");
  switch (field.type) {
    case "info":
      return html`<div class="info-text" data-field="${name}"${showIfAttribute(field.showIf, state)}>${paragraphs(
        localized(field.text, state.lang),
      )}</div>`;
    case "computed": {
      const amount = state.computed[field.key] ?? 0;
      return html`<div class="field computed" data-field="${name}"${showIfAttribute(field.showIf, state)}>
<p><span class="computed-label">${localized(field.label, state.lang)}</span>
<output id="${idOf(name)}" data-computed="${JSON.stringify(field.expression)}" data-format="${field.format}">${displayAnswer(
        field,
        amount,
        state.lang,
      )}</output></p></div>`;
    }
    case "text":
      return wrapper(
        field,
        name,
        state,
        simpleInput(field, name, state, text(state, name, str(value)), {
          type: "text",
          autocomplete: field.autocomplete,
          maxlength: field.maxLength,
        }),
      );
    case "textarea":
      return wrapper(
        field,
        name,
        state,
        html`<textarea ${inputAttributes(field, name, state)} rows="5" maxlength="${field.maxLength}">${text(
          state,
          name,
          str(value),
        )}</textarea>`,
      );
    case "address":
      return wrapper(
        field,
        name,
        state,
        html`<textarea ${inputAttributes(field, name, state)} rows="2" maxlength="200" autocomplete="street-address">${text(
          state,
          name,
          str(value),
        )}</textarea>`,
      );
    case "number":
      return wrapper(
        field,
        name,
        state,
        html`${simpleInput(field, name, state, text(state, name, str(value)), {
          type: "text",
          inputmode: field.integer ? "numeric" : "decimal",
          className: "input-short",
        })}${field.unit ? html` <span class="unit">${localized(field.unit, state.lang)}</span>` : ""}`,
      );
    case "email":
      return wrapper(
        field,
        name,
        state,
        simpleInput(field, name, state, text(state, name, str(value)), {
          type: "email",
          autocomplete: "email",
        }),
      );
    case "phone":
      return wrapper(
        field,
        name,
        state,
        simpleInput(field, name, state, text(state, name, str(value)), {
          type: "tel",
          autocomplete: "tel",
          className: "input-medium",
        }),
      );
    case "postal_code":
      return wrapper(
        field,
        name,
        state,
        html`<input ${inputAttributes(field, name, state)} type="text" value="${text(
          state,
          name,
          str(value),
        )}" autocomplete="postal-code" inputmode="numeric" maxlength="8" class="input-short"${
          field.fillsAddress ? html` data-fills-address="f-${field.fillsAddress}"` : ""
        }>`,
      );
    case "date": {
      const current = text(state, name, str(value));
      const era = toJapaneseEra(current, "ja");
      return wrapper(
        field,
        name,
        state,
        html`<input ${inputAttributes(field, name, state)} type="date" value="${current}" class="input-medium">${
          state.lang === "ja" ? html`<span class="era" data-era-for="${idOf(name)}">${era ?? ""}</span>` : ""
        }`,
      );
    }
    case "name": {
      const current = (value as NameValue | null) ?? { name: "" };
      const nameError = state.errors[`${name}.name`];
      const kanaError = state.errors[`${name}.kana`];
      return fieldsetWrapper(
        field,
        name,
        state,
        html`<div class="subfield"><label for="${idOf(`${name}.name`)}">${state.t("forms.runner.fullName")}</label>
<input id="${idOf(`${name}.name`)}" name="${name}.name" type="text" autocomplete="name" maxlength="100" value="${text(
          state,
          `${name}.name`,
          current.name,
        )}"${field.required ? html` required` : ""}${nameError ? html` aria-invalid="true" aria-describedby="${idOf(`${name}.name`)}-error"` : ""}></div>
${
  field.withKana
    ? html`<div class="subfield"><label for="${idOf(`${name}.kana`)}">${state.t("forms.runner.kana")}</label>
<input id="${idOf(`${name}.kana`)}" name="${name}.kana" type="text" maxlength="100" value="${text(
        state,
        `${name}.kana`,
        current.kana ?? "",
      )}"${kanaError ? html` aria-invalid="true" aria-describedby="${idOf(`${name}.kana`)}-error"` : ""}></div>`
    : ""
}`,
      );
    }
    case "choice": {
      const current = text(state, name, str(value));
      if (field.display === "select") {
        return wrapper(
          field,
          name,
          state,
          html`<select ${inputAttributes(field, name, state)}>
<option value="">${state.t("forms.runner.choose")}</option>
${field.options.map(
  (o) =>
    html`<option value="${o.value}"${o.value === current ? " selected" : ""}>${localized(o.label, state.lang)}</option>`,
)}</select>`,
        );
      }
      return fieldsetWrapper(
        field,
        name,
        state,
        html`${field.options.map(
          (o, i) =>
            html`<div class="check"><input type="radio" id="${idOf(name)}-${i}" name="${name}" value="${o.value}"${
              o.value === current ? " checked" : ""
            }><label for="${idOf(name)}-${i}">${localized(o.label, state.lang)}</label></div>`,
        )}`,
      );
    }
    case "multi_choice": {
      const chosen = state.posted
        ? (state.posted.get(name) ?? [])
        : Array.isArray(value)
          ? (value as string[])
          : [];
      return fieldsetWrapper(
        field,
        name,
        state,
        html`${field.options.map(
          (o, i) =>
            html`<div class="check"><input type="checkbox" id="${idOf(name)}-${i}" name="${name}" value="${o.value}"${
              chosen.includes(o.value) ? " checked" : ""
            }><label for="${idOf(name)}-${i}">${localized(o.label, state.lang)}</label></div>`,
        )}`,
      );
    }
    case "consent": {
      const checked = state.posted ? state.posted.get(name)?.[0] === "yes" : value === true;
      const error = state.errors[name];
      return html`<div class="field${error ? " field-invalid" : ""}" data-field="${name}"${showIfAttribute(field.showIf, state)}>
${hintOf(field, name, state)}
${error ? html`<span class="field-error" id="${idOf(name)}-error">${error}</span>` : ""}
<div class="check"><input type="checkbox" id="${idOf(name)}" name="${name}" value="yes"${checked ? " checked" : ""}${
        field.required ? html` required` : ""
      }${error ? html` aria-invalid="true" aria-describedby="${idOf(name)}-error"` : ""}><label for="${idOf(name)}">${labelText(
        field,
        state,
      )}</label></div></div>`;
    }
    case "location": {
      const point = value as LocationValue | null;
      return fieldsetWrapper(
        field,
        name,
        state,
        html`<div class="subfield"><label for="${idOf(`${name}.lat`)}">${state.t("forms.runner.latitude")}</label>
<input id="${idOf(`${name}.lat`)}" name="${name}.lat" type="text" inputmode="decimal" class="input-medium" value="${text(
          state,
          `${name}.lat`,
          point ? String(point.lat) : "",
        )}"></div>
<div class="subfield"><label for="${idOf(`${name}.lng`)}">${state.t("forms.runner.longitude")}</label>
<input id="${idOf(`${name}.lng`)}" name="${name}.lng" type="text" inputmode="decimal" class="input-medium" value="${text(
          state,
          `${name}.lng`,
          point ? String(point.lng) : "",
        )}"></div>
<p><button type="button" class="button-secondary" data-locate="${name}" hidden>${state.t("forms.runner.useLocation")}</button></p>`,
      );
    }
    case "file": {
      const files = (value as AttachmentRef[] | null) ?? [];
      const accept = field.accept.flatMap((a) => (a === "pdf" ? ["application/pdf"] : ["image/*"])).join(",");
      return html`<div class="field${state.errors[name] ? " field-invalid" : ""}" data-field="${name}"${showIfAttribute(
        field.showIf,
        state,
      )}>
<label for="${idOf(name)}">${labelText(field, state)}</label>
<span class="hint" id="${idOf(name)}-hint">${field.hint ? html`${localized(field.hint, state.lang)} ` : ""}${state.t(
        "forms.runner.fileLimits",
        { count: field.maxFiles, size: field.maxSizeMb },
      )}</span>
${state.errors[name] ? html`<span class="field-error" id="${idOf(name)}-error">${state.errors[name]}</span>` : ""}
${
  files.length > 0
    ? html`<ul class="file-list">${files.map(
        (file) => html`<li>${file.name} (${Math.ceil(file.size / 1024)} KB)
<button type="submit" class="button-link" name="_action" value="remove-file:${name}:${file.id}">${state.t(
          "forms.runner.removeFile",
          { name: file.name },
        )}</button></li>`,
      )}</ul>`
    : ""
}
${
  files.length < field.maxFiles
    ? html`<input id="${idOf(name)}" name="${name}" type="file" accept="${accept}"${
        field.maxFiles - files.length > 1 ? " multiple" : ""
      } aria-describedby="${idOf(name)}-hint${state.errors[name] ? ` ${idOf(name)}-error` : ""}">
<p><button type="submit" class="button-secondary" name="_action" value="upload:${name}">${state.t("forms.runner.upload")}</button></p>`
    : ""
}
</div>`;
    }
    case "signature": {
      const signed = value && typeof value === "object" && "attachment" in value;
      const typed =
        value && typeof value === "object" && "typed" in value ? (value as { typed: string }).typed : "";
      return fieldsetWrapper(
        field,
        name,
        state,
        html`${signed ? html`<p class="notice">${state.t("forms.runner.signed")}</p>` : ""}
<div class="signature-pad" data-signature="${name}" hidden>
<canvas width="600" height="200" aria-label="${state.t("forms.runner.signHere")}" role="img"></canvas>
<input type="hidden" name="${name}" value="">
<p><button type="button" class="button-secondary" data-signature-clear>${state.t("forms.runner.clearSignature")}</button></p>
</div>
<div class="subfield" data-signature-fallback><label for="${idOf(`${name}.typed`)}">${state.t("forms.runner.typedSignature")}</label>
<input id="${idOf(`${name}.typed`)}" name="${name}.typed" type="text" maxlength="100" autocomplete="name" value="${text(
          state,
          `${name}.typed`,
          typed,
        )}"></div>`,
      );
    }
    case "group":
      return renderGroup(field, state);
  }
}

function renderGroup(field: Extract<Field, { type: "group" }>, state: FieldState): Html {
  const name = field.key;
  const items = (state.value as Record<string, ScalarAnswer | null>[] | null) ?? [];
  const postedCount = state.posted?.get(`${name}.count`)?.[0];
  const count = postedCount !== undefined ? Number(postedCount) : Math.max(items.length, field.minItems, 1);
  const itemLabel = localized(field.itemLabel, state.lang);
  const indices = Array.from({ length: count }, (_, i) => i);
  return fieldsetWrapper(
    field,
    name,
    state,
    html`<input type="hidden" name="${name}.count" value="${count}">
${indices.map(
  (index) => html`<fieldset class="group-item" data-group-item="${index}">
<legend>${itemLabel} ${index + 1}</legend>
${field.fields.map((member) =>
  renderField(member, {
    ...state,
    name: `${name}.${index}.${member.key}`,
    value: (items[index]?.[member.key] ?? null) as AnswerValue | null,
  }),
)}
${
  count > field.minItems
    ? html`<p><button type="submit" class="button-secondary" name="_action" value="remove:${name}:${index}">${state.t(
        "forms.runner.removeItem",
        { item: `${itemLabel} ${index + 1}` },
      )}</button></p>`
    : ""
}
</fieldset>`,
)}
${
  count < field.maxItems
    ? html`<p><button type="submit" class="button-secondary" name="_action" value="add:${name}">${state.t(
        "forms.runner.addItem",
        { item: itemLabel },
      )}</button></p>`
    : ""
}`,
    " group",
  );
}

/** Staff text shown as text: paragraphs and line breaks only, never markup. */
export function paragraphs(value: string): Html {
  return html`${value
    .split(/\n{2,}/)
    .map(
      (paragraph) =>
        html`<p>${paragraph.split("\n").map((line, i) => html`${i > 0 ? raw("<br>") : ""}${line}`)}</p>`,
    )}`;
}
