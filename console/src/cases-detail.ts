// One case: what it is and where it stands, what staff can do with it, what the resident sent (answers,
// attachments, messages), the payment, and the whole history.
import { assignmentSection, noteForm, statusSection } from "./cases-actions.ts";
import {
  type CasesView,
  can,
  caseStatusBadge,
  channelNames,
  formatDay,
  lastQueuePath,
  named,
  problemLines,
  slaBadge,
  staffApi,
  statusNames,
} from "./cases-dom.ts";
import { applicationPanel, fetchApplication } from "./cases-subject.ts";
import type { Assignees, CaseDetail, CaseEntry, CaseEntryKind } from "./cases-types.ts";
import { bilingual, both, formatDate, h, link, replace } from "./forms-dom.ts";
import { paymentPanel } from "./payments-panel.ts";

const entryNames: Record<CaseEntryKind, [string, string]> = {
  opened: ["受付", "Received"],
  status_changed: ["状態の変更", "Status changed"],
  assigned: ["担当の変更", "Assignment"],
  memo: ["内部メモ", "Internal memo"],
  message_to_resident: ["住民へのメッセージ", "Message to the resident"],
  message_from_resident: ["住民からのメッセージ", "Message from the resident"],
  rated: ["評価", "Rating"],
  note: ["記録", "Note"],
};

const nextActionNames: Record<string, [string, string]> = {
  correct: ["住民の修正待ち", "Waiting for the resident's correction"],
  pay: ["住民の支払い待ち", "Waiting for payment"],
  collect: ["受け取り待ち", "Waiting for collection"],
};

const FORMS_APPLICATION = "forms_application";

export async function renderCase(view: CasesView, caseId: string, message?: string): Promise<void> {
  const back = h(
    "p",
    {},
    link(lastQueuePath(), bilingual("← 処理待ち一覧に戻る", "Back to the work queue"), view.navigate),
  );
  const result = await staffApi<{ case: CaseDetail; entries: CaseEntry[] }>(
    view,
    "GET",
    `/cases/${encodeURIComponent(caseId)}`,
  );
  if (!result.ok) {
    document.title = "申請 | 申請処理 | 職員用画面 | てのひら市役所";
    replace(
      view.main,
      h("h1", { tabindex: "-1" }, bilingual("申請", "Case")),
      back,
      h("div", { class: "notice" }, problemLines(result, "この申請を見る権限がありません")),
    );
    return;
  }
  const { case: c, entries } = result.body;
  document.title = `申請 ${c.reference} | 申請処理 | 職員用画面 | てのひら市役所`;
  const processing = can(view.me, "cases.case.process");
  const isApplication = c.module === "forms" && c.subjectType === FORMS_APPLICATION;
  const refresh = async (done: string) => {
    await renderCase(view, caseId, done);
  };
  const [assignees, application] = await Promise.all([
    staffApi<Assignees>(view, "GET", "/cases/assignees"),
    isApplication ? fetchApplication(view, c.subjectId) : null,
  ]);
  // The server takes a payment request only while the fee is still to be set (or there is none).
  const deferred =
    application?.ok && ["awaiting_amount", "not_required"].includes(application.body.paymentStatus)
      ? c.subjectId
      : null;
  const payment = await paymentPanel(
    view,
    { type: c.subjectType, id: c.subjectId, deferredFor: deferred },
    refresh,
  );
  const subject = application ? applicationPanel(application) : null;
  const flash = message ? h("p", { class: "notice flash", role: "status", tabindex: "-1" }, message) : null;
  replace(
    view.main,
    h(
      "h1",
      { tabindex: "-1" },
      bilingual(`申請 ${c.reference}`, "Case"),
      h("span", { class: "sub" }, c.title.ja),
    ),
    back,
    flash,
    facts(c),
    processing ? statusSection(view, c, refresh) : null,
    processing && assignees.ok ? assignmentSection(view, c, assignees.body, refresh) : null,
    subject,
    payment,
    messagesSection(entries),
    processing ? noteForm(view, c, "message", refresh) : null,
    processing ? noteForm(view, c, "memo", refresh) : null,
    c.rating ? ratingSection(c.rating) : null,
    timeline(entries, namesOf(c, assignees.ok ? assignees.body : null)),
  );
  flash?.focus();
}

function facts(c: CaseDetail): HTMLElement {
  const row = (ja: string, en: string, ...value: (Node | string | null)[]) => [
    h("dt", {}, bilingual(ja, en)),
    h("dd", {}, ...value),
  ];
  const next = c.nextAction
    ? (nextActionNames[c.nextAction.kind] ?? [c.nextAction.kind, c.nextAction.kind])
    : null;
  return h(
    "dl",
    { class: "facts case-facts" },
    ...row("手続き", "Service", bilingual(c.title.ja, c.title.en)),
    ...row(
      "状態",
      "Status",
      caseStatusBadge(c.status),
      c.statusReason ? h("span", { class: "sub" }, `${both("理由", "Reason")}: ${c.statusReason}`) : null,
    ),
    ...row(
      "住民への表示",
      "Shown to the resident as",
      bilingual(c.residentStatusLabel.ja, c.residentStatusLabel.en),
    ),
    ...row("受付日時", "Received", formatDate(c.receivedAt)),
    ...row("処理期限", "Due", formatDay(c.dueAt), " ", slaBadge(c.sla)),
    ...row("受付経路", "Channel", named(channelNames, c.channel)),
    ...row(
      "担当",
      "Assigned to",
      c.assignee || c.team
        ? [c.assignee?.displayName, c.team?.name].filter(Boolean).join("・")
        : both("未割当", "Unassigned"),
    ),
    ...(c.completedAt ? row("完了日時", "Completed", formatDate(c.completedAt)) : []),
    ...(next ? row("次の手続き", "Next step", bilingual(next[0], next[1])) : []),
    ...row(
      "申請者",
      "Applicant",
      c.residentId ? both("アカウントあり", "Signed-in resident") : both("アカウントなし", "Guest"),
    ),
  );
}

/** Staff and team names by id, for the assignments in the history (which record ids). */
function namesOf(c: CaseDetail, assignees: Assignees | null): Map<string, string> {
  const names = new Map<string, string>();
  for (const member of assignees?.staff ?? []) {
    names.set(member.id, member.displayName);
  }
  for (const team of assignees?.teams ?? []) {
    names.set(team.id, team.name);
  }
  if (c.assignee) {
    names.set(c.assignee.id, c.assignee.displayName);
  }
  if (c.team) {
    names.set(c.team.id, c.team.name);
  }
  return names;
}

/** "窓口 一郎・窓口係" from an assignment entry's { after: { staffId, teamId } }. */
function assignedTo(entry: CaseEntry, names: Map<string, string>): HTMLElement | null {
  const after = entry.data?.["after"] as { staffId?: string | null; teamId?: string | null } | undefined;
  if (entry.kind !== "assigned" || !after) {
    return null;
  }
  const who = [after.staffId, after.teamId]
    .filter((id): id is string => typeof id === "string")
    .map((id) => names.get(id) ?? both("（一覧にない職員・チーム）", "not listed"));
  return h("p", {}, who.length > 0 ? `→ ${who.join("・")}` : both("担当なしにしました", "Unassigned"));
}

function entryView(entry: CaseEntry, names: Map<string, string>): HTMLElement {
  const [ja, en] = entryNames[entry.kind] ?? [entry.kind, entry.kind];
  const change =
    entry.fromStatus || entry.toStatus
      ? h(
          "span",
          { class: "entry-change" },
          `${entry.fromStatus ? statusNames[entry.fromStatus][0] : "—"} → ${entry.toStatus ? statusNames[entry.toStatus][0] : "—"}`,
          h(
            "span",
            { class: "en", lang: "en" },
            ` (${entry.fromStatus ? statusNames[entry.fromStatus][1] : "—"} → ${entry.toStatus ? statusNames[entry.toStatus][1] : "—"})`,
          ),
        )
      : null;
  return h(
    "li",
    { class: `entry entry-${entry.kind}` },
    h(
      "p",
      { class: "entry-head" },
      h("time", { datetime: entry.at }, formatDate(entry.at)),
      " ",
      h("strong", {}, bilingual(ja, en)),
      entry.staff ? ` ${entry.staff.displayName}` : null,
      " ",
      entry.visibleToResident
        ? h("span", { class: "badge visible" }, bilingual("住民に表示", "Shown to the resident"))
        : h("span", { class: "badge internal" }, bilingual("職員のみ", "Staff only")),
    ),
    change ? h("p", {}, change) : null,
    assignedTo(entry, names),
    entry.body ? h("p", { class: "answer entry-body" }, entry.body) : null,
  );
}

function timeline(entries: CaseEntry[], names: Map<string, string>): HTMLElement {
  return h(
    "section",
    { class: "case-section", "aria-labelledby": "history-title" },
    h("h2", { id: "history-title" }, bilingual("履歴", "History")),
    entries.length === 0
      ? h("p", {}, bilingual("記録はありません", "Nothing recorded"))
      : h("ol", { class: "timeline" }, ...entries.map((entry) => entryView(entry, names))),
  );
}

function messagesSection(entries: CaseEntry[]): HTMLElement {
  const messages = entries.filter((e) => e.kind === "message_from_resident");
  return h(
    "section",
    { class: "case-section", "aria-labelledby": "resident-messages-title" },
    h(
      "h2",
      { id: "resident-messages-title" },
      bilingual("住民からのメッセージ", "Messages from the resident"),
    ),
    messages.length === 0
      ? h("p", {}, bilingual("メッセージはありません", "No messages"))
      : h(
          "ol",
          { class: "timeline" },
          ...messages.map((m) =>
            h(
              "li",
              { class: "entry" },
              h("p", { class: "entry-head" }, h("time", { datetime: m.at }, formatDate(m.at))),
              h("p", { class: "answer entry-body" }, m.body ?? ""),
            ),
          ),
        ),
  );
}

function ratingSection(rating: NonNullable<CaseDetail["rating"]>): HTMLElement {
  return h(
    "section",
    { class: "case-section", "aria-labelledby": "rating-title" },
    h("h2", { id: "rating-title" }, bilingual("住民の評価", "Resident's rating")),
    h(
      "p",
      { class: "rating" },
      both(`満足度 ${rating.score} / 5`, `satisfaction ${rating.score} of 5`),
      h("span", { class: "sub" }, formatDate(rating.at)),
    ),
    rating.comment ? h("blockquote", { class: "answer" }, rating.comment) : null,
  );
}
