// What a case is about, for the modules the console knows: an online application's answers (with where
// each value came from, as in 申請フォーム) and its attachments shown inline. Reading them is audited.
import { type CasesView, problemLines, staffApi } from "./cases-dom.ts";
import { provenanceBadges } from "./forms-applications.ts";
import { bilingual, h, type Result, table } from "./forms-dom.ts";
import type { ApplicationDetail } from "./forms-types.ts";

type Attachment = ApplicationDetail["attachments"][number];

/** An image as an image and a PDF in a frame; anything else (none today) as a download link. */
function attachmentView(base: string, file: Attachment, index: number): HTMLElement {
  const url = `${base}/attachments/${encodeURIComponent(file.id)}`;
  const size = `${Math.max(1, Math.round(file.size / 1024)).toLocaleString("ja-JP")} KB`;
  const download = h(
    "a",
    { href: url, download: file.name },
    `${file.name}（${size}）`,
    h("span", { class: "visually-hidden" }, " をダウンロード (download)"),
  );
  // Shown inside the page: the server sends images and PDFs inline when asked (still audited per read).
  const inline = `${url}?inline=1`;
  let preview: HTMLElement | null = null;
  if (file.contentType.startsWith("image/")) {
    preview = h("img", {
      src: inline,
      alt: `添付ファイル ${index + 1}: ${file.name}`,
      class: "attachment-image",
      loading: "lazy",
    });
  } else if (file.contentType === "application/pdf") {
    preview = h(
      "object",
      {
        data: inline,
        type: "application/pdf",
        class: "attachment-pdf",
        title: `添付ファイル ${index + 1}: ${file.name}`,
        "aria-label": `添付ファイル ${index + 1}: ${file.name} (PDF)`,
      },
      h(
        "p",
        {},
        bilingual(
          "PDFをこの画面に表示できません。下のリンクから開いてください。",
          "Cannot show the PDF here: use the link below.",
        ),
      ),
    );
  }
  return h("li", { class: "attachment" }, h("figure", {}, preview, h("figcaption", {}, download)));
}

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
  const base = `/staff/api/forms/applications/${encodeURIComponent(a.id)}`;
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
    table(
      "answers-caption",
      bilingual("回答", "Answers"),
      [
        ["項目", "Field"],
        ["回答", "Answer"],
        ["取得元", "Source"],
      ],
      a.rows.map((row) => [
        row.label,
        h("span", { class: "answer" }, row.value),
        provenanceBadges(row.provenance),
      ]),
    ),
    h("h3", {}, bilingual("添付ファイル", "Attachments")),
    a.attachments.length === 0
      ? h("p", {}, bilingual("添付ファイルはありません", "No attachments"))
      : h(
          "ul",
          { class: "attachment-list" },
          ...a.attachments.map((file, index) => attachmentView(base, file, index)),
        ),
    h(
      "p",
      {},
      h(
        "a",
        { href: `${base}/receipt`, class: "button secondary" },
        bilingual("受付票（PDF）", "Receipt of submission (PDF)"),
      ),
    ),
  );
}
