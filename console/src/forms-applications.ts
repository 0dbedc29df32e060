// Submitted applications of one form, and one application with where each value came from. Both reads
// are audited by the server.
import { bilingual, both, formatDate, formsApi, h, link, problemText, table, yen } from "./forms-dom.ts";
import { type FormsView, formTabs } from "./forms-nav.ts";
import type { ApplicationDetail, ApplicationSummary, FormDetail, Provenance } from "./forms-types.ts";

const channelNames: Record<string, [string, string]> = {
  web: ["ウェブ", "Web"],
  line: ["LINE", "LINE"],
  counter: ["窓口", "Counter"],
};
const paymentNames: Record<string, [string, string]> = {
  not_required: ["不要", "Not required"],
  awaiting_amount: ["金額の確定待ち", "Amount to be set"],
  unpaid: ["未払い", "Unpaid"],
  paid: ["支払済み", "Paid"],
  refunded: ["返金済み", "Refunded"],
};

function named(names: Record<string, [string, string]>, key: string): HTMLElement {
  const [ja, en] = names[key] ?? [key, key];
  return bilingual(ja, en);
}

/** Badges of where a value came from: typed, prefilled (card or profile, and whether changed), computed. */
export function provenanceBadges(provenance: Provenance | null): HTMLElement {
  const badges: HTMLElement[] = [];
  if (!provenance) {
    return h("span", { class: "badges" }, "—");
  }
  if (provenance.source === "typed") {
    badges.push(h("span", { class: "badge source-typed" }, bilingual("入力", "Typed")));
  } else if (provenance.source === "computed") {
    badges.push(h("span", { class: "badge source-computed" }, bilingual("計算", "Computed")));
  } else {
    badges.push(
      provenance.prefilledFrom === "card"
        ? h("span", { class: "badge source-card" }, bilingual("自動入力(カード)", "Prefilled from the card"))
        : h(
            "span",
            { class: "badge source-profile" },
            bilingual("自動入力(プロフィール)", "Prefilled from the profile"),
          ),
    );
    if (provenance.changed) {
      badges.push(
        h("span", { class: "badge source-changed" }, bilingual("変更あり", "Changed by the resident")),
      );
    }
  }
  return h("span", { class: "badges" }, ...badges);
}

export async function renderApplications(view: FormsView, formId: string): Promise<void> {
  const [form, list] = await Promise.all([
    formsApi<FormDetail>(view, "GET", `/forms/${encodeURIComponent(formId)}`),
    formsApi<{ applications: ApplicationSummary[] }>(
      view,
      "GET",
      `/forms/${encodeURIComponent(formId)}/applications`,
    ),
  ]);
  const title = form.ok ? form.body.title.ja : "";
  document.title = `${title}の申請 | 申請フォーム | 職員用画面`;
  const heading = h("h1", { tabindex: "-1" }, bilingual(`「${title}」の申請`, "Applications"));
  if (!list.ok) {
    view.main.replaceChildren(
      heading,
      formTabs(formId, "applications", view.navigate),
      h("p", { class: "notice" }, problemText(list, "申請を見る権限がありません")),
    );
    return;
  }
  const applications = list.body.applications;
  view.main.replaceChildren(
    heading,
    formTabs(formId, "applications", view.navigate),
    h(
      "p",
      { class: "hint" },
      bilingual("申請の閲覧は監査ログに記録されます。", "Reading applications is recorded in the audit log."),
    ),
    form.ok && form.body.status === "published"
      ? h(
          "p",
          {},
          // A server-rendered page (like the preview), so it is a plain link.
          h(
            "a",
            { href: `/staff/forms/${encodeURIComponent(formId)}/enter`, class: "button secondary" },
            bilingual("紙・電話・窓口の申請を入力", "Enter a paper, phone or counter application"),
          ),
        )
      : "",
    applications.length === 0
      ? h("p", { class: "notice" }, bilingual("まだ申請はありません", "No applications yet"))
      : table(
          "applications-caption",
          bilingual(
            `受け付けた申請（${applications.length}件、新しい順）`,
            "Submitted applications, newest first",
          ),
          [
            ["受付番号", "Reference"],
            ["受付日時", "Submitted"],
            ["版", "Version"],
            ["経路", "Channel"],
            ["手数料", "Fee"],
            ["支払い", "Payment"],
          ],
          applications.map((a) => [
            link(`/staff/forms/${formId}/applications/${a.id}`, a.referenceNumber, view.navigate, {
              class: "reference",
            }),
            formatDate(a.submittedAt),
            `第${a.versionNumber}版`,
            named(channelNames, a.channel),
            yen(a.feeAmount),
            named(paymentNames, a.paymentStatus),
          ]),
        ),
  );
}

export async function renderApplication(
  view: FormsView,
  formId: string,
  applicationId: string,
): Promise<void> {
  const result = await formsApi<ApplicationDetail>(
    view,
    "GET",
    `/applications/${encodeURIComponent(applicationId)}`,
  );
  if (!result.ok) {
    view.main.replaceChildren(
      h("h1", { tabindex: "-1" }, bilingual("申請の内容", "Application")),
      formTabs(formId, "applications", view.navigate),
      h("p", { class: "notice" }, problemText(result, "申請を見る権限がありません")),
    );
    return;
  }
  const a = result.body;
  const formTitle = typeof a.formTitle === "string" ? a.formTitle : a.formTitle.ja;
  document.title = `申請 ${a.referenceNumber} | 申請フォーム | 職員用画面`;
  view.main.replaceChildren(
    h("h1", { tabindex: "-1" }, bilingual(`申請 ${a.referenceNumber}`, "Application")),
    formTabs(a.formId, "applications", view.navigate),
    h(
      "p",
      {},
      link(
        `/staff/forms/${a.formId}/applications`,
        bilingual("← 申請の一覧", "All applications"),
        view.navigate,
      ),
    ),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, bilingual("フォーム", "Form")),
      h("dd", {}, `${formTitle}（第${a.versionNumber}版）`),
      h("dt", {}, bilingual("受付日時", "Submitted")),
      h("dd", {}, formatDate(a.submittedAt)),
      h("dt", {}, bilingual("経路・言語", "Channel, language")),
      h("dd", {}, named(channelNames, a.channel), ` / ${a.locale === "en" ? "English" : "日本語"}`),
      h("dt", {}, bilingual("手数料", "Fee")),
      h("dd", {}, yen(a.feeAmount), " ", named(paymentNames, a.paymentStatus)),
      h("dt", {}, bilingual("申請者", "Applicant")),
      h(
        "dd",
        {},
        a.residentId ? both("アカウントあり", "Signed-in resident") : both("アカウントなし", "Guest"),
      ),
    ),
    ...answersAndFiles(a, "h2"),
  );
}

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

/**
 * An application's answers with where each value came from, its attachments shown inline (images, PDFs) with
 * a download link, and its receipt: the same in 申請フォーム and in 申請処理.
 */
export function answersAndFiles(a: ApplicationDetail, heading: "h2" | "h3"): HTMLElement[] {
  const base = `/staff/api/forms/applications/${encodeURIComponent(a.id)}`;
  return [
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
    h(heading, {}, bilingual("添付ファイル", "Attachments")),
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
  ];
}
