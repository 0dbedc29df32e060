import { html } from "hono/html";
import type { Html } from "./layout.ts";

export type FieldErrors = Record<string, string>;

export type InputFieldOptions = {
  name: string;
  label: string;
  value?: string | null;
  type?: "text" | "email" | "date" | "number" | "tel";
  hint?: string;
  error?: string;
  autocomplete?: string;
  inputmode?: "numeric" | "email" | "tel" | "text";
  required?: boolean;
  className?: string;
  pattern?: string;
  maxlength?: number;
};

/** A labelled input with its hint and error tied to it by aria-describedby (GOV.UK's pattern). */
export function inputField(o: InputFieldOptions): Html {
  const id = `f-${o.name}`;
  const described = [o.hint ? `${id}-hint` : "", o.error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return html`<div class="field${o.error ? " field-invalid" : ""}">
<label for="${id}">${o.label}</label>
${o.hint ? html`<span class="hint" id="${id}-hint">${o.hint}</span>` : ""}
${o.error ? html`<span class="field-error" id="${id}-error">${o.error}</span>` : ""}
<input id="${id}" name="${o.name}" type="${o.type ?? "text"}" value="${o.value ?? ""}"${
    o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ""
  }${o.inputmode ? html` inputmode="${o.inputmode}"` : ""}${o.required ? html` required` : ""}${
    o.className ? html` class="${o.className}"` : ""
  }${o.pattern ? html` pattern="${o.pattern}"` : ""}${o.maxlength ? html` maxlength="${o.maxlength}"` : ""}${
    described ? html` aria-describedby="${described}"` : ""
  }${o.error ? html` aria-invalid="true"` : ""}>
</div>`;
}

/** The list of problems at the top of a form, each linking to its field; focus lands here after a post. */
export function errorSummary(title: string, errors: FieldErrors): Html {
  const entries = Object.entries(errors);
  if (entries.length === 0) {
    return html``;
  }
  return html`<div class="error-summary" role="alert" tabindex="-1">
<h2>${title}</h2>
<ul>${entries.map(([name, message]) => html`<li><a href="#f-${name}">${message}</a></li>`)}</ul>
</div>`;
}
