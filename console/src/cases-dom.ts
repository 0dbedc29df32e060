// Shared pieces of the 申請処理 (cases) views: the API client for /staff/api, the names of statuses,
// channels and deadlines in both languages, and who may do what (the server decides; the console only
// leaves out controls a role can never use).

import type { CaseChannel, CaseStatus, Sla } from "./cases-types.ts";
import { type Attributes, bilingual, both, h, type Problem, type Result } from "./forms-dom.ts";

/** What the console hands the cases views: who is signed in, and how to go back to the sign-in form. */
export type CasesContext = {
  main: HTMLElement;
  me: { id: string; role: string; permissions: string[]; csrfToken: string; displayName: string };
  signedOut: () => void;
};

/** The console's context plus in-app navigation (pushState, render, focus the heading). */
export type CasesView = CasesContext & { navigate: (path: string) => void };

async function send(
  view: CasesContext,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response | null> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) {
    headers["content-type"] = "application/json";
  }
  if (method !== "GET") {
    headers["x-csrf-token"] = view.me.csrfToken;
  }
  try {
    return await fetch(`/staff/api${path}`, {
      method,
      headers,
      credentials: "same-origin",
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    return null;
  }
}

const unreachable: Problem = { title_ja: "サーバーに接続できません", title: "Cannot reach the server" };

/** The session ended: the sign-in form replaces this view, and nothing more may be drawn over it. */
function signedOut<T>(view: CasesContext): Promise<T> {
  view.signedOut();
  return new Promise<never>(() => {});
}

/** Calls /staff/api…; a 401 sends the member back to sign in. */
export async function staffApi<T>(
  view: CasesContext,
  method: string,
  path: string,
  body?: unknown,
): Promise<Result<T>> {
  const response = await send(view, method, path, body);
  if (!response) {
    return { ok: false, status: 0, problem: unreachable };
  }
  if (response.status === 401) {
    return signedOut(view);
  }
  if (response.status === 204) {
    return { ok: true, status: 204, body: undefined as T };
  }
  const json: unknown = await response.json().catch(() => ({}));
  return response.ok
    ? { ok: true, status: response.status, body: json as T }
    : { ok: false, status: response.status, problem: json as Problem };
}

/** A file from /staff/api (an export), kept in memory so a refusal can be shown instead of saved. */
export async function staffDownload(
  view: CasesContext,
  path: string,
): Promise<Result<{ blob: Blob; fileName: string }>> {
  const response = await send(view, "GET", path);
  if (!response) {
    return { ok: false, status: 0, problem: unreachable };
  }
  if (response.status === 401) {
    return signedOut(view);
  }
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as Problem;
    return { ok: false, status: response.status, problem };
  }
  return {
    ok: true,
    status: response.status,
    body: { blob: await response.blob(), fileName: fileNameOf(response.headers.get("content-disposition")) },
  };
}

/** The UTF-8 name of RFC 6266 (filename*=UTF-8''…) when given, else the plain one. */
function fileNameOf(disposition: string | null): string {
  const encoded = disposition?.match(/filename\*=UTF-8''([^;]+)/i)?.[1];
  if (encoded) {
    return decodeURIComponent(encoded);
  }
  return disposition?.match(/filename="?([^";]+)"?/i)?.[1] ?? "export";
}

/** Saves a downloaded file through a temporary link, as the browser's own download would. */
export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = h("a", { href: url, download: fileName, hidden: true });
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // Revoked later: the download starts asynchronously and still reads the URL.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A failed call as Japanese and English, with the server's detail and field errors when it gave them. */
export function problemLines(result: { status: number; problem: Problem }, forbidden?: string): HTMLElement {
  const { problem } = result;
  const title =
    result.status === 403 && forbidden
      ? bilingual(forbidden, problem.title ?? "Not allowed")
      : bilingual(problem.title_ja ?? "処理できませんでした", problem.title ?? "Something went wrong");
  const details = (problem.errors ?? []).map((e) =>
    h("li", {}, e.detailJa ? both(e.detailJa, e.detail) : e.detail),
  );
  return h(
    "div",
    {},
    h("p", { class: "problem-title" }, title),
    problem.detail ? h("p", { class: "problem-detail" }, problem.detail) : null,
    details.length > 0 ? h("ul", {}, ...details) : null,
  );
}

export const caseStatuses: CaseStatus[] = [
  "received",
  "in_progress",
  "returned",
  "completed",
  "rejected",
  "withdrawn",
];

export const statusNames: Record<CaseStatus, [string, string]> = {
  received: ["受付", "Received"],
  in_progress: ["処理中", "In progress"],
  returned: ["差し戻し", "Returned"],
  completed: ["完了", "Completed"],
  rejected: ["却下", "Rejected"],
  withdrawn: ["取下げ", "Withdrawn"],
};

/** What the button that moves a case to the status says. */
export const transitionNames: Partial<Record<CaseStatus, [string, string]>> = {
  in_progress: ["処理中にする", "Start processing"],
  completed: ["完了にする", "Complete"],
  returned: ["差し戻す", "Return for correction"],
  rejected: ["却下する", "Reject"],
};

/** Staff may not withdraw (only the resident) nor take a returned case back to 受付 (a resubmission does). */
export const staffTargets: CaseStatus[] = ["in_progress", "returned", "completed", "rejected"];

/** These need a reason the resident will read. */
export const needsReason = (status: CaseStatus): boolean => status === "returned" || status === "rejected";

export const channels: CaseChannel[] = ["web", "line", "counter", "paper", "phone"];

export const channelNames: Record<CaseChannel, [string, string]> = {
  web: ["ウェブ", "Web"],
  line: ["LINE", "LINE"],
  counter: ["窓口", "Counter"],
  paper: ["郵送・紙", "Paper"],
  phone: ["電話", "Phone"],
};

export const slaNames: Record<Sla, [string, string]> = {
  overdue: ["期限超過", "Overdue"],
  due_soon: ["期限間近", "Due soon"],
  on_track: ["期限内", "On track"],
  none: ["期限なし", "No deadline"],
};

export function named<K extends string>(names: Record<K, [string, string]>, key: K): HTMLElement {
  const [ja, en] = names[key] ?? [key, key];
  return bilingual(ja, en);
}

/** Status as text in a badge; the colour only repeats what the words say. */
export function caseStatusBadge(status: CaseStatus): HTMLElement {
  return h("span", { class: `badge case-${status}` }, named(statusNames, status));
}

export function slaBadge(sla: Sla): HTMLElement | null {
  return sla === "overdue" || sla === "due_soon"
    ? h("span", { class: `badge sla-${sla}` }, named(slaNames, sla))
    : null;
}

export function formatDay(iso: string | null | undefined): string {
  return iso
    ? new Date(iso).toLocaleDateString("ja-JP", { dateStyle: "medium", timeZone: "Asia/Tokyo" })
    : "—";
}

/** Whether the member's role grants the verb: controls it never grants are left out. */
export const can = (me: { permissions: readonly string[] }, verb: string): boolean =>
  me.permissions.includes(verb);

/** A label, an optional hint and an error line above a control, tied together for screen readers. */
export function labelled(
  id: string,
  label: [string, string],
  control: HTMLElement,
  options: { hint?: [string, string]; required?: boolean; attrs?: Attributes } = {},
): HTMLElement {
  control.id = id;
  const hintId = `${id}-hint`;
  if (options.hint) {
    control.setAttribute("aria-describedby", hintId);
  }
  if (options.required) {
    control.setAttribute("aria-required", "true");
  }
  return h(
    "div",
    { class: "field", ...options.attrs },
    h(
      "label",
      { for: id },
      bilingual(label[0], label[1]),
      options.required
        ? h("span", { class: "required-mark" }, " 必須", h("span", { lang: "en" }, " Required"))
        : null,
    ),
    options.hint ? h("p", { class: "hint", id: hintId }, bilingual(options.hint[0], options.hint[1])) : null,
    h("p", { class: "field-error", id: `${id}-error`, hidden: true }),
    control,
  );
}

/** Shows (or clears) the error of a control made by `labelled`. */
export function setFieldError(control: HTMLElement, message: string | null): void {
  const error = document.getElementById(`${control.id}-error`);
  if (!error) {
    return;
  }
  error.textContent = message ?? "";
  error.hidden = !message;
  const hint = document.getElementById(`${control.id}-hint`) ? `${control.id}-hint` : null;
  const describedBy = [message ? error.id : null, hint].filter(Boolean).join(" ");
  if (message) {
    control.setAttribute("aria-invalid", "true");
  } else {
    control.removeAttribute("aria-invalid");
  }
  if (describedBy) {
    control.setAttribute("aria-describedby", describedBy);
  } else {
    control.removeAttribute("aria-describedby");
  }
}

export function option(value: string, text: string, selected = false): HTMLElement {
  return h("option", { value, selected }, text);
}

/** The sub-navigation of 申請処理: the queue and the metrics. */
export function casesTabs(current: "queue" | "metrics", navigate: (path: string) => void): HTMLElement {
  const tab = (href: string, ja: string, en: string, here: boolean) => {
    const element = h("a", { href, "aria-current": here ? "page" : false }, bilingual(ja, en));
    element.addEventListener("click", (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey) {
        return;
      }
      event.preventDefault();
      navigate(href);
    });
    return h("li", {}, element);
  };
  return h(
    "nav",
    { class: "form-tabs", "aria-label": "申請処理 (Cases)" },
    h(
      "ul",
      { class: "tabs" },
      tab(lastQueuePath(), "処理待ち一覧", "Work queue", current === "queue"),
      tab("/staff/cases/metrics", "実績と処理期限", "Metrics and deadlines", current === "metrics"),
    ),
  );
}

let queuePath = "/staff/cases";

/** The queue with the filters last used, so "back to the list" returns to the same view. */
export function lastQueuePath(): string {
  return queuePath;
}

export function rememberQueuePath(path: string): void {
  queuePath = path;
}
