// What a case is about, for the modules the console knows: an online application's answers (with where
// each value came from, as in 申請フォーム) and its attachments shown inline. Reading them is audited.
import { type CasesView, problemLines, staffApi } from "./cases-dom.ts";
import { answersAndFiles } from "./forms-applications.ts";
import { bilingual, h, type Result } from "./forms-dom.ts";
import type { ApplicationDetail } from "./forms-types.ts";

/** A forms application as GET /staff/api/forms/applications/{id} gives it (the read is audited). */
export function fetchApplication(view: CasesView, applicationId: string): Promise<Result<ApplicationDetail>> {
  return staffApi<ApplicationDetail>(view, "GET", `/forms/applications/${encodeURIComponent(applicationId)}`);
}

/** The answers and attachments of a forms application, or why they cannot be shown. */
export function applicationPanel(result: Result<ApplicationDetail>): HTMLElement {
  const section = (...children: (HTMLElement | null)[]) =>
    h(
      "section",
      { class: "case-section", "aria-labelledby": "answers-title" },
      h("h2", { id: "answers-title" }, bilingual("申請の内容", "Application")),
      ...children,
    );
  if (!result.ok) {
    return section(h("div", { class: "notice" }, problemLines(result, "申請の内容を見る権限がありません")));
  }
  const a = result.body;
  const formTitle = typeof a.formTitle === "string" ? a.formTitle : a.formTitle.ja;
  return section(
    h(
      "p",
      { class: "hint" },
      bilingual("申請の閲覧は監査ログに記録されます。", "Reading applications is recorded in the audit log."),
    ),
    h(
      "p",
      {},
      // A full page load: the forms views have their own router.
      h(
        "a",
        { href: `/staff/forms/${a.formId}/applications/${a.id}` },
        bilingual(`${formTitle}（第${a.versionNumber}版）の申請として開く`, "Open in Forms"),
      ),
    ),
    ...answersAndFiles(a, "h3"),
  );
}
