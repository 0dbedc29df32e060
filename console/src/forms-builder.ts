// 申請フォーム in the staff console: the no-code form builder. Routes under /staff/forms:
//   /staff/forms                               the list
//   /staff/forms/new                           create (scratch, template, file)
//   /staff/forms/{id}                          editor with phone-sized preview
//   /staff/forms/{id}/versions                 version history and diff
//   /staff/forms/{id}/applications[/{appId}]   submitted applications
// (/staff/forms/{id}/preview is the server-rendered preview page the editor shows in an iframe.)
import { renderApplication, renderApplications } from "./forms-applications.ts";
import type { FormsContext } from "./forms-dom.ts";
import { hasUnsavedChanges, LEAVE_WARNING, renderEditor } from "./forms-editor.ts";
import { renderHistory } from "./forms-history.ts";
import { renderFormList, renderNewForm } from "./forms-list.ts";
import type { FormsView } from "./forms-nav.ts";

export function isFormsPath(pathname: string): boolean {
  return /^\/staff\/forms(\/|$)/.test(pathname);
}

/** Renders the forms view for the current address into the console's main element. */
export async function renderFormsView(context: FormsContext): Promise<void> {
  const view: FormsView = {
    ...context,
    navigate: (path) => {
      if (hasUnsavedChanges() && !window.confirm(LEAVE_WARNING)) {
        return;
      }
      history.pushState(null, "", path);
      void renderFormsView(context).then(() => context.main.querySelector<HTMLElement>("h1")?.focus());
    },
  };
  const parts = location.pathname.replace(/\/$/, "").split("/").slice(3).map(decodeURIComponent);
  const [id, tab, applicationId] = parts;
  if (!id) {
    await renderFormList(view);
  } else if (id === "new") {
    await renderNewForm(view);
  } else if (tab === "versions") {
    await renderHistory(view, id);
  } else if (tab === "applications" && applicationId) {
    await renderApplication(view, id, applicationId);
  } else if (tab === "applications") {
    await renderApplications(view, id);
  } else {
    await renderEditor(view, id);
  }
}
