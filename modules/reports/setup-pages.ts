import { and, asc, eq } from "drizzle-orm";
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../../core/http/app-env.ts";
import { csrfField, renderPage } from "../../core/http/layout.ts";
import { authorizeStaff } from "../../core/http/middleware.ts";
import { type Bilingual, ProblemError } from "../../core/http/problem.ts";
import { listPublishedForms } from "../forms/index.ts";
import { checkAreaDeletable, deleteReportArea, reportsNamingArea } from "./operations/delete-report-area.ts";
import {
  previewRoutingRules,
  type RoutingPreview,
  type RoutingPreviewRow,
  type RoutingRuleChange,
} from "./operations/preview-routing-rules.ts";
import { saveReplyTemplate, type TemplateInput } from "./operations/save-reply-template.ts";
import { type AreaInput, saveReportArea } from "./operations/save-report-area.ts";
import { type CategoryInput, saveReportCategory } from "./operations/save-report-category.ts";
import { removeReportStatus, type StatusInput, saveReportStatus } from "./operations/save-report-status.ts";
import { checkRuleChange, saveRoutingRule } from "./operations/save-routing-rule.ts";
import {
  type AreaEditInput,
  type CheckedAreaEdit,
  checkAreaEdit,
  findArea,
  updateReportArea,
} from "./operations/update-report-area.ts";
import { type ReportArea, reportAreas, reportRoutingRules, statusCategories } from "./schema.ts";
import {
  errorsNotice,
  formFields,
  ID,
  type Lookups,
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
} from "./staff-kit.ts";

const MANAGE = "reports.setup.manage";
const BASE = "/staff/reports/setup";

async function setupContext(c: Context<AppEnv>) {
  const staff = await authorizeStaff(c, MANAGE);
  return staffActing(c, staff.id);
}

const text = (
  name: string,
  label: string,
  value: string | number | null | undefined,
  extra: { type?: string; error?: Bilingual; c?: Context<AppEnv>; id?: string } = {},
) => {
  const id = extra.id ?? name;
  return html`<div class="field${extra.error ? " field-invalid" : ""}"><label for="f-${id}">${label}</label>${
    extra.error && extra.c
      ? html`<span class="field-error" id="f-${id}-error">${pick(extra.c, extra.error)}</span>`
      : ""
  }<input id="f-${id}" name="${name}" type="${extra.type ?? "text"}" value="${value ?? ""}"${extra.error ? html` aria-invalid="true" aria-describedby="f-${id}-error"` : ""}></div>`;
};

const publicLocationLabels: Record<string, Bilingual> = {
  exact: { ja: "正確な位置", en: "Exact place" },
  coarse: { ja: "ぼかした位置", en: "Coarsened place" },
  hidden: { ja: "表示しない", en: "Not shown" },
};
const statusCategoryLabels: Record<string, Bilingual> = {
  open: { ja: "未完了（open）", en: "Open" },
  closed: { ja: "対応しない（closed）", en: "Closed (not fixed)" },
  fixed: { ja: "対応済み（fixed）", en: "Fixed" },
};

const areaKindLabels: Record<string, Bilingual> = {
  boundary: { ja: "市の境界", en: "city boundary" },
  machiaza: { ja: "町字", en: "machiaza" },
  polygon: { ja: "区域", en: "district" },
};

/** A select with its label and, when refused, its message tied to it. */
const choice = (
  c: Context<AppEnv>,
  id: string,
  name: string,
  label: string,
  options: ReturnType<typeof option>[],
  error?: Bilingual,
) =>
  html`<div class="field${error ? " field-invalid" : ""}"><label for="f-${id}">${label}</label>${
    error ? html`<span class="field-error" id="f-${id}-error">${pick(c, error)}</span>` : ""
  }<select id="f-${id}" name="${name}"${error ? html` aria-invalid="true" aria-describedby="f-${id}-error"` : ""}>${options}</select></div>`;

/** Which form of the overview was posted and refused: its errors and typed values are drawn there. */
type OverviewForm =
  | { kind: "status"; key: string | null }
  | { kind: "remove"; key: string }
  | { kind: "area" };

/** The element id of a field in each overview form, so the error summary links land on it. */
function overviewFieldId(form: OverviewForm | undefined, name: string): string {
  if (form?.kind === "area") {
    return name === "code" ? "f-area-code" : `f-${name}`;
  }
  if (form?.kind === "remove") {
    return `f-remove-${form.key}`;
  }
  const row = form?.kind === "status" && form.key ? form.key : "new";
  if (name === "key") {
    return row === "new" ? "f-key" : `f-${row}-labelJa`;
  }
  return `f-${row}-${name}`;
}

async function overviewPage(
  c: Context<AppEnv>,
  view: {
    errors?: Record<string, Bilingual>;
    problem?: ProblemError;
    posted?: Record<string, string>;
    form?: OverviewForm;
  } = {},
) {
  const ctx = await setupContext(c);
  const look = await loadLookups(ctx.db, ctx.tenantId);
  const rules = await ctx.db
    .select()
    .from(reportRoutingRules)
    .where(eq(reportRoutingRules.tenantId, ctx.tenantId))
    .orderBy(asc(reportRoutingRules.createdAt));
  // The lookups leave the boundary out (it is no routing area); here it is listed so it can be reshaped.
  const boundary = await ctx.db
    .select()
    .from(reportAreas)
    .where(and(eq(reportAreas.tenantId, ctx.tenantId), eq(reportAreas.kind, "boundary")));
  const form = view.form;
  const formErrors = (matches: boolean) => (matches ? (view.errors ?? {}) : {});
  const posted = (name: string) => view.posted?.[name] ?? "";
  const newErrors = formErrors(form?.kind === "status" && form.key === null);
  const areaErrors = formErrors(form?.kind === "area");
  const newPosted = (name: string) => (form?.kind === "status" && form.key === null ? posted(name) : "");
  const areaPosted = (name: string) => (form?.kind === "area" ? posted(name) : "");
  const title = say(c, "通報の設定", "Report settings");
  const hasErrors = view.errors && Object.keys(view.errors).length > 0;
  return renderPage(c, {
    title,
    status: view.problem?.status ?? (hasErrors ? 422 : 200),
    body: html`<p><a href="/staff/reports">${say(c, "通報の一覧へ", "Back to reports")}</a></p><h1>${title}</h1>
${view.problem ? problemNotice(c, view.problem) : ""}${view.errors ? errorsNotice(c, view.errors, (name) => overviewFieldId(form, name)) : ""}
<h2>${say(c, "種類", "Categories")}</h2>
<table class="data-table"><caption>${say(c, "通報の種類", "Report categories")}</caption><thead><tr><th scope="col">${say(c, "コード", "Code")}</th><th scope="col">${say(c, "名前", "Name")}</th><th scope="col">${say(c, "期限", "SLA")}</th><th scope="col">${say(c, "既定の部署", "Default department")}</th><th scope="col">${say(c, "地図", "Map")}</th><th scope="col">${say(c, "受付", "Active")}</th></tr></thead>
<tbody>${look.categories.map(
      (x) =>
        html`<tr><td><a href="${BASE}/categories/${x.id}">${x.code}</a></td><td>${named(c, x)}</td><td>${x.slaBusinessDays ? say(c, `${x.slaBusinessDays}営業日`, `${x.slaBusinessDays} business days`) : "—"}</td><td>${named(c, look.department(x.defaultDepartmentId))}</td><td>${pick(c, publicLocationLabels[x.publicLocation]!)}</td><td>${x.active ? say(c, "受付中", "Yes") : say(c, "停止", "No")}</td></tr>`,
    )}</tbody></table>
<p><a href="${BASE}/categories/new">${say(c, "種類を追加", "Add a category")}</a></p>
<h2>${say(c, "状態", "Statuses")}</h2>
<ul class="entry-list">${look.statuses.map((s) => {
      // The row that was posted and refused shows what was typed, with its messages beside the fields.
      const mine = form?.kind === "status" && form.key === s.key;
      const e = formErrors(mine);
      const v = (name: "labelJa" | "labelEn" | "category" | "stage" | "sortOrder") =>
        mine ? posted(name) : String(s[name]);
      return html`<li class="entry"><form method="post" action="${BASE}/statuses">${csrfField(c)}<input type="hidden" name="key" value="${s.key}">
<fieldset><legend>${s.key}${s.isInitial ? say(c, "（受付時）", " (initial)") : ""}</legend>
${text("labelJa", say(c, "表示名（日本語）", "Label (Japanese)"), v("labelJa"), { id: `${s.key}-labelJa`, error: e["labelJa"] ?? e["key"], c })}
${text("labelEn", say(c, "表示名（英語）", "Label (English)"), v("labelEn"), { id: `${s.key}-labelEn`, error: e["labelEn"], c })}
${choice(
  c,
  `${s.key}-category`,
  "category",
  say(c, "区分", "Category"),
  statusCategories.map((k) => option(k, pick(c, statusCategoryLabels[k]!), v("category"))),
  e["category"],
)}
${choice(
  c,
  `${s.key}-stage`,
  "stage",
  say(c, "段階（地図の色）", "Stage (pin colour)"),
  Object.entries(stageLabels).map(([k, l]) => option(k, pick(c, l), v("stage"))),
  e["stage"],
)}
${text("sortOrder", say(c, "順番", "Order"), v("sortOrder"), { id: `${s.key}-sortOrder`, error: e["sortOrder"], c })}
<div class="button-row"><button type="submit">${say(c, `「${s.labelJa}」を保存`, `Save “${s.labelEn}”`)}</button></div></fieldset></form>
<form method="post" action="${BASE}/statuses/${s.key}/remove">${csrfField(c)}<button type="submit" class="button-secondary" id="f-remove-${s.key}">${say(c, `「${s.labelJa}」を削除`, `Remove “${s.labelEn}”`)}</button></form></li>`;
    })}</ul>
<form method="post" action="${BASE}/statuses">${csrfField(c)}<input type="hidden" name="new" value="1"><fieldset><legend>${say(c, "状態を追加", "Add a status")}</legend>
${text("key", say(c, "キー（半角英小文字）", "Key (a-z, 0-9, _)"), newPosted("key"), { error: newErrors["key"], c })}
${text("labelJa", say(c, "表示名（日本語）", "Label (Japanese)"), newPosted("labelJa"), { id: "new-labelJa", error: newErrors["labelJa"], c })}
${text("labelEn", say(c, "表示名（英語）", "Label (English)"), newPosted("labelEn"), { id: "new-labelEn", error: newErrors["labelEn"], c })}
${choice(
  c,
  "new-category",
  "category",
  say(c, "区分", "Category"),
  statusCategories.map((k) => option(k, pick(c, statusCategoryLabels[k]!), newPosted("category"))),
  newErrors["category"],
)}
${choice(
  c,
  "new-stage",
  "stage",
  say(c, "段階（地図の色）", "Stage (pin colour)"),
  Object.entries(stageLabels).map(([k, l]) => option(k, pick(c, l), newPosted("stage"))),
  newErrors["stage"],
)}
${text("sortOrder", say(c, "順番", "Order"), newPosted("sortOrder") || "100", { id: "new-sortOrder", error: newErrors["sortOrder"], c })}
<div class="button-row"><button type="submit">${say(c, "状態を追加", "Add status")}</button></div></fieldset></form>
<h2>${say(c, "町字・区域", "Areas")}</h2>
<p>${say(c, "名前を選ぶと、名前と形を直したり削除したりできます。", "Choose a name to edit its names and shape, or to delete it.")}</p>
<ul>${[...boundary, ...look.areas].map((a) => html`<li><a href="${BASE}/areas/${a.id}">${named(c, a)}</a> (${a.code}, ${pick(c, areaKindLabels[a.kind]!)}, ${Math.round(a.areaM2 / 1000) / 1000} km²)</li>`)}</ul>
<form method="post" action="${BASE}/areas">${csrfField(c)}<fieldset><legend>${say(c, "区域を追加（GeoJSONを貼り付け）", "Add an area (paste GeoJSON)")}</legend>
${text("code", say(c, "コード", "Code"), areaPosted("code"), { error: areaErrors["code"], c, id: "area-code" })}
${text("nameJa", say(c, "名前（日本語）", "Name (Japanese)"), areaPosted("nameJa"), { error: areaErrors["nameJa"], c })}
${text("nameEn", say(c, "名前（英語）", "Name (English)"), areaPosted("nameEn"), { error: areaErrors["nameEn"], c })}
${choice(
  c,
  "kind",
  "kind",
  say(c, "区分", "Kind"),
  [
    option("machiaza", say(c, "町字", "町字 (machiaza)"), areaPosted("kind")),
    option("polygon", say(c, "区域（河川・公園など）", "District (river, park…)"), areaPosted("kind")),
  ],
  areaErrors["kind"],
)}
<div class="field${areaErrors["geojson"] ? " field-invalid" : ""}"><label for="f-geojson">${say(c, "GeoJSON（Polygon / MultiPolygon、[経度, 緯度]）", "GeoJSON (Polygon / MultiPolygon, [longitude, latitude])")}</label>${areaErrors["geojson"] ? html`<span class="field-error" id="f-geojson-error">${pick(c, areaErrors["geojson"])}</span>` : ""}<textarea id="f-geojson" name="geojson" rows="6"${areaErrors["geojson"] ? html` aria-invalid="true" aria-describedby="f-geojson-error"` : ""}>${areaPosted("geojson")}</textarea></div>
<div class="button-row"><button type="submit">${say(c, "区域を追加", "Add area")}</button></div></fieldset></form>
<h2>${say(c, "振り分けルール", "Routing rules")}</h2>
<p>${say(c, "種類と区域の両方を指定したルールが最優先、次に種類だけ、次に区域だけ（小さい区域が優先）。どれにも当たらなければ種類の既定の部署です。保存の前に、直近の通報がどう変わるかを確認します。", "A rule naming both category and area wins, then category only, then area only (smaller area first); otherwise the category's default department. Each change is previewed against recent reports before saving.")}</p>
<ul>${rules.map(
      (r) =>
        html`<li>${r.categoryId ? named(c, look.category(r.categoryId)) : say(c, "すべての種類", "Any category")} × ${r.areaId ? named(c, look.area(r.areaId)) : say(c, "市内全域", "Anywhere")} → ${named(c, look.department(r.departmentId))}
<form class="inline-form" method="get" action="${BASE}/rules/preview"><input type="hidden" name="remove" value="${r.id}"><button type="submit" class="button-secondary">${say(c, "削除を確認", "Preview removing")}</button></form></li>`,
    )}</ul>
<form method="get" action="${BASE}/rules/preview"><fieldset><legend>${say(c, "ルールを追加", "Add a rule")}</legend>${ruleFields(c, look, {})}
<div class="button-row"><button type="submit">${say(c, "保存前に確認", "Preview")}</button></div></fieldset></form>
<h2>${say(c, "回答の定型文", "Reply templates")}</h2>
<ul>${look.templates.map(
      (t) =>
        html`<li><a href="${BASE}/templates/${t.id}">${t.title}</a>${t.statusKey ? html` → ${labelled(c, look.status(t.statusKey))}` : ""}</li>`,
    )}</ul>
<p><a href="${BASE}/templates/new">${say(c, "定型文を追加", "Add a template")}</a></p>
<p><a href="/staff/reports/api-keys">${say(c, "Open311のAPIキー", "Open311 API keys")}</a></p>`,
  });
}

function ruleFields(c: Context<AppEnv>, look: Lookups, chosen: Record<string, string>) {
  return html`<div class="field"><label for="f-rule-category">${say(c, "種類", "Category")}</label><select id="f-rule-category" name="category">${option("", say(c, "すべての種類", "Any category"), chosen["category"] ?? "")}${look.categories.map((x) => option(x.id, named(c, x), chosen["category"] ?? ""))}</select></div>
<div class="field"><label for="f-rule-area">${say(c, "区域", "Area")}</label><select id="f-rule-area" name="area">${option("", say(c, "市内全域", "Anywhere"), chosen["area"] ?? "")}${look.areas.map((a) => option(a.id, named(c, a), chosen["area"] ?? ""))}</select></div>
<div class="field"><label for="f-rule-department">${say(c, "担当部署", "Department")}</label><select id="f-rule-department" name="department">${look.departments.map((d) => option(d.id, named(c, d), chosen["department"] ?? ""))}</select></div>`;
}

function changeFrom(get: (name: string) => string): RoutingRuleChange {
  return get("remove")
    ? { kind: "remove", ruleId: get("remove") }
    : {
        kind: "add",
        categoryId: get("category") || null,
        areaId: get("area") || null,
        departmentId: get("department"),
      };
}

/** A rule as staff read it: category × area → department. */
const ruleText = (
  c: Context<AppEnv>,
  look: Lookups,
  rule: { categoryId: string | null; areaId: string | null; departmentId: string },
) =>
  `${rule.categoryId ? named(c, look.category(rule.categoryId)) : say(c, "すべての種類", "Any category")} × ${rule.areaId ? named(c, look.area(rule.areaId)) : say(c, "市内全域", "Anywhere")} → ${named(c, look.department(rule.departmentId))}`;

/**
 * What a routing preview found: how many recent reports would go to another department, and (when the
 * boundary shrinks) which places would be left outside it, each in its own table.
 */
function previewSummary(c: Context<AppEnv>, look: Lookups, preview: RoutingPreview) {
  const moved = preview.changes.filter((row) => !row.outside && row.from !== row.to);
  const outside = preview.changes.filter((row) => row.outside);
  const head = html`<thead><tr><th scope="col">${say(c, "受付番号", "Reference")}</th><th scope="col">${say(c, "種類", "Category")}</th><th scope="col">${say(c, "区域", "Area")}</th><th scope="col">${say(c, "現在", "Now")}</th><th scope="col">${say(c, "変更後", "After")}</th></tr></thead>`;
  const cells = (row: RoutingPreviewRow) =>
    html`<td><a href="/staff/reports/${row.reportId}">${row.reference}</a></td><td>${named(c, look.category(row.categoryId))}</td><td>${named(c, look.area(row.areaId))}</td><td>${named(c, look.department(row.from))}</td>`;
  return html`<p role="status" id="preview-count">${say(c, `直近の通報${preview.available}件のうち新しい${preview.examined}件を調べました。担当部署が変わるのは${moved.length}件です。`, `Examined the newest ${preview.examined} of ${preview.available} recent reports: ${moved.length} would go to another department.`)}${
    outside.length > 0
      ? say(
          c,
          `${outside.length}件の場所は市の境界の外になり、今後そこからの通報は受け付けません。`,
          ` ${outside.length} would be outside the city boundary: new reports there would be refused.`,
        )
      : ""
  } ${say(c, "（保存しても受付済みの通報の担当は変わりません。これからの通報に適用されます）", "(Saving does not move reports already received; it applies to new ones.)")}</p>
${
  moved.length > 0
    ? html`<table class="data-table"><caption>${say(c, "担当部署が変わる通報", "Reports that would go to another department")}</caption>${head}<tbody>${moved.map(
        (row) => html`<tr>${cells(row)}<td>${named(c, look.department(row.to))}</td></tr>`,
      )}</tbody></table>`
    : ""
}${
  outside.length > 0
    ? html`<table class="data-table"><caption>${say(c, "市の境界の外になる場所の通報", "Reports at places left outside the city boundary")}</caption>${head}<tbody>${outside.map(
        (row) =>
          html`<tr>${cells(row)}<td>${say(c, "境界の外（受け付けない）", "Outside the boundary (refused)")}</td></tr>`,
      )}</tbody></table>`
    : ""
}`;
}

async function previewPage(
  c: Context<AppEnv>,
  change: RoutingRuleChange,
  problem: ProblemError | null = null,
) {
  const ctx = await setupContext(c);
  const look = await loadLookups(ctx.db, ctx.tenantId);
  const checked = await orProblem(() => checkRuleChange(ctx.db, ctx.tenantId, change));
  if (checked instanceof ProblemError) {
    return overviewPage(c, { problem: checked });
  }
  const preview = await previewRoutingRules({ db: ctx.db, tenantId: ctx.tenantId, change });
  const title = say(c, "振り分けルールの変更を確認", "Preview the routing change");
  const [removing] =
    change.kind === "remove"
      ? await ctx.db
          .select()
          .from(reportRoutingRules)
          .where(and(eq(reportRoutingRules.tenantId, ctx.tenantId), eq(reportRoutingRules.id, change.ruleId)))
      : [];
  const describe = (categoryId: string | null, areaId: string | null, departmentId: string) =>
    ruleText(c, look, { categoryId, areaId, departmentId });
  return renderPage(c, {
    title,
    status: problem?.status ?? 200,
    body: html`<p><a href="${BASE}">${say(c, "設定に戻る", "Back to settings")}</a></p><h1>${title}</h1>
${problem ? problemNotice(c, problem) : ""}
<p>${change.kind === "add" ? say(c, "追加するルール: ", "Rule to add: ") : say(c, "削除するルール: ", "Rule to remove: ")}<strong>${
      change.kind === "add"
        ? describe(change.categoryId, change.areaId, change.departmentId)
        : removing
          ? describe(removing.categoryId, removing.areaId, removing.departmentId)
          : "—"
    }</strong></p>
${previewSummary(c, look, preview)}
<form method="post" action="${BASE}/rules">${csrfField(c)}<input type="hidden" name="hash" value="${preview.hash}">${
      change.kind === "remove"
        ? html`<input type="hidden" name="remove" value="${change.ruleId}">`
        : html`<input type="hidden" name="category" value="${change.categoryId ?? ""}"><input type="hidden" name="area" value="${change.areaId ?? ""}"><input type="hidden" name="department" value="${change.departmentId}">`
    }
<div class="button-row"><button type="submit">${change.kind === "add" ? say(c, "このルールを保存", "Save this rule") : say(c, "このルールを削除", "Remove this rule")}</button></div></form>`,
  });
}

/** An area's edit page: names and shape, the rules naming it, and deleting it. */
async function areaPage(
  c: Context<AppEnv>,
  id: string,
  view: { errors?: Record<string, Bilingual>; posted?: AreaEditInput; problem?: ProblemError } = {},
) {
  const ctx = await setupContext(c);
  const look = await loadLookups(ctx.db, ctx.tenantId);
  const area = await findArea(ctx.db, ctx.tenantId, id);
  const rules = await ctx.db
    .select()
    .from(reportRoutingRules)
    .where(and(eq(reportRoutingRules.tenantId, ctx.tenantId), eq(reportRoutingRules.areaId, area.id)))
    .orderBy(asc(reportRoutingRules.createdAt));
  const v: AreaEditInput = view.posted ?? {
    nameJa: area.nameJa,
    nameEn: area.nameEn,
    geojson: JSON.stringify(area.geometry),
  };
  const e = view.errors ?? {};
  const title = say(c, `区域「${area.nameJa}」`, `Area “${area.nameEn}”`);
  return renderPage(c, {
    title,
    status: view.problem?.status ?? (Object.keys(e).length > 0 ? 422 : 200),
    body: html`<p><a href="${BASE}">${say(c, "設定に戻る", "Back to settings")}</a></p><h1>${title}</h1>
${view.problem ? problemNotice(c, view.problem) : ""}${errorsNotice(c, e)}
<dl class="summary-list"><dt>${say(c, "コード", "Code")}</dt><dd>${area.code}</dd><dt>${say(c, "区分", "Kind")}</dt><dd>${pick(c, areaKindLabels[area.kind]!)}</dd><dt>${say(c, "面積", "Size")}</dt><dd>${Math.round(area.areaM2 / 1000) / 1000} km²</dd></dl>
<form method="post" action="${BASE}/areas/${area.id}">${csrfField(c)}<fieldset><legend>${say(c, "名前と形", "Names and shape")}</legend>
${text("nameJa", say(c, "名前（日本語）", "Name (Japanese)"), v.nameJa, { error: e["nameJa"], c })}
${text("nameEn", say(c, "名前（英語）", "Name (English)"), v.nameEn, { error: e["nameEn"], c })}
<div class="field${e["geojson"] ? " field-invalid" : ""}"><label for="f-geojson">${say(c, "GeoJSON（Polygon / MultiPolygon、[経度, 緯度]）", "GeoJSON (Polygon / MultiPolygon, [longitude, latitude])")}</label><span class="hint" id="f-geojson-hint">${say(c, "形を変えると、保存の前に直近の通報の振り分けがどう変わるかを確認します。", "When the shape changes, you see how recent reports would be routed before it is saved.")}</span>${e["geojson"] ? html`<span class="field-error" id="f-geojson-error">${pick(c, e["geojson"])}</span>` : ""}<textarea id="f-geojson" name="geojson" rows="6" aria-describedby="f-geojson-hint${e["geojson"] ? " f-geojson-error" : ""}"${e["geojson"] ? html` aria-invalid="true"` : ""}>${v.geojson}</textarea></div>
<div class="button-row"><button type="submit">${say(c, "保存", "Save")}</button></div></fieldset></form>
<h2>${say(c, "削除", "Delete")}</h2>
${
  area.kind === "boundary"
    ? html`<p>${say(c, "市の境界は削除できません。境界の外の通報は受け付けないため、境界がなくなると市外からの通報も受け付けてしまいます。形を直すときは上で編集してください。", "The city boundary cannot be deleted: reports outside it are refused, so without it reports from anywhere would be accepted. Edit its shape above instead.")}</p>`
    : rules.length > 0
      ? html`<p>${say(c, "この区域は次の振り分けルールで使われているため削除できません。削除するには、先に設定画面でこれらのルールを削除してください。", "This area cannot be deleted while these routing rules use it. Remove them on the settings page first.")}</p><ul>${rules.map((r) => html`<li>${ruleText(c, look, r)}</li>`)}</ul>`
      : html`<form method="post" action="${BASE}/areas/${area.id}/delete">${csrfField(c)}<div class="button-row"><button type="submit" class="button-secondary">${say(c, `「${area.nameJa}」を削除…`, `Delete “${area.nameEn}”…`)}</button></div></form>`
}`,
  });
}

/** Before an area is deleted: what happens to the reports naming it, and the button that deletes it. */
async function areaDeletePage(c: Context<AppEnv>, area: ReportArea) {
  const ctx = await setupContext(c);
  const relabelled = await reportsNamingArea(ctx.db, ctx.tenantId, area.id);
  const title = say(c, `区域「${area.nameJa}」を削除しますか`, `Delete the area “${area.nameEn}”?`);
  return renderPage(c, {
    title,
    body: html`<p><a href="${BASE}/areas/${area.id}">${say(c, "編集に戻る", "Back to editing")}</a></p><h1>${title}</h1>
<p id="delete-effect">${say(
      c,
      `この区域を町字・区域としている通報${relabelled}件は、その場所を含む別の区域（なければ「なし」）に付け替えられます。担当部署は変わりません。削除は元に戻せませんが、形は監査記録に残ります。`,
      `${relabelled} reports name this area as theirs: each will be re-labelled with another area containing it (or none). Their departments stay. Deleting cannot be undone, but the shape is kept in the audit log.`,
    )}</p>
<form method="post" action="${BASE}/areas/${area.id}/delete" aria-describedby="delete-effect">${csrfField(c)}<input type="hidden" name="confirm" value="1">
<div class="button-row"><button type="submit">${say(c, `「${area.nameJa}」を削除する`, `Delete “${area.nameEn}”`)}</button> <a href="${BASE}/areas/${area.id}">${say(c, "やめる", "Cancel")}</a></div></form>`,
  });
}

/** Before a new shape is saved: how recent reports would be routed with it, and the save button. */
async function areaPreviewPage(
  c: Context<AppEnv>,
  edit: CheckedAreaEdit,
  problem: ProblemError | null = null,
) {
  const ctx = await setupContext(c);
  const look = await loadLookups(ctx.db, ctx.tenantId);
  const preview = await previewRoutingRules({ db: ctx.db, tenantId: ctx.tenantId, change: edit.reshape! });
  const area: ReportArea = edit.area;
  const title = say(c, "区域の形の変更を確認", "Preview the new shape");
  return renderPage(c, {
    title,
    status: problem?.status ?? 200,
    body: html`<p><a href="${BASE}/areas/${area.id}">${say(c, "編集に戻る", "Back to editing")}</a></p><h1>${title}</h1>
${problem ? problemNotice(c, problem) : ""}
<p>${say(c, "区域: ", "Area: ")}<strong>${say(c, edit.nameJa, edit.nameEn)}</strong> (${area.code}, ${pick(c, areaKindLabels[area.kind]!)})</p>
${area.kind === "boundary" ? html`<p>${say(c, "境界の形を変えると、その外になる場所からの新しい通報は受け付けなくなります。", "A new boundary shape refuses new reports from places left outside it.")}</p>` : ""}
${previewSummary(c, look, preview)}
<form method="post" action="${BASE}/areas/${area.id}">${csrfField(c)}<input type="hidden" name="hash" value="${preview.hash}"><input type="hidden" name="nameJa" value="${edit.nameJa}"><input type="hidden" name="nameEn" value="${edit.nameEn}"><input type="hidden" name="geojson" value="${JSON.stringify(edit.geometry)}">
<div class="button-row"><button type="submit">${say(c, "この形で保存", "Save this shape")}</button></div></form>`,
  });
}

async function categoryPage(
  c: Context<AppEnv>,
  id: string | null,
  view: { errors?: Record<string, Bilingual>; posted?: CategoryInput } = {},
) {
  const ctx = await setupContext(c);
  const look = await loadLookups(ctx.db, ctx.tenantId);
  const existing = id ? look.category(id) : undefined;
  if (id && !existing) {
    throw new ProblemError(404, "not-found", { ja: "その種類はありません", en: "There is no such category" });
  }
  const forms = await listPublishedForms(ctx.db, { tenantId: ctx.tenantId });
  const v: CategoryInput = view.posted ?? {
    code: existing?.code ?? "",
    nameJa: existing?.nameJa ?? "",
    nameEn: existing?.nameEn ?? "",
    slaBusinessDays: existing?.slaBusinessDays ? String(existing.slaBusinessDays) : "",
    defaultDepartmentId: existing?.defaultDepartmentId ?? "",
    publicLocation: existing?.publicLocation ?? "exact",
    coarsenMeters: String(existing?.coarsenMeters ?? 200),
    duplicateRadiusMeters: String(existing?.duplicateRadiusMeters ?? 50),
    reopenDays: String(existing?.reopenDays ?? 14),
    retentionMonths: String(existing?.retentionMonths ?? 36),
    allowAnonymous: existing?.allowAnonymous ?? true,
    formSlug: existing?.formSlug ?? "",
    active: existing?.active ?? true,
  };
  const e = view.errors ?? {};
  const title = existing
    ? say(c, `種類「${existing.nameJa}」`, `Category “${existing.nameEn}”`)
    : say(c, "種類を追加", "Add a category");
  const check = (name: string, label: string, on: boolean) =>
    html`<div class="field"><input type="checkbox" id="f-${name}" name="${name}" value="1"${on ? html` checked` : ""}> <label for="f-${name}">${label}</label></div>`;
  return renderPage(c, {
    title,
    status: Object.keys(e).length > 0 ? 422 : 200,
    body: html`<p><a href="${BASE}">${say(c, "設定に戻る", "Back to settings")}</a></p><h1>${title}</h1>${errorsNotice(c, e)}
<form method="post" action="${BASE}/categories/${existing?.id ?? "new"}">${csrfField(c)}
${text("code", say(c, "コード（Open311のservice_code）", "Code (Open311 service_code)"), v.code, { error: e["code"], c })}
${text("nameJa", say(c, "名前（日本語）", "Name (Japanese)"), v.nameJa, { error: e["nameJa"], c })}
${text("nameEn", say(c, "名前（英語）", "Name (English)"), v.nameEn, { error: e["nameEn"], c })}
${text("slaBusinessDays", say(c, "対応期限（営業日、空欄で期限なし）", "SLA in business days (blank: none)"), v.slaBusinessDays, { type: "number", error: e["slaBusinessDays"], c })}
${choice(
  c,
  "defaultDepartmentId",
  "defaultDepartmentId",
  say(c, "既定の担当部署", "Default department"),
  [
    option("", say(c, "なし", "None"), v.defaultDepartmentId),
    ...look.departments.map((d) => option(d.id, named(c, d), v.defaultDepartmentId)),
  ],
  e["defaultDepartmentId"],
)}
${choice(
  c,
  "publicLocation",
  "publicLocation",
  say(c, "公開地図での位置", "Place on the public map"),
  Object.entries(publicLocationLabels).map(([k, l]) => option(k, pick(c, l), v.publicLocation)),
  e["publicLocation"],
)}
${text("coarsenMeters", say(c, "ぼかす距離（m）", "Coarsen by (m)"), v.coarsenMeters, { type: "number", error: e["coarsenMeters"], c })}
${text("duplicateRadiusMeters", say(c, "重複を探す半径（m）", "Duplicate radius (m)"), v.duplicateRadiusMeters, { type: "number", error: e["duplicateRadiusMeters"], c })}
${text("reopenDays", say(c, "完了後に再開できる日数", "Days it can be reopened after closing"), v.reopenDays, { type: "number", error: e["reopenDays"], c })}
${text("retentionMonths", say(c, "個人情報の保存期間（月）", "Keep reporters' personal data (months)"), v.retentionMonths ?? String(existing?.retentionMonths ?? 36), { type: "number", error: e["retentionMonths"], c })}
${choice(
  c,
  "formSlug",
  "formSlug",
  say(c, "追加の質問（公開中のフォーム）", "Extra questions (published form)"),
  [
    option("", say(c, "なし", "None"), v.formSlug),
    ...forms.map((f) => option(f.slug, `${pick(c, f.title)} (${f.slug})`, v.formSlug)),
  ],
  e["formSlug"],
)}
${check("allowAnonymous", say(c, "匿名の通報を受け付ける", "Accept anonymous reports"), v.allowAnonymous)}
${check("active", say(c, "受付中", "Active"), v.active)}
<div class="button-row"><button type="submit">${say(c, "保存", "Save")}</button></div></form>`,
  });
}

async function templatePage(
  c: Context<AppEnv>,
  id: string | null,
  view: { errors?: Record<string, Bilingual>; posted?: TemplateInput } = {},
) {
  const ctx = await setupContext(c);
  const look = await loadLookups(ctx.db, ctx.tenantId);
  const existing = id ? look.templates.find((t) => t.id === id) : undefined;
  if (id && !existing) {
    throw new ProblemError(404, "not-found", {
      ja: "その定型文はありません",
      en: "There is no such template",
    });
  }
  const v: TemplateInput = view.posted ?? {
    title: existing?.title ?? "",
    bodyJa: existing?.bodyJa ?? "",
    bodyEn: existing?.bodyEn ?? "",
    statusKey: existing?.statusKey ?? "",
    sortOrder: String(existing?.sortOrder ?? 100),
  };
  const e = view.errors ?? {};
  const title = existing ? say(c, "定型文を編集", "Edit template") : say(c, "定型文を追加", "Add a template");
  const area = (name: "bodyJa" | "bodyEn", label: string) =>
    html`<div class="field${e[name] ? " field-invalid" : ""}"><label for="f-${name}">${label}</label>${
      e[name] ? html`<span class="field-error" id="f-${name}-error">${pick(c, e[name])}</span>` : ""
    }<textarea id="f-${name}" name="${name}" rows="4"${e[name] ? html` aria-invalid="true" aria-describedby="f-${name}-error"` : ""}>${v[name]}</textarea></div>`;
  return renderPage(c, {
    title,
    status: Object.keys(e).length > 0 ? 422 : 200,
    body: html`<p><a href="${BASE}">${say(c, "設定に戻る", "Back to settings")}</a></p><h1>${title}</h1>${errorsNotice(c, e)}
<form method="post" action="${BASE}/templates/${existing?.id ?? "new"}">${csrfField(c)}
${text("title", say(c, "題名", "Title"), v.title, { error: e["title"], c })}
${area("bodyJa", say(c, "本文（日本語）", "Text (Japanese)"))}
${area("bodyEn", say(c, "本文（英語）", "Text (English)"))}
${choice(
  c,
  "statusKey",
  "statusKey",
  say(c, "送ったときの状態", "Status it sets"),
  [
    option("", say(c, "変えない", "Unchanged"), v.statusKey),
    ...look.statuses.map((s) => option(s.key, labelled(c, s), v.statusKey)),
  ],
  e["statusKey"],
)}
${text("sortOrder", say(c, "順番", "Order"), v.sortOrder, { type: "number", error: e["sortOrder"], c })}
<div class="button-row"><button type="submit">${say(c, "保存", "Save")}</button></div></form>`,
  });
}

const idOrNew = (c: Context<AppEnv>) => {
  const id = c.req.param("id") ?? "new";
  return id === "new" ? null : id;
};

export const reportSetupPages = new Hono<AppEnv>()
  .get(BASE, (c) => overviewPage(c))
  .get(`${BASE}/categories/:id{new|${ID.slice(1, -1)}}`, (c) => categoryPage(c, idOrNew(c)))
  .post(`${BASE}/categories/:id{new|${ID.slice(1, -1)}}`, async (c) => {
    const ctx = await setupContext(c);
    const { get, body } = await formFields(c);
    const input: CategoryInput = {
      code: get("code"),
      nameJa: get("nameJa"),
      nameEn: get("nameEn"),
      slaBusinessDays: get("slaBusinessDays"),
      defaultDepartmentId: get("defaultDepartmentId"),
      publicLocation: get("publicLocation"),
      coarsenMeters: get("coarsenMeters"),
      duplicateRadiusMeters: get("duplicateRadiusMeters"),
      reopenDays: get("reopenDays"),
      ...(body["retentionMonths"] === undefined ? {} : { retentionMonths: get("retentionMonths") }),
      allowAnonymous: get("allowAnonymous") === "1",
      formSlug: get("formSlug"),
      active: get("active") === "1",
    };
    const result = await saveReportCategory({ ...ctx, id: idOrNew(c), input });
    return result.ok
      ? c.redirect(BASE, 303)
      : categoryPage(c, idOrNew(c), { errors: result.errors, posted: input });
  })
  .post(`${BASE}/statuses`, async (c) => {
    const ctx = await setupContext(c);
    const { get } = await formFields(c);
    const input: StatusInput = {
      key: get("key"),
      labelJa: get("labelJa"),
      labelEn: get("labelEn"),
      category: get("category"),
      stage: get("stage"),
      sortOrder: get("sortOrder"),
    };
    const isNew = get("new") === "1";
    const result = await saveReportStatus({ ...ctx, isNew, input });
    return result.ok
      ? c.redirect(BASE, 303)
      : overviewPage(c, {
          errors: result.errors,
          posted: { ...input },
          form: { kind: "status", key: isNew ? null : input.key },
        });
  })
  .post(`${BASE}/statuses/:key{[a-z][a-z0-9_]{0,39}}/remove`, async (c) => {
    const ctx = await setupContext(c);
    const key = c.req.param("key");
    const result = await removeReportStatus({ ...ctx, key });
    return result.ok
      ? c.redirect(BASE, 303)
      : overviewPage(c, { errors: result.errors, form: { kind: "remove", key } });
  })
  .post(`${BASE}/areas`, async (c) => {
    const ctx = await setupContext(c);
    const { get } = await formFields(c);
    const input: AreaInput = {
      code: get("code"),
      nameJa: get("nameJa"),
      nameEn: get("nameEn"),
      kind: get("kind"),
      geojson: get("geojson"),
    };
    const result = await saveReportArea({ ...ctx, input });
    return result.ok
      ? c.redirect(BASE, 303)
      : overviewPage(c, { errors: result.errors, posted: { ...input }, form: { kind: "area" } });
  })
  .get(`${BASE}/areas/:id${ID}`, (c) => areaPage(c, c.req.param("id")))
  .post(`${BASE}/areas/:id${ID}`, async (c) => {
    const ctx = await setupContext(c);
    const id = c.req.param("id");
    const { get } = await formFields(c);
    const input: AreaEditInput = { nameJa: get("nameJa"), nameEn: get("nameEn"), geojson: get("geojson") };
    const hash = get("hash");
    // A refused edit is drawn again; a new shape goes to its preview (again, fresh, when the old one is stale).
    const checkAgain = async (problem: ProblemError | null) => {
      const checked = checkAreaEdit(await findArea(ctx.db, ctx.tenantId, id), input);
      if (!checked.ok) {
        return areaPage(c, id, { errors: checked.errors, posted: input });
      }
      return checked.value.reshape ? areaPreviewPage(c, checked.value, problem) : null;
    };
    if (!hash) {
      const page = await checkAgain(null);
      if (page) {
        return page;
      }
    }
    const result = await orProblem(() => updateReportArea({ ...ctx, id, input, previewHash: hash || null }));
    if (result instanceof ProblemError) {
      if (result.status !== 409) {
        throw result;
      }
      return (await checkAgain(result)) ?? areaPage(c, id, { problem: result, posted: input });
    }
    return result.ok ? c.redirect(BASE, 303) : areaPage(c, id, { errors: result.errors, posted: input });
  })
  .post(`${BASE}/areas/:id${ID}/delete`, async (c) => {
    const ctx = await setupContext(c);
    const id = c.req.param("id");
    const { get } = await formFields(c);
    // The first press shows what deleting does; only the confirmation's own button deletes.
    const result = await orProblem(async () => {
      if (get("confirm") === "1") {
        return deleteReportArea({ ...ctx, id });
      }
      const area = await findArea(ctx.db, ctx.tenantId, id);
      await checkAreaDeletable(ctx.db, ctx.tenantId, area);
      return areaDeletePage(c, area);
    });
    if (result instanceof ProblemError) {
      if (result.status === 404) {
        throw result;
      }
      return areaPage(c, id, { problem: result });
    }
    return result instanceof Response ? result : c.redirect(BASE, 303);
  })
  .get(`${BASE}/rules/preview`, (c) =>
    previewPage(
      c,
      changeFrom((name) => c.req.query(name) ?? ""),
    ),
  )
  .post(`${BASE}/rules`, async (c) => {
    const ctx = await setupContext(c);
    const { get } = await formFields(c);
    const change = changeFrom(get);
    const result = await orProblem(() => saveRoutingRule({ ...ctx, change, previewHash: get("hash") }));
    if (result instanceof ProblemError) {
      return previewPage(c, change, result);
    }
    return c.redirect(BASE, 303);
  })
  .get(`${BASE}/templates/:id{new|${ID.slice(1, -1)}}`, (c) => templatePage(c, idOrNew(c)))
  .post(`${BASE}/templates/:id{new|${ID.slice(1, -1)}}`, async (c) => {
    const ctx = await setupContext(c);
    const { get } = await formFields(c);
    const input: TemplateInput = {
      title: get("title"),
      bodyJa: get("bodyJa"),
      bodyEn: get("bodyEn"),
      statusKey: get("statusKey"),
      sortOrder: get("sortOrder"),
    };
    const result = await saveReplyTemplate({ ...ctx, id: idOrNew(c), input });
    return result.ok
      ? c.redirect(BASE, 303)
      : templatePage(c, idOrNew(c), { errors: result.errors, posted: input });
  });
