// The work queue: filters (kept in the address so a view can be bookmarked), a Japanese keyword search,
// one page of cases, and bulk actions on the ticked rows (assign, change status) or on the whole filtered
// set (export).
import {
  type CasesView,
  can,
  caseStatusBadge,
  caseStatuses,
  casesTabs,
  channelNames,
  channels,
  formatDay,
  labelled,
  named,
  needsReason,
  option,
  problemLines,
  rememberQueuePath,
  saveFile,
  setFieldError,
  slaBadge,
  slaNames,
  staffApi,
  staffDownload,
  staffTargets,
  statusNames,
} from "./cases-dom.ts";
import type { Assignees, BulkResult, CaseList, CaseListItem, CaseStatus } from "./cases-types.ts";
import { bilingual, both, h, link, type Problem, replace } from "./forms-dom.ts";

const PAGE_SIZE = 50;

/** The query parameters of GET /staff/api/cases that the queue's address carries. */
const FILTERS = ["q", "status", "service", "department", "team", "assignee", "channel", "from", "to", "sla"];

/** Only the known filters and the page, in a fixed order: the same view always has the same address. */
function normalise(params: URLSearchParams): URLSearchParams {
  const clean = new URLSearchParams();
  for (const name of FILTERS) {
    const value = params.get(name)?.trim();
    if (value) {
      clean.set(name, value);
    }
  }
  const page = Number(params.get("page"));
  if (Number.isInteger(page) && page > 1) {
    clean.set("page", String(page));
  }
  return clean;
}

function queuePath(params: URLSearchParams): string {
  const query = params.toString();
  return query ? `/staff/cases?${query}` : "/staff/cases";
}

function select(name: string, value: string, options: [string, string][]): HTMLSelectElement {
  return h(
    "select",
    { name },
    ...options.map(([optionValue, text]) => option(optionValue, text, optionValue === value)),
  ) as HTMLSelectElement;
}

const any: [string, string] = ["", "すべて (Any)"];
/** The API takes several statuses at once: everything still to be worked on. */
const OPEN_STATUSES = "received,in_progress,returned";

export async function renderQueue(view: CasesView): Promise<void> {
  document.title = "申請処理 | 職員用画面 | てのひら市役所";
  let params = normalise(new URLSearchParams(location.search));
  const [first, people] = await Promise.all([
    staffApi<CaseList>(view, "GET", `/cases?${apiQuery(params).toString()}`),
    staffApi<Assignees>(view, "GET", "/cases/assignees"),
  ]);
  const heading = h("h1", { tabindex: "-1" }, bilingual("申請処理", "Cases"));
  // A 400 is a filter the server refused (an address edited by hand): the form is still drawn to fix it.
  if (!first.ok && first.status !== 400) {
    replace(
      view.main,
      heading,
      casesTabs("queue", view.navigate),
      h("div", { class: "notice" }, problemLines(first, "申請を見る権限がありません")),
    );
    return;
  }
  const assignees: Assignees = people.ok ? people.body : { staff: [], teams: [] };
  const processing = can(view.me, "cases.case.process");
  let list: CaseList = first.ok
    ? first.body
    : { cases: [], total: 0, page: 1, limit: PAGE_SIZE, services: [] };
  const selected = new Set<string>();

  // ── Filters ──
  const value = (name: string) => params.get(name) ?? "";
  const teamOptions = assignees.teams.map((t): [string, string] => [t.id, t.name]);
  const filterForm = h(
    "form",
    { class: "filters", role: "search", "aria-label": "申請の絞り込み (Filter cases)", novalidate: true },
    h(
      "div",
      { class: "filter-grid" },
      labelled(
        "cases-q",
        ["キーワード", "Keywords"],
        h("input", { type: "search", name: "q", value: value("q"), autocomplete: "off" }),
        {
          hint: ["受付番号・氏名・回答の内容など（日本語可）", "Reference, name, answers; Japanese is fine"],
        },
      ),
      labelled(
        "cases-status",
        ["状態", "Status"],
        select("status", value("status"), [
          any,
          [OPEN_STATUSES, "未完了（受付・処理中・差し戻し） (Open)"],
          ...caseStatuses.map((s): [string, string] => [s, both(...statusNames[s])]),
        ]),
      ),
      labelled(
        "cases-service",
        ["手続き", "Service"],
        select("service", value("service"), [
          any,
          ...list.services.map((s): [string, string] => [s.key, s.title.ja]),
        ]),
      ),
      labelled(
        "cases-department",
        ["所管課", "Department"],
        select("department", value("department"), [any, ...teamOptions]),
      ),
      labelled("cases-team", ["担当チーム", "Team"], select("team", value("team"), [any, ...teamOptions])),
      labelled(
        "cases-assignee",
        ["担当者", "Assignee"],
        select("assignee", value("assignee"), [
          any,
          ["me", "自分 (Me)"],
          ["none", "未割当 (Unassigned)"],
          ...assignees.staff.map((s): [string, string] => [s.id, s.displayName]),
        ]),
      ),
      labelled(
        "cases-channel",
        ["受付経路", "Channel"],
        select("channel", value("channel"), [
          any,
          ...channels.map((c): [string, string] => [c, both(...channelNames[c])]),
        ]),
      ),
      labelled(
        "cases-sla",
        ["処理期限", "Deadline"],
        select("sla", value("sla"), [
          any,
          ["overdue", both(...slaNames.overdue)],
          ["due_soon", both(...slaNames.due_soon)],
          ["on_track", both(...slaNames.on_track)],
        ]),
      ),
      labelled(
        "cases-from",
        ["受付日（から）", "Received from"],
        h("input", { type: "date", name: "from", value: value("from") }),
      ),
      labelled(
        "cases-to",
        ["受付日（まで）", "Received until"],
        h("input", { type: "date", name: "to", value: value("to") }),
      ),
    ),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", class: "button", id: "cases-search" }, bilingual("絞り込む", "Apply")),
      link("/staff/cases", bilingual("条件をクリア", "Clear filters"), view.navigate, {
        class: "button secondary",
      }),
    ),
  ) as HTMLFormElement;
  filterForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new URLSearchParams();
    for (const [name, entry] of new FormData(filterForm)) {
      data.set(name, String(entry));
    }
    void load(normalise(data), true);
  });

  // ── Results ──
  const status = h("p", { id: "cases-status-line", class: "status", role: "status" });
  const results = h("div", { id: "cases-results" });
  const selection = h("p", { id: "cases-selection", class: "status", "aria-live": "polite" });

  const load = async (next: URLSearchParams, push: boolean, focusResults = false) => {
    status.textContent = both("読み込んでいます…", "Loading…");
    const result = await staffApi<CaseList>(view, "GET", `/cases?${apiQuery(next).toString()}`);
    for (const control of filterForm.querySelectorAll<HTMLElement>("[aria-invalid=true]")) {
      setFieldError(control, null);
    }
    if (!result.ok) {
      refused(result);
      return;
    }
    params = next;
    list = result.body;
    const path = queuePath(params);
    if (push && `${location.pathname}${location.search}` !== path) {
      history.pushState(null, "", path);
    }
    rememberQueuePath(path);
    selected.clear();
    drawResults();
    if (focusResults) {
      results.querySelector<HTMLElement>(".table-wrap")?.focus();
    }
  };

  const refused = (result: { status: number; problem: Problem }) => {
    status.textContent = "";
    replace(results, h("div", { class: "alert", role: "alert" }, problemLines(result)));
    // A refused filter is marked at its control, e.g. /from for a malformed date.
    for (const error of result.problem.errors ?? []) {
      const name = error.pointer.replace(/^\//, "").split("/")[0];
      const control = filterForm.querySelector<HTMLElement>(`[name="${name}"]`);
      if (control) {
        setFieldError(control, error.detailJa ? both(error.detailJa, error.detail) : error.detail);
      }
    }
  };

  const showSelection = () => {
    selection.textContent = both(`${selected.size}件を選択中`, `${selected.size} selected`);
  };

  const drawResults = () => {
    const { cases, total, page, limit } = list;
    const firstShown = total === 0 ? 0 : (page - 1) * limit + 1;
    const lastShown = (page - 1) * limit + cases.length;
    status.textContent =
      total === 0
        ? both("該当する申請はありません", "No matching cases")
        : both(
            `全${total.toLocaleString("ja-JP")}件中 ${firstShown}〜${lastShown}件目を表示`,
            `${firstShown}–${lastShown} of ${total}`,
          );
    showSelection();
    if (cases.length === 0) {
      replace(
        results,
        h("p", { class: "notice" }, bilingual("該当する申請はありません", "No matching cases")),
      );
      return;
    }
    replace(results, casesTable(cases), pager(total, page, limit));
  };

  const casesTable = (cases: CaseListItem[]) => {
    const boxes: HTMLInputElement[] = [];
    const all = h("input", {
      type: "checkbox",
      id: "cases-select-all",
      "aria-label": "このページの申請をすべて選択 (Select all on this page)",
    }) as HTMLInputElement;
    all.addEventListener("change", () => {
      for (const box of boxes) {
        box.checked = all.checked;
        toggle(box.value, all.checked);
      }
      showSelection();
    });
    const rows = cases.map((c) => {
      let box: HTMLInputElement | null = null;
      if (processing) {
        box = h("input", {
          type: "checkbox",
          class: "row-select",
          value: c.id,
          "aria-label": `${c.reference} を選択 (Select)`,
        }) as HTMLInputElement;
        const self = box;
        box.addEventListener("change", () => {
          toggle(c.id, self.checked);
          all.checked = boxes.every((b) => b.checked);
          showSelection();
        });
        boxes.push(box);
      }
      return h(
        "tr",
        {},
        box ? h("td", { class: "select" }, box) : null,
        h(
          "th",
          { scope: "row" },
          link(`/staff/cases/${c.id}`, c.reference, view.navigate, { class: "reference" }),
        ),
        h("td", {}, bilingual(c.title.ja, c.title.en)),
        h("td", {}, formatDay(c.receivedAt)),
        h("td", {}, h("span", { class: "due" }, formatDay(c.dueAt), slaBadge(c.sla))),
        h("td", {}, caseStatusBadge(c.status)),
        h("td", {}, assigneeText(c)),
        h("td", {}, named(channelNames, c.channel)),
      );
    });
    const headings: [string, string][] = [
      ["受付番号", "Reference"],
      ["手続き", "Service"],
      ["受付日", "Received"],
      ["期限", "Due"],
      ["状態", "Status"],
      ["担当", "Assigned to"],
      ["経路", "Channel"],
    ];
    return h(
      "div",
      { class: "table-wrap", role: "region", tabindex: "0", "aria-labelledby": "cases-caption" },
      h(
        "table",
        { class: "cases-table" },
        h(
          "caption",
          { id: "cases-caption" },
          bilingual("申請の一覧（未完了・期限の近い順）", "Open cases first, earliest deadline first"),
        ),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            processing ? h("th", { scope: "col", class: "select" }, all) : null,
            ...headings.map(([ja, en]) => h("th", { scope: "col" }, bilingual(ja, en))),
          ),
        ),
        h("tbody", {}, ...rows),
      ),
    );
  };

  const toggle = (id: string, on: boolean) => {
    if (on) {
      selected.add(id);
    } else {
      selected.delete(id);
    }
  };

  const pager = (total: number, page: number, limit: number): HTMLElement | null => {
    const pages = Math.max(1, Math.ceil(total / limit));
    if (pages === 1) {
      return null;
    }
    const to = (n: number, ja: string, en: string, rel: string) => {
      const next = new URLSearchParams(params);
      next.set("page", String(n));
      const href = queuePath(normalise(next));
      const element = h("a", { href, rel, class: "button secondary" }, bilingual(ja, en));
      element.addEventListener("click", (event) => {
        if (event.ctrlKey || event.metaKey || event.shiftKey) {
          return;
        }
        event.preventDefault();
        void load(normalise(next), true, true);
      });
      return element;
    };
    return h(
      "nav",
      { class: "pager", "aria-label": "ページ (Pages)" },
      page > 1 ? to(page - 1, "前のページ", "Previous", "prev") : null,
      h("span", { class: "page-of" }, both(`${page} / ${pages} ページ`, `page ${page} of ${pages}`)),
      page < pages ? to(page + 1, "次のページ", "Next", "next") : null,
    );
  };

  const bulk = processing
    ? bulkActions(
        view,
        assignees,
        () => [...selected],
        (id) => list.cases.find((c) => c.id === id)?.reference ?? id,
        () => load(params, false),
      )
    : null;
  const exporter = can(view.me, "cases.case.export") ? exportForm(view, () => params) : null;

  drawResults();
  if (first.ok) {
    rememberQueuePath(queuePath(params));
  }
  replace(
    view.main,
    heading,
    casesTabs("queue", view.navigate),
    filterForm,
    status,
    bulk ? h("div", { class: "bulk-bar" }, selection, bulk) : null,
    results,
    exporter,
  );
  if (!first.ok) {
    refused(first);
  }
}

/** The list call: the filters and page of the address, plus the page size. */
function apiQuery(params: URLSearchParams): URLSearchParams {
  const query = new URLSearchParams(params);
  query.set("limit", String(PAGE_SIZE));
  return query;
}

function assigneeText(c: CaseListItem): HTMLElement {
  if (!c.assignee && !c.team) {
    return h("span", { class: "unassigned" }, bilingual("未割当", "Unassigned"));
  }
  return h(
    "span",
    {},
    c.assignee ? h("span", { class: "assignee" }, c.assignee.displayName) : null,
    c.team ? h("span", { class: "sub" }, c.team.name) : null,
  );
}

/** Assign or change the status of the ticked cases; each case succeeds or fails on its own. */
function bulkActions(
  view: CasesView,
  assignees: Assignees,
  ids: () => string[],
  referenceOf: (id: string) => string,
  reload: () => Promise<void>,
): HTMLElement {
  const alert = h("div", { id: "bulk-alert", class: "alert", role: "alert" });
  const outcome = h("div", { id: "bulk-outcome", role: "status" });

  // "" leaves that part of each case's assignment as it is; "none" clears it.
  const staffSelect = select("staffId", "", [
    ["", "変更しない (Leave as is)"],
    ["none", "担当者なし (No one)"],
    [view.me.id, `自分（${view.me.displayName}） (Me)`],
    ...assignees.staff.filter((s) => s.id !== view.me.id).map((s): [string, string] => [s.id, s.displayName]),
  ]);
  const teamSelect = select("teamId", "", [
    ["", "変更しない (Leave as is)"],
    ["none", "チームなし (No team)"],
    ...assignees.teams.map((t): [string, string] => [t.id, t.name]),
  ]);
  const chosenId = (control: HTMLSelectElement) =>
    control.value === "" ? undefined : control.value === "none" ? null : control.value;
  const assign = h(
    "form",
    { class: "bulk-form", "aria-labelledby": "bulk-assign-title", novalidate: true },
    h("h2", { id: "bulk-assign-title" }, bilingual("選択した申請を割り当てる", "Assign the selected cases")),
    h(
      "div",
      { class: "pair" },
      labelled("bulk-staff", ["担当者", "Person"], staffSelect),
      labelled("bulk-team", ["担当チーム", "Team"], teamSelect),
    ),
    h(
      "button",
      { type: "submit", class: "button secondary", id: "bulk-assign" },
      bilingual("割り当てる", "Assign"),
    ),
  ) as HTMLFormElement;

  const toSelect = select("to", "", [
    ["", "選んでください (Choose)"],
    ...staffTargets.map((s): [string, string] => [s, both(...statusNames[s])]),
  ]);
  const reason = h("textarea", { name: "reason", rows: "2", maxlength: "2000" }) as HTMLTextAreaElement;
  const change = h(
    "form",
    { class: "bulk-form", "aria-labelledby": "bulk-status-title", novalidate: true },
    h(
      "h2",
      { id: "bulk-status-title" },
      bilingual("選択した申請の状態を変更する", "Change the status of the selected cases"),
    ),
    labelled("bulk-to", ["変更後の状態", "New status"], toSelect, { required: true }),
    labelled("bulk-reason", ["理由（住民に通知されます）", "Reason, sent to the resident"], reason, {
      hint: ["差し戻し・却下のときは必須です", "Required to return or reject"],
    }),
    h(
      "button",
      { type: "submit", class: "button secondary", id: "bulk-status" },
      bilingual("状態を変更する", "Change status"),
    ),
  ) as HTMLFormElement;

  const run = async (body: Record<string, unknown>, submit: HTMLButtonElement) => {
    alert.replaceChildren();
    outcome.replaceChildren();
    const chosen = ids();
    if (chosen.length === 0) {
      alert.replaceChildren(
        bilingual("一覧で申請を選んでください", "Tick one or more cases in the list first"),
      );
      return;
    }
    submit.disabled = true;
    const result = await staffApi<BulkResult>(view, "POST", "/cases/bulk", { ids: chosen, ...body });
    submit.disabled = false;
    if (!result.ok) {
      alert.replaceChildren(problemLines(result, "この操作の権限がありません"));
      return;
    }
    const failed = result.body.results.filter((r) => !r.ok);
    const done = result.body.results.length - failed.length;
    // Named by reference as the member saw them, before the list reloads.
    const references = new Map(chosen.map((id) => [id, referenceOf(id)]));
    await reload();
    replace(
      outcome,
      h(
        "p",
        {},
        both(`${done}件を処理しました`, `${done} done`),
        failed.length > 0
          ? `、${both(`${failed.length}件は処理できませんでした`, `${failed.length} failed`)}`
          : "",
      ),
      failed.length > 0
        ? h(
            "ul",
            { class: "bulk-failures" },
            ...failed.map((f) =>
              h(
                "li",
                {},
                `${references.get(f.id) ?? f.id}: `,
                f.reason ? bilingual(f.reason.ja, f.reason.en) : (f.detail ?? ""),
              ),
            ),
          )
        : null,
    );
  };

  assign.addEventListener("submit", (event) => {
    event.preventDefault();
    const staffId = chosenId(staffSelect);
    const teamId = chosenId(teamSelect);
    setFieldError(
      staffSelect,
      staffId === undefined && teamId === undefined
        ? both("担当者か担当チームを選んでください", "Choose a person or a team")
        : null,
    );
    if (staffId === undefined && teamId === undefined) {
      staffSelect.focus();
      return;
    }
    void run(
      { action: "assign", staffId, teamId },
      assign.querySelector("button[type=submit]") as HTMLButtonElement,
    );
  });
  change.addEventListener("submit", (event) => {
    event.preventDefault();
    const to = toSelect.value as CaseStatus | "";
    const text = reason.value.trim();
    setFieldError(toSelect, to ? null : both("変更後の状態を選んでください", "Choose the new status"));
    setFieldError(
      reason,
      to && needsReason(to) && !text ? both("理由を入力してください", "Enter the reason") : null,
    );
    const invalid = change.querySelector<HTMLElement>("[aria-invalid=true]");
    if (invalid) {
      invalid.focus();
      return;
    }
    void run(
      { action: "status", to, ...(text ? { reason: text } : {}) },
      change.querySelector("button[type=submit]") as HTMLButtonElement,
    );
  });

  // Folded away until needed, so the list stays near the filters.
  return h(
    "details",
    { class: "bulk-actions" },
    h(
      "summary",
      { id: "bulk-toggle" },
      bilingual("選択した申請の一括操作", "Bulk actions on the ticked cases"),
    ),
    alert,
    outcome,
    h("div", { class: "bulk-forms" }, assign, change),
  );
}

/** The query of each choice; CP932 refuses characters it cannot hold unless told to write 〓 instead. */
const exportFormats: Record<string, { query: Record<string, string>; label: string }> = {
  "csv-utf-8": { query: { format: "csv", encoding: "utf-8" }, label: "CSV（UTF-8） (CSV, UTF-8)" },
  "csv-cp932": {
    query: { format: "csv", encoding: "cp932" },
    label: "CSV（Shift_JIS / CP932、Excel・基幹系向け） (CSV, CP932)",
  },
  "csv-cp932-replace": {
    query: { format: "csv", encoding: "cp932", onUnrepresentable: "replace" },
    label: "CSV（CP932、表せない文字は〓に置き換え） (CP932, unwritable characters as 〓)",
  },
  xlsx: { query: { format: "xlsx" }, label: "Excel（XLSX）" },
};

/** Downloads every case of the current filters (not just this page); the server records who exported. */
function exportForm(view: CasesView, filters: () => URLSearchParams): HTMLElement {
  const alert = h("div", { id: "export-alert", class: "alert", role: "alert" });
  const done = h("p", { id: "export-status", class: "status", role: "status" });
  const format = select(
    "format",
    "csv-utf-8",
    Object.entries(exportFormats).map(([key, f]): [string, string] => [key, f.label]),
  );
  const form = h(
    "form",
    { class: "bulk-form export-form", "aria-labelledby": "export-title", novalidate: true },
    h("h2", { id: "export-title" }, bilingual("絞り込んだ申請を書き出す", "Export the filtered cases")),
    h(
      "p",
      { class: "hint" },
      bilingual(
        "いまの絞り込み条件に当てはまる申請すべてを書き出します。書き出しは監査ログに記録されます。",
        "Every case matching the filters, all pages. Exports are recorded in the audit log.",
      ),
    ),
    alert,
    labelled("export-format", ["形式", "Format"], format),
    h(
      "button",
      { type: "submit", class: "button secondary", id: "export-run" },
      bilingual("書き出す", "Export"),
    ),
    done,
  ) as HTMLFormElement;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void (async () => {
      alert.replaceChildren();
      done.textContent = both("書き出しています…", "Exporting…");
      const chosen = exportFormats[format.value] ?? exportFormats["csv-utf-8"];
      const query = new URLSearchParams(filters());
      query.delete("page");
      for (const [name, value] of Object.entries(chosen?.query ?? {})) {
        query.set(name, value);
      }
      const result = await staffDownload(view, `/cases/export?${query.toString()}`);
      if (!result.ok) {
        done.textContent = "";
        alert.replaceChildren(problemLines(result, "書き出しの権限がありません"));
        return;
      }
      saveFile(result.body.blob, result.body.fileName);
      done.textContent = both(`${result.body.fileName} を保存しました`, "Saved");
    })();
  });
  return form;
}
