// Small DOM and API helpers for the forms views of the staff console (the same style as main.ts, kept
// apart so the builder does not reach into the console's entry module).

export type Child = Node | string | null | false | undefined;
export type Attributes = Record<string, string | boolean | undefined>;

export type Problem = {
  title?: string;
  title_ja?: string;
  detail?: string;
  errors?: { pointer: string; detail: string; detailJa?: string }[];
};
export type Result<T> =
  | { ok: true; status: number; body: T }
  | { ok: false; status: number; problem: Problem };

/** What the console hands the forms views: who is signed in, and how to go back to the sign-in form. */
export type FormsContext = {
  main: HTMLElement;
  me: { role: string; csrfToken: string; displayName: string };
  signedOut: () => void;
};

export function h(tag: string, attrs: Attributes = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== false && value !== undefined) {
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

/** replaceChildren that skips the absent parts (null, false) of a conditional layout. */
export function replace(element: HTMLElement, ...children: Child[]): void {
  element.replaceChildren(...children.filter((c): c is Node | string => Boolean(c)));
}

/** Japanese with an English subtitle, the English marked as such for screen readers. */
export function bilingual(ja: string, en: string | undefined): HTMLElement {
  return h("span", {}, ja, en ? " " : null, en ? h("span", { class: "en", lang: "en" }, en) : null);
}

/** A message in both languages on one line, for text-only places (status lines, titles). */
export function both(ja: string, en: string): string {
  return `${ja} (${en})`;
}

export function formatDate(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString("ja-JP", { dateStyle: "medium", timeStyle: "short" }) : "—";
}

export function yen(amount: number | null | undefined): string {
  return amount === null || amount === undefined ? "—" : `${amount.toLocaleString("ja-JP")}円`;
}

/** Calls /staff/api/forms…; a 401 sends the member back to sign in. */
export async function formsApi<T>(
  context: FormsContext,
  method: string,
  path: string,
  body?: unknown,
): Promise<Result<T>> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) {
    headers["content-type"] = "application/json";
  }
  if (method !== "GET") {
    headers["x-csrf-token"] = context.me.csrfToken;
  }
  let response: Response;
  try {
    response = await fetch(`/staff/api/forms${path}`, {
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
  if (response.status === 401) {
    // The session ended: the sign-in form replaces this view, and nothing more may be drawn over it.
    context.signedOut();
    return new Promise<never>(() => {});
  }
  if (response.status === 204) {
    return { ok: true, status: 204, body: undefined as T };
  }
  const json: unknown = await response.json().catch(() => ({}));
  return response.ok
    ? { ok: true, status: response.status, body: json as T }
    : { ok: false, status: response.status, problem: json as Problem };
}

/** The problem of a failed call as one bilingual line, with a friendlier word for missing permissions. */
export function problemText(result: { status: number; problem: Problem }, forbidden?: string): HTMLElement {
  if (result.status === 403 && forbidden) {
    return bilingual(forbidden, result.problem.title ?? "Not allowed");
  }
  return bilingual(
    result.problem.title_ja ?? "処理できませんでした",
    result.problem.title ?? "Something went wrong",
  );
}

export function table(
  id: string,
  caption: HTMLElement,
  headings: [string, string][],
  rows: Child[][],
): HTMLElement {
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

export function button(
  label: HTMLElement | string,
  onClick: () => void,
  attrs: Attributes = {},
): HTMLButtonElement {
  const element = h("button", { type: "button", class: "button secondary", ...attrs }, label);
  element.addEventListener("click", onClick);
  return element as HTMLButtonElement;
}

/** A same-page link that the console handles itself (no reload). */
export function link(href: string, label: Child, navigate: (path: string) => void, attrs: Attributes = {}) {
  const element = h("a", { href, ...attrs }, label);
  element.addEventListener("click", (event) => {
    if (event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    navigate(href);
  });
  return element;
}

export const formStatusNames: Record<string, [string, string]> = {
  draft: ["下書き", "Draft"],
  published: ["公開中", "Published"],
  unpublished: ["公開停止", "Unpublished"],
};

export function statusBadge(status: string): HTMLElement {
  const [ja, en] = formStatusNames[status] ?? [status, status];
  return h("span", { class: `badge status-${status}` }, bilingual(ja, en));
}
