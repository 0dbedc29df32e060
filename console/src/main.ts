// The staff console: a small client of /staff/api. No framework; every view is built with `h` below.
// The CSP allows no inline styles, so nothing here sets `style`: all looks come from console.css.
import { canReadCases, isCasesPath, renderCasesView } from "./cases-view.ts";
import { isFormsPath, renderFormsView } from "./forms-builder.ts";

type Me = {
  id: string;
  email: string;
  displayName: string;
  role: string;
  /** The verbs the role grants, as the server's policy says (the server still checks every request). */
  permissions: string[];
  csrfToken: string;
  /** Pages the modules serve themselves (counter day views, queues…): plain links, not console views. */
  pages: { href: string; label: { ja: string; en: string } }[];
};
type Problem = {
  title?: string;
  title_ja?: string;
  errors?: { pointer: string; detail: string; detailJa?: string }[];
};
type Service = {
  id: string;
  slug: string;
  name: { ja: string; en: string };
  status: string;
  publishedAt: string | null;
};
type Job = {
  id: number;
  name: string;
  status: string;
  attempts: number;
  maxAttempts: number;
  createdAt: string;
};
type AuditEntry = {
  id: number;
  occurredAt: string;
  actorType: string;
  actorId: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  after: unknown;
};
type StaffMember = { id: string; email: string; displayName: string };
type Result<T> = { ok: true; status: number; body: T } | { ok: false; status: number; problem: Problem };
type Child = Node | string | null | false | undefined;

const roleNames: Record<string, string> = {
  system_admin: "システム管理者 (System administrator)",
  department_manager: "所属長 (Department manager)",
  staff: "職員 (Staff)",
  read_only: "閲覧のみ (Read only)",
  operator: "委託事業者 (Operator)",
};
const statusNames: Record<string, string> = {
  draft: "下書き",
  published: "公開中",
  archived: "公開終了",
  queued: "待機中",
  running: "実行中",
  succeeded: "完了",
  failed: "失敗",
  dead: "停止",
};

const main = document.querySelector("main") as HTMLElement;
const account = document.querySelector("#account") as HTMLElement;
const nav = document.querySelector("#nav") as HTMLElement;
let me: Me | null = null;

function h(tag: string, attrs: Record<string, string | boolean> = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== false) {
      element.setAttribute(name, value === true ? "" : value);
    }
  }
  for (const child of children) {
    if (child) {
      element.append(child);
    }
  }
  return element;
}

/** Japanese with an English subtitle, the English marked as such for screen readers. */
function bilingual(ja: string, en: string | undefined): HTMLElement {
  return h("span", {}, ja, en ? " " : null, en ? h("span", { class: "en", lang: "en" }, en) : null);
}

async function api<T>(method: string, path: string, body?: unknown): Promise<Result<T>> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) {
    headers["content-type"] = "application/json";
  }
  if (method !== "GET" && me) {
    headers["x-csrf-token"] = me.csrfToken;
  }
  let response: Response;
  try {
    response = await fetch(`/staff/api${path}`, {
      method,
      headers,
      credentials: "same-origin",
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    return {
      ok: false,
      status: 0,
      problem: { title_ja: "サーバーに接続できません", title: "Cannot reach the server" },
    };
  }
  if (response.status === 204) {
    return { ok: true, status: 204, body: undefined as T };
  }
  if (response.status === 401 && path !== "/session") {
    me = null; // The session ended (expired or signed out elsewhere): back to the sign-in form.
  }
  const json: unknown = await response.json().catch(() => ({}));
  return response.ok
    ? { ok: true, status: response.status, body: json as T }
    : { ok: false, status: response.status, problem: json as Problem };
}

function show(...children: Child[]): void {
  main.replaceChildren(...children.filter((c): c is Node | string => Boolean(c)));
}

function focusHeading(): void {
  main.querySelector<HTMLElement>("h1")?.focus();
}

// ── Sign-in ──────────────────────────────────────────────────────────────────────────────────────

function field(
  id: string,
  label: string,
  en: string,
  type: string,
  autocomplete: string,
  extra: Record<string, string | boolean> = { required: true, "aria-required": "true" },
): HTMLElement {
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, bilingual(label, en)),
    h("p", { id: `${id}-error`, class: "field-error", hidden: true }),
    h("input", { id, name: id, type, autocomplete, ...extra }),
  );
}

function renderSignIn(): void {
  me = null;
  document.title = "サインイン | 職員用画面 | てのひら市役所";
  account.replaceChildren();
  nav.replaceChildren();
  nav.hidden = true;
  const alert = h("div", { id: "form-error", class: "alert", role: "alert" });
  const button = h("button", { type: "submit", class: "button" }, bilingual("サインイン", "Sign in"));
  const form = h(
    "form",
    { class: "sign-in", novalidate: true, "aria-labelledby": "sign-in-heading" },
    alert,
    field("email", "メールアドレス", "Email", "email", "username"),
    field("password", "パスワード", "Password", "password", "current-password"),
    // Always offered: the server answers a missing code like a wrong password, so it cannot ask for one.
    field(
      "totp",
      "確認コード（設定している人のみ）",
      "Authenticator code, only if you set one up",
      "text",
      "one-time-code",
      { inputmode: "numeric", maxlength: "6", pattern: "[0-9]*" },
    ),
    button,
  ) as HTMLFormElement;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void signIn(form, alert, button as HTMLButtonElement);
  });
  const sso = h("div", { class: "sso" });
  show(
    h("h1", { id: "sign-in-heading", tabindex: "-1" }, bilingual("職員サインイン", "Staff sign-in")),
    form,
    sso,
  );
  void offerSso(sso);
}

/** Adds the single sign-on link when the city has a staff identity provider turned on. */
async function offerSso(slot: HTMLElement): Promise<void> {
  const result = await api<{ enabled: boolean }>("GET", "/sso");
  if (!result.ok || !result.body.enabled || !slot.isConnected) {
    return;
  }
  // A plain link: the server redirects to the identity provider and back to /staff/ once signed in.
  slot.replaceChildren(
    h(
      "p",
      {},
      h(
        "a",
        { class: "button secondary", href: "/staff/sso/start" },
        bilingual("シングルサインオン（SSO）でサインイン", "Sign in with SSO"),
      ),
    ),
  );
}

function fieldError(form: HTMLFormElement, name: string, message: string | null): void {
  const input = form.querySelector<HTMLElement>(`#${name}`);
  const error = form.querySelector<HTMLElement>(`#${name}-error`);
  if (!input || !error) {
    return;
  }
  error.textContent = message ?? "";
  error.hidden = !message;
  // A field's hint stays announced whether or not there is an error.
  const hint = form.querySelector(`#${name}-hint`) ? `${name}-hint` : null;
  const describedBy = [message ? `${name}-error` : null, hint].filter(Boolean).join(" ");
  if (message) {
    input.setAttribute("aria-invalid", "true");
  } else {
    input.removeAttribute("aria-invalid");
  }
  if (describedBy) {
    input.setAttribute("aria-describedby", describedBy);
  } else {
    input.removeAttribute("aria-describedby");
  }
}

async function signIn(form: HTMLFormElement, alert: HTMLElement, button: HTMLButtonElement): Promise<void> {
  const data = new FormData(form);
  const email = String(data.get("email") ?? "").trim();
  const password = String(data.get("password") ?? "");
  const totp = String(data.get("totp") ?? "").trim();
  const missing: Record<string, string | null> = {
    email: email ? null : "メールアドレスを入力してください (Enter your email)",
    password: password ? null : "パスワードを入力してください (Enter your password)",
  };
  for (const [name, message] of Object.entries(missing)) {
    fieldError(form, name, message);
  }
  const firstMissing = Object.keys(missing).find((name) => missing[name]);
  if (firstMissing) {
    alert.replaceChildren(bilingual("入力内容を確認してください", "Please check the form"));
    form.querySelector<HTMLElement>(`#${firstMissing}`)?.focus();
    return;
  }
  button.disabled = true;
  const result = await api<Me>("POST", "/session", { email, password, ...(totp ? { totp } : {}) });
  button.disabled = false;
  if (result.ok) {
    me = result.body;
    await renderDashboard("services");
    focusHeading();
    return;
  }
  const { problem } = result;
  alert.replaceChildren(
    bilingual(problem.title_ja ?? "サインインできませんでした", problem.title ?? "Sign-in failed"),
  );
  const byField = new Map((problem.errors ?? []).map((e) => [e.pointer.replace(/^\//, ""), e]));
  for (const name of ["email", "password"]) {
    const error = byField.get(name);
    fieldError(form, name, error ? `${error.detailJa ?? error.detail} (${error.detail})` : null);
  }
  if (result.status === 401) {
    // The message concerns both fields: tie it to them and start again from the email.
    for (const name of ["email", "password"]) {
      const input = form.querySelector<HTMLInputElement>(`#${name}`);
      input?.setAttribute("aria-invalid", "true");
      input?.setAttribute("aria-describedby", "form-error");
    }
  }
  form.querySelector<HTMLInputElement>("[aria-invalid=true]")?.focus();
}

// ── Dashboard ────────────────────────────────────────────────────────────────────────────────────

type View = "services" | "forms" | "cases" | "jobs" | "audit";
const views: Record<View, { ja: string; en: string }> = {
  services: { ja: "手続き", en: "Services" },
  forms: { ja: "申請フォーム", en: "Forms" },
  cases: { ja: "申請処理", en: "Cases" },
  jobs: { ja: "ジョブ", en: "Jobs" },
  audit: { ja: "監査ログ", en: "Audit log" },
};

function viewFromPath(): View {
  if (isFormsPath(location.pathname)) {
    return "forms";
  }
  if (isCasesPath(location.pathname)) {
    return "cases";
  }
  const last = location.pathname.replace(/\/$/, "").split("/").pop();
  return last === "jobs" || last === "audit" ? last : "services";
}

/** Only system administrators may search the audit log, and roles that read cases see 申請処理. */
function visibleViews(): View[] {
  return (Object.keys(views) as View[]).filter(
    (view) =>
      (view !== "audit" || me?.role === "system_admin") && (view !== "cases" || canReadCases(me?.role ?? "")),
  );
}

function formatDate(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString("ja-JP", { dateStyle: "medium", timeStyle: "short" }) : "—";
}

function table(id: string, caption: HTMLElement, headings: [string, string][], rows: Child[][]): HTMLElement {
  return h(
    "div",
    { class: "table-wrap", role: "region", tabindex: "0", "aria-labelledby": id },
    h(
      "table",
      {},
      h("caption", { id }, caption),
      h(
        "thead",
        {},
        h("tr", {}, ...headings.map(([ja, en]) => h("th", { scope: "col" }, bilingual(ja, en)))),
      ),
      h("tbody", {}, ...rows.map((cells) => h("tr", {}, ...cells.map((cell) => h("td", {}, cell))))),
    ),
  );
}

function problemMessage(result: { status: number; problem: Problem }, forbidden: string): HTMLElement {
  const text =
    result.status === 403
      ? bilingual(forbidden, result.problem.title)
      : bilingual(
          result.problem.title_ja ?? "読み込めませんでした",
          result.problem.title ?? "Could not load",
        );
  return h("p", { class: "notice" }, text);
}

async function servicesPanel(): Promise<Child> {
  const result = await api<{ services: Service[] }>("GET", "/catalog/services");
  if (!result.ok) {
    return problemMessage(result, "手続きを見る権限がありません");
  }
  if (result.body.services.length === 0) {
    return h("p", {}, bilingual("手続きはまだありません", "No services yet"));
  }
  return table(
    "services-caption",
    bilingual(`手続きの一覧（${result.body.services.length}件）`, "All services, drafts included"),
    [
      ["名称", "Name"],
      ["状態", "Status"],
      ["公開日時", "Published"],
    ],
    result.body.services.map((s) => [
      bilingual(s.name.ja, s.name.en),
      statusNames[s.status] ?? s.status,
      formatDate(s.publishedAt),
    ]),
  );
}

async function jobsPanel(): Promise<Child> {
  const result = await api<{ jobs: Job[] }>("GET", "/jobs");
  if (!result.ok) {
    return problemMessage(result, "ジョブを見る権限がありません（所属長またはシステム管理者のみ）");
  }
  if (result.body.jobs.length === 0) {
    return h("p", {}, bilingual("ジョブはありません", "No jobs"));
  }
  return table(
    "jobs-caption",
    bilingual("ジョブの一覧（新しい順）", "Jobs, newest first"),
    [
      ["番号", "ID"],
      ["名前", "Name"],
      ["状態", "Status"],
      ["試行", "Attempts"],
      ["登録日時", "Created"],
    ],
    result.body.jobs.map((j) => [
      String(j.id),
      j.name,
      statusNames[j.status] ?? j.status,
      `${j.attempts} / ${j.maxAttempts}`,
      formatDate(j.createdAt),
    ]),
  );
}

// ── Audit log ────────────────────────────────────────────────────────────────────────────────────

const AUDIT_PAGE = 50;
/** Suggestions for the action filter; any action can be typed. */
const knownActions = [
  "access.denied",
  "staff.sign_in",
  "staff.sign_in_failed",
  "staff.sign_in_throttled",
  "staff.sessions.end",
  "staff.totp.enable",
  "core.staff.access_change",
  "core.staff.grant",
  "core.staff.revoke",
  "resident.read",
  "resident.search",
  "core.audit.search",
  "catalog.service.create",
  "catalog.service.publish",
];

function filterField(id: string, ja: string, en: string, control: HTMLElement, hint?: string): HTMLElement {
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, bilingual(ja, en)),
    hint ? h("p", { id: `${id}-hint`, class: "hint" }, hint) : null,
    h("p", { id: `${id}-error`, class: "field-error", hidden: true }),
    control,
  );
}

/** Dates are picked in Japan time: a day filter covers 00:00 to 24:00 JST. */
function dayBoundary(date: string, end: boolean): string | undefined {
  return date ? `${date}T${end ? "23:59:59.999" : "00:00:00"}+09:00` : undefined;
}

async function auditPanel(): Promise<Child> {
  const staff = await api<{ staff: StaffMember[] }>("GET", "/staff");
  const names = new Map((staff.ok ? staff.body.staff : []).map((m) => [m.id, m.displayName]));
  const actor = h(
    "select",
    { id: "audit-actor", name: "actorId" },
    h("option", { value: "" }, "すべて (Any)"),
    ...[...names].map(([id, name]) => h("option", { value: id }, name)),
  );
  const alert = h("div", { id: "audit-form-error", class: "alert", role: "alert" });
  const status = h("p", { id: "audit-status", role: "status", class: "status" });
  const results = h("div", { id: "audit-results" });
  const form = h(
    "form",
    {
      class: "filters",
      role: "search",
      "aria-label": "監査ログの検索 (Search the audit log)",
      novalidate: true,
    },
    alert,
    h(
      "div",
      { class: "filter-grid" },
      filterField(
        "audit-action",
        "操作",
        "Action",
        h("input", {
          id: "audit-action",
          name: "action",
          type: "text",
          list: "audit-actions",
          autocomplete: "off",
          "aria-describedby": "audit-action-hint",
        }),
        "例 (e.g.): access.denied, resident.read",
      ),
      h("datalist", { id: "audit-actions" }, ...knownActions.map((a) => h("option", { value: a }))),
      filterField("audit-actor", "実行者", "Actor", actor),
      filterField(
        "audit-resource-type",
        "対象の種類",
        "Resource type",
        h("input", {
          id: "audit-resource-type",
          name: "resourceType",
          type: "text",
          autocomplete: "off",
          "aria-describedby": "audit-resource-type-hint",
        }),
        "例 (e.g.): resident, catalog_service, staff_account",
      ),
      filterField(
        "audit-resource-id",
        "対象のID",
        "Resource ID",
        h("input", { id: "audit-resource-id", name: "resourceId", type: "text", autocomplete: "off" }),
      ),
      filterField(
        "audit-from",
        "開始日",
        "From",
        h("input", { id: "audit-from", name: "from", type: "date" }),
      ),
      filterField("audit-to", "終了日", "To", h("input", { id: "audit-to", name: "to", type: "date" })),
    ),
    h("button", { type: "submit", class: "button", id: "audit-search" }, bilingual("検索", "Search")),
  ) as HTMLFormElement;

  let entries: AuditEntry[] = [];
  let query = new URLSearchParams();

  const inputIds: Record<string, string> = {
    action: "audit-action",
    actorId: "audit-actor",
    resourceType: "audit-resource-type",
    resourceId: "audit-resource-id",
    from: "audit-from",
    to: "audit-to",
  };

  const renderResults = (more: boolean) => {
    if (entries.length === 0) {
      results.replaceChildren(h("p", {}, bilingual("該当する記録はありません", "No matching entries")));
      return;
    }
    const tableElement = table(
      "audit-caption",
      bilingual(`監査ログ（新しい順、${entries.length}件）`, "Audit log, newest first"),
      [
        ["日時", "When"],
        ["操作", "Action"],
        ["実行者", "Actor"],
        ["対象", "Resource"],
        ["内容", "Details"],
      ],
      entries.map((e) => [
        formatDate(e.occurredAt),
        h("code", {}, e.action),
        e.actorId ? (names.get(e.actorId) ?? `${e.actorType} ${e.actorId}`) : e.actorType,
        h(
          "span",
          { class: "resource" },
          e.resourceType,
          e.resourceId ? h("span", { class: "id" }, e.resourceId) : null,
        ),
        e.after === null || e.after === undefined
          ? "—"
          : h("code", { class: "details" }, JSON.stringify(e.after)),
      ]),
    );
    const children: Node[] = [tableElement];
    if (more) {
      const next = h(
        "button",
        { type: "button", class: "button secondary", id: "audit-more" },
        bilingual("さらに表示", "Load more"),
      );
      next.addEventListener("click", () => void search(true));
      children.push(next);
    }
    results.replaceChildren(...children);
  };

  const search = async (more: boolean) => {
    if (!more) {
      const data = new FormData(form);
      query = new URLSearchParams({ limit: String(AUDIT_PAGE) });
      for (const name of ["action", "actorId", "resourceType", "resourceId"]) {
        const value = String(data.get(name) ?? "").trim();
        if (value) {
          query.set(name, value);
        }
      }
      const from = dayBoundary(String(data.get("from") ?? ""), false);
      const to = dayBoundary(String(data.get("to") ?? ""), true);
      if (from) {
        query.set("from", from);
      }
      if (to) {
        query.set("to", to);
      }
      entries = [];
    }
    const page = new URLSearchParams(query);
    const last = entries.at(-1);
    if (more && last) {
      page.set("before", String(last.id));
    }
    for (const id of Object.values(inputIds)) {
      fieldError(form, id, null);
    }
    alert.replaceChildren();
    status.textContent = "検索しています… (Searching…)";
    const result = await api<{ entries: AuditEntry[] }>("GET", `/audit?${page.toString()}`);
    if (!result.ok) {
      status.textContent = "";
      if (result.status === 403) {
        results.replaceChildren(
          problemMessage(result, "監査ログを見る権限がありません（システム管理者のみ）"),
        );
        return;
      }
      alert.replaceChildren(
        bilingual(result.problem.title_ja ?? "検索できませんでした", result.problem.title ?? "Search failed"),
      );
      for (const error of result.problem.errors ?? []) {
        const id = inputIds[error.pointer.replace(/^\//, "")];
        if (id) {
          fieldError(form, id, `${error.detailJa ?? error.detail} (${error.detail})`);
        }
      }
      form.querySelector<HTMLElement>("[aria-invalid=true]")?.focus();
      return;
    }
    entries = [...entries, ...result.body.entries];
    status.textContent = `${entries.length}件を表示しています (${entries.length} shown)`;
    renderResults(result.body.entries.length === AUDIT_PAGE);
    if (more) {
      // Keep the keyboard where the new rows are, not at the top of the page.
      results.querySelector<HTMLElement>(".table-wrap")?.focus();
    }
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void search(false);
  });
  await search(false);
  return h("div", { class: "audit" }, form, status, results);
}

async function renderDashboard(view: View, push = true): Promise<void> {
  if (!me) {
    renderSignIn();
    return;
  }
  // The forms and cases tabs always lead to their lists, even from deeper in those views.
  if (push && (viewFromPath() !== view || view === "forms" || view === "cases")) {
    history.pushState(null, "", `/staff/${view}`);
  }
  document.title = `${views[view].ja} | 職員用画面 | てのひら市役所`;
  const signOut = h(
    "button",
    { type: "button", class: "button secondary" },
    bilingual("サインアウト", "Sign out"),
  );
  signOut.addEventListener("click", () => void signOutNow());
  account.replaceChildren(
    h(
      "p",
      { class: "who" },
      h("span", { class: "who-name" }, `${me.displayName} さん`),
      " ",
      h("span", { class: "who-role" }, roleNames[me.role] ?? me.role),
    ),
    signOut,
  );
  nav.hidden = false;
  nav.replaceChildren(
    h(
      "ul",
      { class: "tabs" },
      ...visibleViews().map((key) => {
        const link = h(
          "a",
          { href: `/staff/${key}`, "aria-current": key === view ? "page" : false },
          bilingual(views[key].ja, views[key].en),
        );
        link.addEventListener("click", (event) => {
          event.preventDefault();
          void renderDashboard(key).then(focusHeading);
        });
        return h("li", {}, link);
      }),
      ...me.pages.map((page) =>
        h("li", {}, h("a", { href: page.href }, bilingual(page.label.ja, page.label.en))),
      ),
    ),
  );
  if (view === "forms") {
    await renderFormsView({ main, me, signedOut: renderSignIn });
    return;
  }
  if (view === "cases") {
    await renderCasesView({ main, me, signedOut: renderSignIn });
    return;
  }
  const panel =
    view === "services" ? await servicesPanel() : view === "jobs" ? await jobsPanel() : await auditPanel();
  if (!me) {
    renderSignIn();
    return;
  }
  show(h("h1", { tabindex: "-1" }, bilingual(views[view].ja, views[view].en)), panel);
}

async function signOutNow(): Promise<void> {
  await api("DELETE", "/session");
  history.pushState(null, "", "/staff/");
  renderSignIn();
  focusHeading();
}

async function start(): Promise<void> {
  const result = await api<Me>("GET", "/me");
  if (result.ok) {
    me = result.body;
    await renderDashboard(viewFromPath(), false);
  } else {
    renderSignIn();
  }
}

window.addEventListener("popstate", () => {
  if (me) {
    void renderDashboard(viewFromPath(), false);
  }
});
void start();
