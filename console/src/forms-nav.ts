// Navigation inside the forms views: the tabs of one form (edit, versions, applications).
import { bilingual, type FormsContext, h, link } from "./forms-dom.ts";

/** The console's context plus in-app navigation (pushState, render, focus the heading). */
export type FormsView = FormsContext & { navigate: (path: string) => void };

export type FormTab = "edit" | "versions" | "applications";

const tabs: [FormTab, string, string, string][] = [
  ["edit", "", "編集とプレビュー", "Edit and preview"],
  ["versions", "/versions", "版の履歴と比較", "Versions and changes"],
  ["applications", "/applications", "申請", "Applications"],
];

export function formTabs(formId: string, current: FormTab, navigate: (path: string) => void): HTMLElement {
  return h(
    "nav",
    { class: "form-tabs", "aria-label": "このフォーム (This form)" },
    h(
      "ul",
      { class: "tabs" },
      h("li", {}, link("/staff/forms", bilingual("← 一覧", "All forms"), navigate)),
      ...tabs.map(([tab, suffix, ja, en]) =>
        h(
          "li",
          {},
          link(`/staff/forms/${formId}${suffix}`, bilingual(ja, en), navigate, {
            "aria-current": tab === current ? "page" : false,
          }),
        ),
      ),
    ),
  );
}
