import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { recordAudit } from "../../core/audit/record-audit.ts";
import { type BusinessDayOptions, businessDaysUntil, tokyoDate } from "../../core/calendar/business-days.ts";
import { tenantCalendar } from "../../core/cases/sla.ts";
import type { LatLng } from "../../core/geo/geo.ts";
import type { AppEnv } from "../../core/http/app-env.ts";
import { contentDisposition } from "../../core/http/content-disposition.ts";
import { csrfField, renderPage } from "../../core/http/layout.ts";
import {
  authorizeStaff,
  authorizeStaffOn,
  authorizeStaffScope,
  clientIp,
} from "../../core/http/middleware.ts";
import { ProblemError, problems } from "../../core/http/problem.ts";
import { isReferenceNumber } from "../../core/reference/reference-number.ts";
import {
  type Answers,
  describeFormAnswers,
  loadFormQuestions,
  type PageInput,
  renderFormQuestions,
} from "../forms/index.ts";
import { addReportNote } from "./operations/add-report-note.ts";
import { assignReport, type MayHandle } from "./operations/assign-report.ts";
import { bulkUpdateReports, MAX_BULK } from "./operations/bulk-update-reports.ts";
import { changeReportStatus } from "./operations/change-report-status.ts";
import { exportReports } from "./operations/export-reports.ts";
import { findNearbyReports } from "./operations/find-nearby-reports.ts";
import { hideReport } from "./operations/hide-report.ts";
import { mergeReports } from "./operations/merge-reports.ts";
import { replyToReport } from "./operations/reply-to-report.ts";
import { type ReportProblem, submitReport } from "./operations/submit-report.ts";
import { findReportPhoto } from "./report-rows.ts";
import {
  type Report,
  type ReportCategory,
  type ReportEntryKind,
  reportAreas,
  reportEntries,
  reportFollowers,
  reportPhotos,
  reports,
} from "./schema.ts";
import { inScope, reportProblems, type StaffChangeContext, UUID, wholeNumber } from "./staff-changes.ts";
import { filtersQuery, findReports, PAGE_SIZE, parseReportFilters } from "./staff-filters.ts";
import {
  channelLabels,
  formFields,
  ID,
  labelled,
  loadLookups,
  named,
  option,
  orProblem,
  pick,
  problemNotice,
  say,
  staffActing,
  stageLabels,
  tokyoTime,
} from "./staff-kit.ts";

const READ = "reports.report.read";
const HANDLE = "reports.report.handle";
const EXPORT = "reports.report.export";

/** The member's context for a change: their reach for "handle", so the operation checks each report. */
/** The roles the city's policy lets handle reports: only their members are offered or accepted as assignees. */
const mayHandle =
  (c: Context<AppEnv>): MayHandle =>
  (role) =>
    c.var.policy.can(role, HANDLE);

async function changeContext(c: Context<AppEnv>): Promise<StaffChangeContext> {
  const { staff, scope } = await authorizeStaffScope(c, HANDLE);
  return { ...staffActing(c, staff.id), scope };
}

/** A report of this city the member may perform `verb` on: 404 for unknown or another city's, 403 audited. */
async function reportFor(c: Context<AppEnv>, verb: string): Promise<Report> {
  await authorizeStaff(c, verb);
  const id = c.req.param("id") ?? "";
  const [report] = UUID.test(id)
    ? await c.var.services.database.db
        .select()
        .from(reports)
        .where(and(eq(reports.tenantId, c.var.tenant.id), eq(reports.id, id)))
    : [];
  if (!report) {
    throw problems.notFound();
  }
  await authorizeStaffOn(c, verb, { type: "report", id: report.id, departmentId: report.departmentId });
  return report;
}

const overdue = (r: Pick<Report, "dueAt" | "statusCategory">, now: Date) =>
  r.statusCategory === "open" && r.dueAt !== null && r.dueAt < now;

/** The deadline, and for an open report how many business days are left (the city's holidays skipped). */
function dueCell(c: Context<AppEnv>, r: Report, now: Date, calendar: BusinessDayOptions) {
  if (overdue(r, now)) {
    return html`<strong class="field-error">${tokyoTime(r.dueAt)} ${say(c, "期限超過", "Overdue")}</strong>`;
  }
  // dueAt is the instant the due day ends (midnight after it, Tokyo time): the day itself is the one before.
  const dueDay = r.dueAt ? tokyoDate(new Date(r.dueAt.getTime() - 1)) : null;
  const left = r.statusCategory === "open" && dueDay ? businessDaysUntil(now, dueDay, calendar) : null;
  if (left === null) {
    return tokyoTime(r.dueAt);
  }
  return html`${tokyoTime(r.dueAt)} <span class="hint">${
    left === 0
      ? say(c, "（本日まで）", "(due today)")
      : say(c, `（あと${left}営業日）`, `(${left} business days left)`)
  }</span>`;
}

async function listPage(c: Context<AppEnv>, problem: ProblemError | null = null) {
  const { staff, scope } = await authorizeStaffScope(c, READ);
  const db = c.var.services.database.db;
  const tenantId = c.var.tenant.id;
  const filters = parseReportFilters((name) => c.req.query(name));
  const look = await loadLookups(db, tenantId);
  const { rows, total } = await findReports(db, {
    tenantId,
    scope,
    staffId: staff.id,
    filters,
    limit: PAGE_SIZE,
    offset: (filters.page - 1) * PAGE_SIZE,
  });
  const policy = c.var.policy;
  const canHandle = policy.can(staff.role, HANDLE);
  const canExport = policy.can(staff.role, EXPORT);
  const now = new Date();
  const calendar = await tenantCalendar(db, tenantId);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const query = filtersQuery(filters);
  const title = say(c, "通報", "Reports");
  const select = (name: string, label: string, options: [string, string][]) =>
    html`<div class="field"><label for="f-${name}">${label}</label><select id="f-${name}" name="${name}">${option("", say(c, "すべて", "All"), "")}${options.map(
      ([value, text]) => option(value, text, String(filters[name as keyof typeof filters] ?? "")),
    )}</select></div>`;
  return renderPage(c, {
    title,
    status: problem?.status ?? 200,
    body: html`<h1>${title}</h1>
${problem ? problemNotice(c, problem) : ""}${bulkNotice(c)}
<p><a href="/staff/reports/map">${say(c, "地図で見る", "Show on a map")}</a>${canHandle ? html` ・ <a href="/staff/reports/new">${say(c, "電話・パトロール・窓口で受けた通報を入力", "Enter a report taken by phone, on patrol or at the counter")}</a>` : ""}${
      policy.can(staff.role, "reports.setup.manage")
        ? html` ・ <a href="/staff/reports/setup">${say(c, "通報の設定", "Report settings")}</a>`
        : ""
    }</p>
<form method="get" action="/staff/reports" role="search" aria-label="${say(c, "通報の絞り込み", "Filter reports")}">
<div class="field"><label for="f-q">${say(c, "キーワード（受付番号・内容）", "Keyword (reference, description)")}</label><input id="f-q" name="q" type="search" value="${filters.q}"></div>
${select(
  "status",
  say(c, "状態", "Status"),
  look.statuses.map((s) => [s.key, labelled(c, s)]),
)}
${select(
  "stage",
  say(c, "段階", "Stage"),
  Object.entries(stageLabels).map(([k, v]) => [k, pick(c, v)]),
)}
${select(
  "category",
  say(c, "種類", "Category"),
  look.categories.map((x) => [x.code, named(c, x)]),
)}
${select(
  "department",
  say(c, "担当部署", "Department"),
  look.departments.map((d) => [d.id, named(c, d)]),
)}
${select(
  "area",
  say(c, "町字・区域", "Area"),
  look.areas.map((a) => [a.id, named(c, a)]),
)}
${select("assignee", say(c, "担当者", "Assignee"), [
  ["mine", say(c, "自分", "Me")],
  ["unassigned", say(c, "未割り当て", "Unassigned")],
  ...look.staff.map((m): [string, string] => [m.id, m.displayName]),
])}
<div class="field"><input id="f-overdue" name="overdue" type="checkbox" value="1"${filters.overdue ? html` checked` : ""}> <label for="f-overdue">${say(c, "期限超過のみ", "Overdue only")}</label></div>
<div class="field"><label for="f-sort">${say(c, "並び順", "Sort by")}</label><select id="f-sort" name="sort">${option("received", say(c, "受付が新しい順", "Newest first"), filters.sort)}${option("due", say(c, "期限が近い順", "Due soonest"), filters.sort)}</select></div>
<div class="button-row"><button type="submit">${say(c, "絞り込む", "Filter")}</button> <a href="/staff/reports">${say(c, "条件をクリア", "Clear")}</a></div>
</form>
<p role="status">${say(c, `${total}件`, `${total} reports`)}${
      canExport
        ? html` ・ <a href="/staff/reports/export.csv${query ? `?${query}` : ""}">${say(c, "CSVで書き出す", "Export CSV")}</a> ・ <a href="/staff/reports/export.csv?${filtersQuery(filters, { encoding: "cp932" })}">${say(c, "CSV（Shift_JIS）", "CSV (Shift_JIS)")}</a>`
        : ""
    }</p>
<form method="post" action="/staff/reports/bulk${query ? `?${query}` : ""}">${csrfField(c)}
<table class="data-table"><caption>${title}</caption><thead><tr>${canHandle ? html`<th scope="col">${say(c, "選択", "Select")}</th>` : ""}<th scope="col">${say(c, "受付番号", "Reference")}</th><th scope="col">${say(c, "種類", "Category")}</th><th scope="col">${say(c, "状態", "Status")}</th><th scope="col">${say(c, "担当部署", "Department")}</th><th scope="col">${say(c, "担当者", "Assignee")}</th><th scope="col">${say(c, "町字", "Area")}</th><th scope="col">${say(c, "受付", "Received")}</th><th scope="col">${say(c, "期限", "Due")}</th></tr></thead>
<tbody>${rows.map(
      (
        r,
      ) => html`<tr>${canHandle ? html`<td><input type="checkbox" name="ids" value="${r.id}" aria-label="${say(c, `${r.reference}を選択`, `Select ${r.reference}`)}"></td>` : ""}
<td><a href="/staff/reports/${r.id}">${r.reference}</a>${r.mergedIntoId ? html` (${say(c, "統合済み", "merged")})` : ""}</td><td>${named(c, look.category(r.categoryId))}</td><td>${labelled(c, look.status(r.statusKey))}</td><td>${named(c, look.department(r.departmentId))}</td><td>${look.member(r.assigneeStaffId)?.displayName ?? "—"}</td><td>${named(c, look.area(r.areaId))}</td><td>${tokyoTime(r.receivedAt)}</td><td>${dueCell(c, r, now, calendar)}</td></tr>`,
    )}</tbody></table>
${
  canHandle && rows.length > 0
    ? html`<fieldset><legend>${say(c, "選んだ通報をまとめて変更", "Change the selected reports")}</legend>
<div class="field"><label for="f-bulk-department">${say(c, "担当部署", "Department")}</label><select id="f-bulk-department" name="department">${look.departments.map((d) => option(d.id, named(c, d), ""))}</select></div>
<div class="button-row"><button type="submit" name="kind" value="assign">${say(c, "担当部署を変更", "Route to department")}</button></div>
<div class="field"><label for="f-bulk-assignee">${say(c, "担当者", "Assignee")}</label><select id="f-bulk-assignee" name="assignee">${option("", say(c, "選んでください", "Choose"), "")}${look.staff
        .filter((m) => m.departmentId && inScope(scope, m.departmentId) && mayHandle(c)(m.role))
        .map((m) =>
          option(
            m.id,
            `${m.id === staff.id ? say(c, "自分", "Me") : m.displayName}（${named(c, look.department(m.departmentId))}）`,
            "",
          ),
        )}</select></div>
<div class="button-row"><button type="submit" name="kind" value="assignee">${say(c, "担当者を割り当て", "Assign to")}</button> <button type="submit" name="kind" value="unassign" class="button-secondary">${say(c, "担当者を外す", "Unassign")}</button></div>
<div class="field"><label for="f-bulk-status">${say(c, "状態", "Status")}</label><select id="f-bulk-status" name="status">${look.statuses.map((s) => option(s.key, labelled(c, s), ""))}</select></div>
<div class="button-row"><button type="submit" name="kind" value="status">${say(c, "状態を変更", "Change status")}</button></div></fieldset>`
    : ""
}</form>
<nav aria-label="${say(c, "ページ", "Pages")}"><p>${filters.page > 1 ? html`<a href="/staff/reports?${filtersQuery(filters, { page: String(filters.page - 1) })}">${say(c, "前へ", "Previous")}</a> ` : ""}${say(c, `${filters.page} / ${pages}ページ`, `Page ${filters.page} of ${pages}`)}${filters.page < pages ? html` <a href="/staff/reports?${filtersQuery(filters, { page: String(filters.page + 1) })}">${say(c, "次へ", "Next")}</a>` : ""}</p></nav>`,
  });
}

/** What a refused form had in it, drawn again so nothing typed is lost. */
type Typed = Partial<
  Record<
    "department" | "assignee" | "template" | "reply" | "status" | "statusReply" | "note" | "reference",
    string
  >
>;

/**
 * After a bulk change: how many reports changed, how many were skipped as unchanged or merged, and which the
 * chosen assignee could not take (outside their departments, or not a member the actor may choose).
 */
function bulkNotice(c: Context<AppEnv>) {
  const changed = wholeNumber(c.req.query("changed") ?? "", 0, 10_000);
  const skipped = wholeNumber(c.req.query("skipped") ?? "", 0, 10_000);
  if (changed === null || skipped === null) {
    return "";
  }
  const refused = (c.req.query("refused") ?? "")
    .split(",")
    .filter((reference) => isReferenceNumber(reference, "V"))
    .slice(0, MAX_BULK);
  return html`<div class="panel-done" role="status"><p>${say(
    c,
    `${changed}件を変更しました。${skipped > 0 ? `${skipped}件は変更がないか統合済みのため、そのままです。` : ""}`,
    `${changed} changed.${skipped > 0 ? ` ${skipped} skipped: already so, or merged.` : ""}`,
  )}</p>${
    refused.length > 0
      ? html`<p>${say(
          c,
          `次の${refused.length}件は、選んだ担当者が担当できない（その通報の担当部署やその下の係の職員でないか、あなたが選べない職員の）ため、変更しませんでした: ${refused.join("、")}`,
          `${refused.length} not changed: the chosen assignee cannot take them (not in the report's department or below it, or not a member you can choose): ${refused.join(", ")}`,
        )}</p>`
      : ""
  }</div>`;
}

type DetailView = { problem?: ProblemError | null; notice?: string | null; typed?: Typed };

/** The messages after a change: the redirect carries only the key, never text to echo. */
const doneMessages = {
  assigned: { ja: "担当を変更しました", en: "Assignment saved" },
  status: { ja: "状態を変更しました", en: "Status changed" },
  reply: { ja: "回答を送りました", en: "Reply sent" },
  note: { ja: "メモを残しました", en: "Note added" },
  merged: { ja: "統合しました", en: "Merged" },
  hidden: { ja: "公開地図の表示を変更しました", en: "Map visibility changed" },
  entered: { ja: "通報を登録しました", en: "Report entered" },
  entered_email: {
    ja: "通報を登録しました。メールアドレスに確認のメールを送ります。通報した方がメールのリンクからアドレスを確認するまで、お知らせは届きません。そのことをお伝えください。",
    en: "Report entered. A confirmation e-mail goes to the address given: the reporter gets no updates until they confirm it by the link in that e-mail. Please tell them so.",
  },
} as const;
type DoneKey = keyof typeof doneMessages;
const doneKey = (value: string | undefined): DoneKey | null =>
  value && Object.hasOwn(doneMessages, value) ? (value as DoneKey) : null;

async function detailPage(c: Context<AppEnv>, report: Report, view: DetailView = {}) {
  const staff = c.var.staff!;
  const db = c.var.services.database.db;
  const tenantId = c.var.tenant.id;
  const look = await loadLookups(db, tenantId);
  const category = look.category(report.categoryId);
  const [entries, photos, followers, into] = await Promise.all([
    db
      .select()
      .from(reportEntries)
      .where(and(eq(reportEntries.tenantId, tenantId), eq(reportEntries.reportId, report.id)))
      .orderBy(asc(reportEntries.createdAt), asc(reportEntries.id)),
    db
      .select()
      .from(reportPhotos)
      .where(and(eq(reportPhotos.tenantId, tenantId), eq(reportPhotos.reportId, report.id)))
      .orderBy(asc(reportPhotos.position)),
    db
      .select()
      .from(reportFollowers)
      .where(and(eq(reportFollowers.tenantId, tenantId), eq(reportFollowers.reportId, report.id))),
    report.mergedIntoId
      ? db
          .select({ id: reports.id, reference: reports.reference })
          .from(reports)
          .where(and(eq(reports.tenantId, tenantId), eq(reports.id, report.mergedIntoId)))
      : Promise.resolve([]),
  ]);
  const questions = category?.formSlug
    ? await loadFormQuestions(db, { tenantId, slug: category.formSlug })
    : null;
  const answers = questions ? describeFormAnswers(questions, report.answers as Answers) : [];
  // Addresses typed in without signing in that nobody has confirmed yet: replies do not reach them.
  const awaiting = followers.filter((f) => f.email && !f.confirmedAt).length;
  const canHandle = c.var.policy.can(staff.role, HANDLE);
  const candidates =
    canHandle && category && !report.mergedIntoId ? await mergeCandidates(c, report, category) : [];
  // Showing the contact and photos to staff is a read of personal data: recorded, like a case's applicant.
  await recordAudit(db, {
    tenantId,
    actor: { type: "staff", id: staff.id },
    action: "reports.report.read_contact",
    resource: { type: "report", id: report.id },
    after: { photos: photos.length },
    requestId: c.var.requestId,
    ip: clientIp(c),
  });
  const typed = view.typed ?? {};
  const templateId = typed.template ?? c.req.query("template") ?? "";
  const template = look.templates.find((t) => t.id === templateId) ?? null;
  const replyText =
    typed.reply ?? (template ? (c.var.lang === "ja" ? template.bodyJa : template.bodyEn) : "");
  const now = new Date();
  const calendar = await tenantCalendar(c.var.services.database.db, c.var.tenant.id);
  const base = `/staff/reports/${report.id}`;
  const version = html`<input type="hidden" name="version" value="${report.version}">${csrfField(c)}`;
  const entryLabel = (kind: ReportEntryKind): string =>
    (
      ({
        received: say(c, "受付", "Received"),
        routed: say(c, "振り分け", "Routed"),
        assigned: say(c, "担当変更", "Assigned"),
        status_changed: say(c, "状態変更", "Status changed"),
        reply: say(c, "回答", "Reply"),
        note: say(c, "内部メモ", "Internal note"),
        merged: say(c, "統合", "Merged"),
        merged_from: say(c, "重複を統合", "Duplicate merged in"),
        reopened: say(c, "再開", "Reopened"),
        hidden: say(c, "地図表示の変更", "Map visibility"),
        photo_published: say(c, "写真を公開", "Photo published"),
        personal_data_deleted: say(c, "個人情報を削除", "Personal data deleted"),
      }) satisfies Record<ReportEntryKind, string>
    )[kind];
  const department = look.department(report.departmentId);
  const assignee = typed.assignee ?? report.assigneeStaffId ?? "";
  const title = `${say(c, "通報", "Report")} ${report.reference}`;
  return renderPage(c, {
    title,
    status: view.problem?.status ?? 200,
    body: html`<p><a href="/staff/reports">${say(c, "通報の一覧へ", "Back to reports")}</a></p>
<h1>${title}</h1>
${view.problem ? problemNotice(c, view.problem) : ""}
${view.notice ? html`<div class="panel-done" role="status"><p>${view.notice}</p></div>` : ""}
<dl class="summary-list">
<dt>${say(c, "種類", "Category")}</dt><dd>${named(c, category)}</dd>
<dt>${say(c, "状態", "Status")}</dt><dd data-status="${report.statusKey}">${labelled(c, look.status(report.statusKey))} (${pick(c, stageLabels[report.stage]!)})</dd>
${into[0] ? html`<dt>${say(c, "統合先", "Merged into")}</dt><dd><a href="/staff/reports/${into[0].id}">${into[0].reference}</a></dd>` : ""}
<dt>${say(c, "担当部署", "Department")}</dt><dd>${named(c, department)}</dd>
<dt>${say(c, "担当者", "Assignee")}</dt><dd>${look.member(report.assigneeStaffId)?.displayName ?? say(c, "未割り当て", "Unassigned")}</dd>
<dt>${say(c, "受付", "Received")}</dt><dd>${tokyoTime(report.receivedAt)} (${pick(c, channelLabels[report.channel]!)})</dd>
<dt>${say(c, "期限", "Due")}</dt><dd>${report.dueAt ? html`${dueCell(c, report, now, calendar)}${category?.slaBusinessDays ? say(c, `（${category.slaBusinessDays}営業日）`, ` (${category.slaBusinessDays} business days)`) : ""}` : say(c, "なし", "None")}</dd>
${report.closedAt ? html`<dt>${say(c, "完了", "Closed")}</dt><dd>${tokyoTime(report.closedAt)}</dd>` : ""}
<dt>${say(c, "場所", "Place")}</dt><dd>${report.lat}, ${report.lng}${report.address ? html` ${report.address}` : ""} ${named(c, look.area(report.areaId))}</dd>
<dt>${say(c, "公開地図", "Public map")}</dt><dd>${report.hiddenByStaff ? say(c, "職員が非表示にしています", "Hidden by staff") : report.publicLat === null ? say(c, "表示しない種類です", "Not shown for this category") : say(c, "表示中", "Shown")}</dd>
<dt>${say(c, "内容", "Description")}</dt><dd>${report.description}</dd>
${answers.map((a) => html`<dt>${pick(c, a.label)}</dt><dd>${pick(c, a.value)}</dd>`)}
<dt>${say(c, "連絡先", "Contact")}</dt><dd>${
      report.personalDataDeletedAt
        ? say(
            c,
            `入力された連絡先は保存期間が過ぎたため削除しました（${tokyoDate(report.personalDataDeletedAt)}）`,
            `Contact details deleted after the retention period (${tokyoDate(report.personalDataDeletedAt)})`,
          ) +
          (
            report.residentId
              ? say(c, "。通報者のアカウントは残っています", "; the reporter's own account remains")
              : ""
          )
        : report.anonymous
          ? say(c, "匿名を希望", "Asked to stay anonymous")
          : [report.contactName, report.contactEmail, report.contactPhone].filter(Boolean).join(" / ") ||
            (report.residentId ? say(c, "アカウントあり", "Has an account") : "—")
    }</dd>
<dt>${say(c, "フォロワー", "Followers")}</dt><dd>${followers.length}${awaiting > 0 ? say(c, `（うち${awaiting}件はメールアドレスの確認待ち。確認されるまでお知らせは届きません）`, ` (${awaiting} awaiting confirmation of their e-mail address; they get no updates until then)`) : ""}</dd>
</dl>
${
  photos.length > 0
    ? html`<h2>${say(c, "写真", "Photos")}</h2><ul class="entry-list">${photos.map(
        (p) =>
          html`<li><a href="${base}/photos/${p.position}"><img class="report-photo" src="${base}/photos/${p.position}" alt="${say(c, `写真${p.position}`, `Photo ${p.position}`)}"></a>${p.public ? say(c, "（公開）", " (public)") : ""}</li>`,
      )}</ul>`
    : ""
}
<h2>${say(c, "経過", "Timeline")}</h2>
<ol class="entry-list">${entries.map(
      (e) =>
        html`<li class="entry" data-kind="${e.kind}"><strong>${e.public ? say(c, "【公開】", "[Public]") : say(c, "【内部】", "[Internal]")}</strong> ${tokyoTime(e.createdAt)} ${entryLabel(e.kind)}${
          e.toStatus ? html` → ${labelled(c, look.status(e.toStatus))}` : ""
        }${e.staffId ? html` (${look.member(e.staffId)?.displayName ?? ""})` : ""}${
          typeof e.data?.["reference"] === "string" ? html` ${e.data["reference"]}` : ""
        }${e.kind === "assigned" || e.kind === "routed" ? html` ${named(c, look.department((e.data?.["departmentId"] as string) ?? (e.data?.["to"] as { departmentId?: string } | undefined)?.departmentId ?? null))}` : ""}${e.body ? html`<p>${e.body}</p>` : ""}</li>`,
    )}</ol>
${
  canHandle
    ? html`<h2 id="assign-h">${say(c, "担当", "Assignment")}</h2>
<form method="post" action="${base}/assign" aria-labelledby="assign-h">${version}
<div class="field"><label for="f-department">${say(c, "担当部署", "Department")}</label><select id="f-department" name="department">${look.departments.map((d) => option(d.id, named(c, d), typed.department ?? report.departmentId ?? ""))}</select></div>
<div class="field"><label for="f-assignee">${say(c, "担当者", "Assignee")}</label><select id="f-assignee" name="assignee">${option("", say(c, "未割り当て", "Unassigned"), assignee)}${option(staff.id, say(c, `自分（${staff.displayName}）`, `Me (${staff.displayName})`), assignee)}${look.staff
        .filter((m) => m.id !== staff.id && m.departmentId && mayHandle(c)(m.role))
        .map((m) =>
          option(m.id, `${m.displayName}（${named(c, look.department(m.departmentId))}）`, assignee),
        )}</select></div>
<div class="button-row"><button type="submit">${say(c, "担当を変更", "Save assignment")}</button></div></form>
<h2 id="reply-h">${say(c, "回答・状態", "Reply and status")}</h2>
<form method="get" action="${base}"><div class="field"><label for="f-template">${say(c, "定型文", "Reply template")}</label><select id="f-template" name="template">${option("", say(c, "使わない", "None"), templateId)}${look.templates.map((t) => option(t.id, `${t.title}${t.statusKey ? ` → ${labelled(c, look.status(t.statusKey))}` : ""}`, templateId))}</select></div>
<div class="button-row"><button type="submit" class="button-secondary">${say(c, "定型文を使う", "Use template")}</button></div></form>
<form method="post" action="${base}/reply" aria-labelledby="reply-h">${version}<input type="hidden" name="template" value="${template?.id ?? ""}">
<div class="field"><label for="f-reply">${say(c, "公開の回答（通報者とフォロワーに届きます）", "Public reply (sent to the reporter and followers)")}${awaiting > 0 ? say(c, `（確認待ちのメールアドレス${awaiting}件には届きません）`, ` (not to the ${awaiting} address(es) awaiting confirmation)`) : ""}</label>${
        template?.statusKey
          ? html`<span class="hint" id="f-reply-hint">${say(c, `送ると状態が「${labelled(c, look.status(template.statusKey))}」になります`, `Sending it sets the status to “${labelled(c, look.status(template.statusKey))}”`)}</span>`
          : ""
      }<textarea id="f-reply" name="body" rows="4" maxlength="4000"${template?.statusKey ? html` aria-describedby="f-reply-hint"` : ""}>${replyText}</textarea></div>
<div class="button-row"><button type="submit">${say(c, "回答を送る", "Send reply")}</button></div></form>
<form method="post" action="${base}/status">${version}
<div class="field"><label for="f-status">${say(c, "状態を変更", "Change status to")}</label><select id="f-status" name="status">${look.statuses.map((s) => option(s.key, labelled(c, s), typed.status ?? template?.statusKey ?? report.statusKey))}</select></div>
<div class="field"><label for="f-status-reply">${say(c, "あわせて送る公開の回答（任意）", "Public reply with it (optional)")}</label><textarea id="f-status-reply" name="reply" rows="3" maxlength="4000">${typed.statusReply ?? ""}</textarea></div>
<div class="button-row"><button type="submit">${say(c, "状態を変更", "Change status")}</button></div></form>
<h2 id="note-h">${say(c, "内部メモ", "Internal note")}</h2>
<form method="post" action="${base}/note" aria-labelledby="note-h">${version}
<div class="field"><label for="f-note">${say(c, "メモ（職員のみ）", "Note (staff only)")}</label><textarea id="f-note" name="body" rows="3" maxlength="4000">${typed.note ?? ""}</textarea></div>
<div class="button-row"><button type="submit" class="button-secondary">${say(c, "メモを残す", "Add note")}</button></div></form>
${
  report.mergedIntoId
    ? ""
    : html`<h2 id="merge-h">${say(c, "重複として統合", "Merge as a duplicate")}</h2>
<form method="post" action="${base}/merge" aria-labelledby="merge-h">${version}
<fieldset><legend>${say(c, "この通報を次の通報にまとめる（この通報は閉じられ、フォロワーは統合先に移ります）", "Merge this report into (it is closed and its followers follow the other)")}</legend>
${candidates.map(
  (n, i) =>
    html`<div class="field"><input type="radio" id="f-into-${i}" name="into" value="${n.id}"${typed.reference === n.id ? html` checked` : ""}> <label for="f-into-${i}">${n.reference} (${n.distanceMeters}m) ${n.description.slice(0, 40)}</label></div>`,
)}
<div class="field"><label for="f-into-reference">${say(c, "または受付番号を入力", "Or type a reference")}</label><input id="f-into-reference" name="reference" autocomplete="off" value="${typed.reference && !UUID.test(typed.reference) ? typed.reference : ""}"></div></fieldset>
<div class="button-row"><button type="submit">${say(c, "統合する", "Merge")}</button></div></form>`
}
<h2 id="hide-h">${say(c, "公開地図", "Public map")}</h2>
<form method="post" action="${base}/hide" aria-labelledby="hide-h">${version}<input type="hidden" name="hidden" value="${report.hiddenByStaff ? "0" : "1"}">
<div class="button-row"><button type="submit" class="button-secondary">${report.hiddenByStaff ? say(c, "地図に表示する", "Show on the map") : say(c, "地図から隠す", "Hide from the map")}</button></div></form>`
    : ""
}`,
  });
}

const MAP_LIMIT = 2000;

const stageColours: Record<string, string> = { received: "#c0262d", in_progress: "#b58500", done: "#1d7a3e" };

// Served from our origin (the CSP allows scripts from 'self' only); without it the list still works.
const mapScript = `(function () {
  var el = document.getElementById("staff-map");
  if (!el || !window.L) return;
  var map = L.map(el);
  L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution, maxZoom: 18 }).addTo(map);
  map.setView([Number(el.dataset.lat), Number(el.dataset.lng)], 13);
  var colours = ${JSON.stringify(stageColours)};
  fetch(el.dataset.source, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (fc) {
      var layer = L.geoJSON(fc, {
        pointToLayer: function (f, ll) {
          return L.circleMarker(ll, { radius: 8, color: "#fff", weight: 2, fillColor: colours[f.properties.stage], fillOpacity: 1 });
        },
        onEachFeature: function (f, l) {
          var a = document.createElement("a");
          a.href = f.properties.url;
          a.textContent = f.properties.reference + " " + f.properties.category + " (" + f.properties.statusLabel + ")";
          l.bindPopup(a);
        },
      }).addTo(map);
      if (fc.features.length > 0) map.fitBounds(layer.getBounds(), { maxZoom: 16, padding: [20, 20] });
    });
})();
`;

/** A problem with the entry form: submitReport's, or the channel, which only staff choose. */
type EntryProblem = Omit<ReportProblem, "field"> & { field: ReportProblem["field"] | "channel" };

/** The form control each kind of problem points at, so the summary links to it and it is marked invalid. */
function entryTarget(p: EntryProblem): string {
  switch (p.field) {
    case "answers":
      return p.input ?? "description";
    case "channel":
      return "channel-phone";
    case "location":
      return "lat";
    case "contact":
      return "contact_email";
    case "photos":
      return "description";
    default:
      return p.field;
  }
}

async function newReportPage(
  c: Context<AppEnv>,
  view: { posted?: PageInput | null; problems?: EntryProblem[] } = {},
) {
  await authorizeStaff(c, HANDLE);
  const db = c.var.services.database.db;
  const tenantId = c.var.tenant.id;
  const look = await loadLookups(db, tenantId);
  const posted = view.posted ?? null;
  const value = (name: string) => posted?.get(name)?.[0] ?? "";
  const code = value("category") || c.req.query("category") || "";
  const active = look.categories.filter((x) => x.active);
  const category = active.find((x) => x.code === code);
  const questions = category?.formSlug
    ? await loadFormQuestions(db, { tenantId, slug: category.formSlug })
    : null;
  const problemsList = view.problems ?? [];
  const answerErrors = Object.fromEntries(
    problemsList.filter((p) => p.field === "answers" && p.input).map((p) => [p.input!, pick(c, p.message)]),
  );
  // The first message of each control, shown beside it.
  const inline = new Map<string, string>();
  for (const p of problemsList) {
    if (p.field !== "answers" && !inline.has(entryTarget(p))) {
      inline.set(entryTarget(p), pick(c, p.message));
    }
  }
  const title = say(
    c,
    "電話・パトロール・窓口の通報を入力",
    "Enter a report taken by phone, on patrol or at the counter",
  );
  const invalid = (name: string) => {
    const error = inline.get(name);
    return {
      cls: error ? " field-invalid" : "",
      message: error ? html`<span class="field-error" id="f-${name}-error">${error}</span>` : "",
      attrs: error ? html` aria-invalid="true" aria-describedby="f-${name}-error"` : "",
    };
  };
  const field = (name: string, label: string, type = "text", extra = html``) => {
    const e = invalid(name);
    return html`<div class="field${e.cls}"><label for="f-${name}">${label}</label>${e.message}<input id="f-${name}" name="${name}" type="${type}" value="${value(name)}"${extra}${e.attrs}></div>`;
  };
  const channelError = invalid("channel-phone");
  const categoryError = invalid("category");
  const description = invalid("description");
  // A posted form whose category is unknown or no longer taken is drawn again with what was typed.
  const showForm = Boolean(category || posted);
  return renderPage(c, {
    title,
    status: problemsList.length > 0 ? 422 : 200,
    body: html`<p><a href="/staff/reports">${say(c, "通報の一覧へ", "Back to reports")}</a></p><h1>${title}</h1>
${
  problemsList.length > 0
    ? html`<div class="error-summary" role="alert" tabindex="-1"><h2>${say(c, "入力内容を確認してください", "Check what you entered")}</h2><ul>${problemsList.map(
        (p) => html`<li><a href="#f-${entryTarget(p)}">${pick(c, p.message)}</a></li>`,
      )}</ul></div>`
    : ""
}
<form method="get" action="/staff/reports/new"><div class="field"><label for="f-pick-category">${say(c, "種類", "Category")}</label><select id="f-pick-category" name="category">${active.map(
      (x) => option(x.code, named(c, x), code),
    )}</select></div>
<div class="button-row"><button type="submit" class="button-secondary">${say(c, "この種類で入力", "Use this category")}</button></div></form>
${
  showForm
    ? html`<form method="post" action="/staff/reports/new">${csrfField(c)}${
        category
          ? html`<input type="hidden" name="category" value="${category.code}"><h2>${named(c, category)}</h2>`
          : html`<div class="field${categoryError.cls}"><label for="f-category">${say(c, "種類", "Category")}</label>${categoryError.message}<select id="f-category" name="category"${categoryError.attrs}>${option("", say(c, "選んでください", "Choose one"), "")}${active.map(
              (x) => option(x.code, named(c, x), code),
            )}</select></div>`
      }
<fieldset${channelError.message ? html` class="field-invalid" aria-describedby="f-channel-phone-error"` : ""}><legend>${say(c, "受けた方法", "Taken by")}</legend>${channelError.message}${(
        ["phone", "patrol", "counter"] as const
      ).map(
        (ch) =>
          html`<div class="field"><input type="radio" id="f-channel-${ch}" name="channel" value="${ch}"${(posted ? value("channel") : "phone") === ch ? html` checked` : ""}${channelError.message ? html` aria-invalid="true"` : ""}> <label for="f-channel-${ch}">${pick(c, channelLabels[ch]!)}</label></div>`,
      )}</fieldset>
<div class="field${description.cls}"><label for="f-description">${say(c, "内容", "Description")}</label>${description.message}<textarea id="f-description" name="description" rows="4" maxlength="4000" required${description.attrs}>${value("description")}</textarea></div>
<fieldset><legend>${say(c, "場所（緯度・経度、または町字）", "Place (latitude and longitude, or a 町字)")}</legend>
${field("lat", say(c, "緯度", "Latitude"), "text", html` inputmode="decimal"`)}
${field("lng", say(c, "経度", "Longitude"), "text", html` inputmode="decimal"`)}
<div class="field"><label for="f-area">${say(c, "町字（緯度・経度がないとき、その中心）", "町字 (its centre, when no coordinates)")}</label><select id="f-area" name="area">${option("", say(c, "選ばない", "None"), value("area"))}${look.areas
        .filter((a) => a.kind === "machiaza")
        .map((a) => option(a.id, named(c, a), value("area")))}</select></div>
${field("address", say(c, "住所・目印", "Address or landmark"))}</fieldset>
${questions ? html`<fieldset><legend>${pick(c, questions.title)}</legend>${renderFormQuestions(questions, { lang: c.var.lang, t: c.var.t, answers: {}, posted, errors: answerErrors })}</fieldset>` : ""}
<fieldset><legend>${say(c, "通報者の連絡先", "Reporter's contact")}</legend>
${field("contact_name", say(c, "氏名", "Name"))}
${field("contact_email", say(c, "メールアドレス（経過をお知らせします）", "E-mail (gets updates)"), "email")}
${field("contact_phone", say(c, "電話番号", "Phone"), "tel")}</fieldset>
<div class="button-row"><button type="submit">${say(c, "通報を登録", "File the report")}</button></div></form>`
    : ""
}`,
  });
}

const OWN_NEW_INPUTS = new Set([
  "_csrf",
  "category",
  "channel",
  "description",
  "lat",
  "lng",
  "area",
  "address",
  "contact_name",
  "contact_email",
  "contact_phone",
  "lang",
]);

/** Coordinates typed by staff, or the centre of the chosen 町字's box. */
async function pointOf(c: Context<AppEnv>, input: PageInput): Promise<LatLng | null> {
  const text = (name: string) => (input.get(name)?.[0] ?? "").normalize("NFKC").trim();
  if (text("lat") || text("lng")) {
    const lat = Number(text("lat"));
    const lng = Number(text("lng"));
    return text("lat") && text("lng") && Number.isFinite(lat) && Number.isFinite(lng) ? { lat, lng } : null;
  }
  const areaId = text("area");
  if (!UUID.test(areaId)) {
    return null;
  }
  const [area] = await c.var.services.database.db
    .select()
    .from(reportAreas)
    .where(and(eq(reportAreas.tenantId, c.var.tenant.id), eq(reportAreas.id, areaId)));
  return area ? { lat: (area.minLat + area.maxLat) / 2, lng: (area.minLng + area.maxLng) / 2 } : null;
}

/**
 * Runs a change on the report page: back to the page on success, the page with the refusal and what was typed
 * otherwise. The form's version is required, so a change is never made over one the member has not seen.
 */
async function onReport(
  c: Context<AppEnv>,
  work: (ctx: StaffChangeContext, report: Report, get: (name: string) => string) => Promise<unknown>,
  done: DoneKey,
  typedOf: (get: (name: string) => string) => Typed,
) {
  const report = await reportFor(c, READ);
  const ctx = await changeContext(c);
  const { get } = await formFields(c);
  const version = wholeNumber(get("version"), 1, 2_000_000_000);
  const result = await orProblem(async () => {
    if (version === null) {
      throw reportProblems.stale();
    }
    return work(ctx, { ...report, version }, get);
  });
  if (result instanceof ProblemError) {
    const [fresh] = await ctx.db
      .select()
      .from(reports)
      .where(and(eq(reports.tenantId, ctx.tenantId), eq(reports.id, report.id)));
    return detailPage(c, fresh!, { problem: result, typed: typedOf(get) });
  }
  return c.redirect(`/staff/reports/${report.id}?done=${done}`, 303);
}

/** Open reports nearby that the member could merge this one into: only those within their departments. */
async function mergeCandidates(c: Context<AppEnv>, report: Report, category: ReportCategory) {
  const { scope } = await authorizeStaffScope(c, HANDLE);
  const db = c.var.services.database.db;
  const nearby = await findNearbyReports({
    db,
    tenantId: c.var.tenant.id,
    category,
    point: report,
    radiusMeters: Math.max(300, category.duplicateRadiusMeters * 5),
    limit: 30,
    excludeId: report.id,
  });
  if (scope.all || nearby.length === 0) {
    return nearby.slice(0, 10);
  }
  const reachable = new Set(
    (
      await db
        .select({ id: reports.id, departmentId: reports.departmentId })
        .from(reports)
        .where(
          and(
            eq(reports.tenantId, c.var.tenant.id),
            inArray(
              reports.id,
              nearby.map((n) => n.id),
            ),
          ),
        )
    )
      .filter((r) => inScope(scope, r.departmentId))
      .map((r) => r.id),
  );
  return nearby.filter((n) => reachable.has(n.id)).slice(0, 10);
}

export const reportStaffPages = new Hono<AppEnv>()
  .get("/staff/reports", (c) => listPage(c))
  .get("/staff/reports/export.csv", async (c) => {
    const { staff, scope } = await authorizeStaffScope(c, EXPORT);
    const encoding = c.req.query("encoding") === "cp932" ? "cp932" : "utf-8";
    const result = await exportReports({
      ...staffActing(c, staff.id),
      scope,
      filters: parseReportFilters((name) => c.req.query(name)),
      encoding,
    });
    if (!result.ok) {
      throw problems.invalidRequest(
        result.unrepresentable.slice(0, 20).map((u) => ({
          pointer: `/rows/${u.row}/${u.column}`,
          detail: `${u.character} (${u.codePoint}) cannot be written in Shift_JIS; export as UTF-8`,
          detailJa: `${u.character}（${u.codePoint}）はShift_JISで書けません。UTF-8で書き出してください`,
        })),
      );
    }
    return c.body(result.bytes as Uint8Array<ArrayBuffer>, 200, {
      "content-type": `text/csv; charset=${encoding === "cp932" ? "Shift_JIS" : "utf-8"}`,
      "content-disposition": contentDisposition(`reports-${new Date().toISOString().slice(0, 10)}.csv`),
      "cache-control": "no-store",
    });
  })
  .post("/staff/reports/bulk", async (c) => {
    const ctx = await changeContext(c);
    const { get, all } = await formFields(c);
    const ids = all("ids").filter((id) => UUID.test(id));
    const kind = get("kind");
    const result = await orProblem(() =>
      bulkUpdateReports({
        ...ctx,
        mayHandle: mayHandle(c),
        reportIds: ids,
        change:
          kind === "assign"
            ? { kind: "assign", departmentId: get("department") }
            : kind === "assignee"
              ? { kind: "assign", assigneeStaffId: get("assignee") }
              : kind === "unassign"
                ? { kind: "assign", assigneeStaffId: null }
                : { kind: "status", statusKey: get("status") },
      }),
    );
    if (result instanceof ProblemError) {
      return listPage(c, result);
    }
    const query = new URLSearchParams(new URL(c.req.url).search);
    const refused = result.skipped.filter((x) => x.reason.startsWith("assignee_"));
    query.set("changed", String(result.changed.length));
    query.set("skipped", String(result.skipped.length - refused.length));
    if (refused.length > 0) {
      // References only: the notice names the reports the member could not take.
      query.set("refused", refused.map((x) => x.reference).join(","));
    }
    return c.redirect(`/staff/reports?${query}`, 303);
  })
  .get("/staff/reports/map", async (c) => {
    await authorizeStaff(c, READ);
    const config = c.var.services.config;
    const [boundary] = await c.var.services.database.db
      .select()
      .from(reportAreas)
      .where(and(eq(reportAreas.tenantId, c.var.tenant.id), eq(reportAreas.kind, "boundary")));
    const centre = boundary
      ? { lat: (boundary.minLat + boundary.maxLat) / 2, lng: (boundary.minLng + boundary.maxLng) / 2 }
      : { lat: 35.68, lng: 139.76 };
    const title = say(c, "未完了の通報の地図", "Map of open reports");
    return renderPage(c, {
      title,
      body: html`<link rel="stylesheet" href="/assets/leaflet/leaflet.css"><link rel="stylesheet" href="/assets/reports.css">
<p><a href="/staff/reports">${say(c, "一覧で見る", "Show as a list")}</a></p><h1>${title}</h1>
<p>${say(c, "担当範囲の未完了の通報を正確な位置で表示します。赤は未対応、黄は対応中、緑は完了です。", "Open reports in your departments at their exact places: red received, yellow in progress, green done.")}</p>
<div id="staff-map" class="leaflet-target" role="region" aria-label="${title}" data-source="/staff/reports/map.json" data-tiles="${config.mapTileUrl}" data-attribution="${config.mapAttribution}" data-lat="${centre.lat}" data-lng="${centre.lng}"></div>
<p class="map-attribution"><a href="${config.mapAttributionUrl}">${config.mapAttribution}</a></p>
<script src="/assets/leaflet/leaflet.js"></script><script src="/staff/reports/map.js"></script>`,
    });
  })
  .get("/staff/reports/map.js", (c) =>
    c.body(mapScript, 200, {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "public, max-age=300",
    }),
  )
  .get("/staff/reports/map.json", async (c) => {
    const { scope } = await authorizeStaffScope(c, READ);
    const db = c.var.services.database.db;
    const tenantId = c.var.tenant.id;
    const look = await loadLookups(db, tenantId);
    const conditions = [
      eq(reports.tenantId, tenantId),
      eq(reports.statusCategory, "open"),
      isNull(reports.mergedIntoId),
    ];
    if (!scope.all) {
      if (scope.departmentIds.length === 0) {
        return c.json({ type: "FeatureCollection", features: [] });
      }
      conditions.push(inArray(reports.departmentId, [...scope.departmentIds]));
    }
    const rows = await db
      .select()
      .from(reports)
      .where(and(...conditions))
      .limit(MAP_LIMIT + 1);
    return c.json({
      type: "FeatureCollection",
      ...(rows.length > MAP_LIMIT ? { truncated: true } : {}),
      features: rows.slice(0, MAP_LIMIT).map((r) => ({
        type: "Feature",
        geometry: { type: "Point", coordinates: [r.lng, r.lat] },
        properties: {
          reference: r.reference,
          category: named(c, look.category(r.categoryId)),
          status: r.statusKey,
          statusLabel: labelled(c, look.status(r.statusKey)),
          stage: r.stage,
          url: `/staff/reports/${r.id}`,
        },
      })),
    });
  })
  .get("/staff/reports/new", (c) => newReportPage(c))
  .post("/staff/reports/new", async (c) => {
    const staff = await authorizeStaff(c, HANDLE);
    const body = await c.req.parseBody({ all: true });
    const input: PageInput = new Map();
    for (const [name, raw] of Object.entries(body)) {
      for (const value of Array.isArray(raw) ? raw : [raw]) {
        if (typeof value === "string") {
          input.set(name, [...(input.get(name) ?? []), value]);
        }
      }
    }
    const text = (name: string) => input.get(name)?.[0] ?? "";
    const channel = text("channel");
    if (channel !== "phone" && channel !== "patrol" && channel !== "counter") {
      return newReportPage(c, {
        posted: input,
        problems: [
          { field: "channel", message: { ja: "受けた方法を選んでください", en: "Choose how it was taken" } },
        ],
      });
    }
    const point = await pointOf(c, input);
    if (!point) {
      return newReportPage(c, {
        posted: input,
        problems: [
          {
            field: "location",
            message: {
              ja: "緯度と経度を数値で入力するか、町字を選んでください",
              en: "Enter latitude and longitude as numbers, or choose a 町字",
            },
          },
        ],
      });
    }
    const result = await submitReport({
      services: c.var.services,
      tenantId: c.var.tenant.id,
      actor: { type: "staff", id: staff.id },
      categoryCode: text("category"),
      point,
      address: text("address"),
      description: text("description"),
      answerInput: new Map([...input].filter(([name]) => !OWN_NEW_INPUTS.has(name))),
      channel,
      contact: { name: text("contact_name"), email: text("contact_email"), phone: text("contact_phone") },
      enteredByStaffId: staff.id,
      requestId: c.var.requestId,
    });
    if (!result.ok) {
      return newReportPage(c, { posted: input, problems: result.problems });
    }
    // The caller is still on the line: staff tell them to confirm an address they gave.
    const done = result.report.contactEmail && !result.report.residentId ? "entered_email" : "entered";
    return c.redirect(`/staff/reports/${result.report.id}?done=${done}`, 303);
  })
  .get(`/staff/reports/:id${ID}`, async (c) => {
    const report = await reportFor(c, READ);
    const done = doneKey(c.req.query("done"));
    return detailPage(c, report, { notice: done ? pick(c, doneMessages[done]) : null });
  })
  .get(`/staff/reports/:id${ID}/photos/:n{[1-9]}`, async (c) => {
    const report = await reportFor(c, READ);
    const db = c.var.services.database.db;
    const found = await findReportPhoto(db, report, Number(c.req.param("n")));
    const bytes = found ? await c.var.services.storage.get(found.file.storageKey) : null;
    if (!found || !bytes) {
      throw problems.notFound();
    }
    await recordAudit(db, {
      tenantId: c.var.tenant.id,
      actor: { type: "staff", id: c.var.staff!.id },
      action: "reports.report.read_photo",
      resource: { type: "report", id: report.id },
      after: { position: Number(c.req.param("n")) },
      requestId: c.var.requestId,
      ip: clientIp(c),
    });
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      "content-type": found.file.contentType,
      "cache-control": "private, no-store",
    });
  })
  .post(`/staff/reports/:id${ID}/assign`, (c) =>
    onReport(
      c,
      (ctx, report, get) =>
        assignReport({
          ...ctx,
          mayHandle: mayHandle(c),
          reportId: report.id,
          expectedVersion: report.version,
          departmentId: get("department"),
          assigneeStaffId: get("assignee") || null,
        }),
      "assigned",
      (get) => ({ department: get("department"), assignee: get("assignee") }),
    ),
  )
  .post(`/staff/reports/:id${ID}/status`, (c) =>
    onReport(
      c,
      (ctx, report, get) =>
        changeReportStatus({
          ...ctx,
          reportId: report.id,
          expectedVersion: report.version,
          statusKey: get("status"),
          replyBody: get("reply"),
        }),
      "status",
      (get) => ({ status: get("status"), statusReply: get("reply") }),
    ),
  )
  .post(`/staff/reports/:id${ID}/reply`, (c) =>
    onReport(
      c,
      (ctx, report, get) =>
        replyToReport({
          ...ctx,
          reportId: report.id,
          expectedVersion: report.version,
          body: get("body"),
          templateId: get("template") || null,
        }),
      "reply",
      (get) => ({ reply: get("body"), template: get("template") }),
    ),
  )
  .post(`/staff/reports/:id${ID}/note`, (c) =>
    onReport(
      c,
      (ctx, report, get) =>
        addReportNote({ ...ctx, reportId: report.id, expectedVersion: report.version, body: get("body") }),
      "note",
      (get) => ({ note: get("body") }),
    ),
  )
  .post(`/staff/reports/:id${ID}/merge`, (c) =>
    onReport(
      c,
      (ctx, report, get) =>
        mergeReports({
          ...ctx,
          reportId: report.id,
          expectedVersion: report.version,
          into: get("reference").trim() ? { reference: get("reference") } : { id: get("into") },
        }),
      "merged",
      (get) => ({ reference: get("reference").trim() || get("into") }),
    ),
  )
  .post(`/staff/reports/:id${ID}/hide`, (c) =>
    onReport(
      c,
      (ctx, report, get) =>
        hideReport({
          ...ctx,
          reportId: report.id,
          expectedVersion: report.version,
          hidden: get("hidden") === "1",
        }),
      "hidden",
      () => ({}),
    ),
  );
