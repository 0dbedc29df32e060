// What staff do to one case: move it to another status (a reason for 差し戻し and 却下, which the resident
// reads), assign it to a person or team, write an internal memo or a message to the resident. Each form
// reports the server's refusal in Japanese and English, and calls `done` with what changed on success.
import {
  type CasesView,
  labelled,
  needsReason,
  option,
  problemLines,
  setFieldError,
  staffApi,
  staffTargets,
  statusNames,
  transitionNames,
} from "./cases-dom.ts";
import type { Assignees, CaseDetail, CaseStatus } from "./cases-types.ts";
import { bilingual, both, button, h, replace } from "./forms-dom.ts";

/** Called after a change with a line saying what happened; the view redraws and announces it. */
export type Done = (message: string) => Promise<void>;

export function statusSection(view: CasesView, c: CaseDetail, done: Done): HTMLElement | null {
  const targets = c.allowedTransitions.filter((to) => staffTargets.includes(to));
  if (targets.length === 0) {
    return null;
  }
  const alert = h("div", { id: "status-alert", class: "alert", role: "alert" });
  const reasonSlot = h("div", { id: "status-reason-slot" });

  const change = async (to: CaseStatus, reason: string | null, submit: HTMLButtonElement) => {
    alert.replaceChildren();
    submit.disabled = true;
    const result = await staffApi(view, "POST", `/cases/${encodeURIComponent(c.id)}/status`, {
      to,
      // Refused when someone else moved the case meanwhile, instead of overwriting their change.
      expectedStatus: c.status,
      ...(reason ? { reason } : {}),
    });
    submit.disabled = false;
    if (!result.ok) {
      replace(
        alert,
        problemLines(result, "状態を変更する権限がありません"),
        // Refused because the case moved on: the way out is to look at it as it is now.
        result.status === 409
          ? button(bilingual("最新の状態を表示", "Show the case as it is now"), () =>
              view.navigate(`/staff/cases/${c.id}`),
            )
          : null,
      );
      return;
    }
    const [ja, en] = statusNames[to];
    await done(both(`状態を「${ja}」に変更しました`, `Status changed to ${en}`));
  };

  const askReason = (to: CaseStatus) => {
    const [verbJa, verbEn] = transitionNames[to] ?? statusNames[to];
    const reason = h("textarea", { name: "reason", rows: "3", maxlength: "2000" }) as HTMLTextAreaElement;
    const form = h(
      "form",
      { class: "case-form reason-form", "aria-labelledby": "status-reason-title", novalidate: true },
      h(
        "h3",
        { id: "status-reason-title" },
        bilingual(`「${statusNames[to][0]}」の理由`, `Reason: ${statusNames[to][1]}`),
      ),
      labelled("status-reason", ["理由（住民に通知されます）", "Reason, sent to the resident"], reason, {
        required: true,
        hint:
          to === "returned"
            ? ["直してほしい箇所を具体的に書いてください", "Say what the resident should correct"]
            : ["却下の理由を書いてください", "Say why the application is rejected"],
      }),
      h(
        "div",
        { class: "actions" },
        h(
          "button",
          { type: "submit", class: "button", id: "status-reason-submit" },
          bilingual(verbJa, verbEn),
        ),
        button(bilingual("やめる", "Cancel"), () => {
          reasonSlot.replaceChildren();
          document.getElementById(`status-to-${to}`)?.focus();
        }),
      ),
    ) as HTMLFormElement;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = reason.value.trim();
      setFieldError(reason, text ? null : both("理由を入力してください", "Enter the reason"));
      if (!text) {
        reason.focus();
        return;
      }
      void change(to, text, form.querySelector("button[type=submit]") as HTMLButtonElement);
    });
    reasonSlot.replaceChildren(form);
    reason.focus();
  };

  const buttons = targets.map((to) => {
    const [ja, en] = transitionNames[to] ?? statusNames[to];
    const element: HTMLButtonElement = button(
      bilingual(ja, en),
      () => (needsReason(to) ? askReason(to) : void change(to, null, element)),
      {
        id: `status-to-${to}`,
        class:
          to === "rejected" ? "button secondary danger" : to === "completed" ? "button" : "button secondary",
      },
    );
    return element;
  });
  return h(
    "section",
    { class: "case-section", "aria-labelledby": "status-title" },
    h("h2", { id: "status-title" }, bilingual("状態の変更", "Change the status")),
    alert,
    h("div", { class: "actions" }, ...buttons),
    reasonSlot,
  );
}

export function assignmentSection(
  view: CasesView,
  c: CaseDetail,
  assignees: Assignees,
  done: Done,
): HTMLElement {
  const alert = h("div", { id: "assign-alert", class: "alert", role: "alert" });
  const people = new Map(assignees.staff.map((s) => [s.id, s.displayName]));
  // The current assignee stays choosable even when no longer in the list (moved elsewhere).
  if (c.assignee && !people.has(c.assignee.id)) {
    people.set(c.assignee.id, c.assignee.displayName);
  }
  const teams = new Map(assignees.teams.map((t) => [t.id, t.name]));
  if (c.team && !teams.has(c.team.id)) {
    teams.set(c.team.id, c.team.name);
  }
  const person = h(
    "select",
    { name: "staffId" },
    option("", "（担当者なし） (No one)", !c.assignee),
    ...[...people].map(([id, name]) =>
      option(id, id === view.me.id ? `${name}（自分） (Me)` : name, c.assignee?.id === id),
    ),
  ) as HTMLSelectElement;
  const team = h(
    "select",
    { name: "teamId" },
    option("", "（チームなし） (No team)", !c.team),
    ...[...teams].map(([id, name]) => option(id, name, c.team?.id === id)),
  ) as HTMLSelectElement;

  const save = async (
    staffId: string | null,
    teamId: string | null | undefined,
    submit: HTMLButtonElement,
  ) => {
    alert.replaceChildren();
    submit.disabled = true;
    const result = await staffApi(view, "POST", `/cases/${encodeURIComponent(c.id)}/assignment`, {
      staffId,
      teamId,
    });
    submit.disabled = false;
    if (!result.ok) {
      alert.replaceChildren(problemLines(result, "担当を変更する権限がありません"));
      return;
    }
    const who = [staffId ? people.get(staffId) : null, teamId ? teams.get(teamId) : null]
      .filter(Boolean)
      .join("・");
    await done(
      who ? both(`担当を「${who}」にしました`, `Assigned to ${who}`) : both("担当を外しました", "Unassigned"),
    );
  };

  const form = h(
    "form",
    { class: "case-form", "aria-labelledby": "assign-title", novalidate: true },
    h("h2", { id: "assign-title" }, bilingual("担当", "Assignment")),
    alert,
    h(
      "div",
      { class: "pair" },
      labelled("assign-staff", ["担当者", "Person"], person),
      labelled("assign-team", ["担当チーム", "Team"], team),
    ),
    h(
      "div",
      { class: "actions" },
      h(
        "button",
        { type: "submit", class: "button secondary", id: "assign-save" },
        bilingual("担当を保存", "Save"),
      ),
    ),
  ) as HTMLFormElement;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void save(
      person.value || null,
      team.value || null,
      form.querySelector("button[type=submit]") as HTMLButtonElement,
    );
  });
  if (c.assignee?.id !== view.me.id) {
    const mine: HTMLButtonElement = button(
      bilingual("自分に割り当てる", "Assign to me"),
      () => {
        people.set(view.me.id, people.get(view.me.id) ?? view.me.displayName);
        // The team stays as it is.
        void save(view.me.id, undefined, mine);
      },
      { id: "assign-me" },
    );
    form.querySelector(".actions")?.prepend(mine);
  }
  return h("section", { class: "case-section" }, form);
}

/** A text the member writes and sends: an internal memo, or a message the resident is notified of. */
export function noteForm(view: CasesView, c: CaseDetail, kind: "memo" | "message", done: Done): HTMLElement {
  const texts: Record<"title" | "label" | "submit" | "saved", [string, string]> & { path: string } =
    kind === "memo"
      ? {
          title: ["内部メモ", "Internal memo"],
          label: ["メモ（職員だけが読めます）", "Memo, staff only"],
          submit: ["メモを追加", "Add memo"],
          saved: ["内部メモを追加しました", "Memo added"],
          path: "memos",
        }
      : {
          title: ["住民へのメッセージ", "Message to the resident"],
          label: ["メッセージ（住民に通知されます）", "Message; the resident is notified"],
          submit: ["メッセージを送る", "Send"],
          saved: ["住民にメッセージを送りました", "Message sent"],
          path: "messages",
        };
  const alert = h("div", { id: `${kind}-alert`, class: "alert", role: "alert" });
  const body = h("textarea", { name: "body", rows: "3", maxlength: "4000" }) as HTMLTextAreaElement;
  const form = h(
    "form",
    { class: "case-form", "aria-labelledby": `${kind}-title`, novalidate: true },
    h("h2", { id: `${kind}-title` }, bilingual(...texts.title)),
    alert,
    labelled(`${kind}-body`, texts.label, body, { required: true }),
    h(
      "button",
      { type: "submit", class: "button secondary", id: `${kind}-submit` },
      bilingual(...texts.submit),
    ),
  ) as HTMLFormElement;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = body.value.trim();
    setFieldError(body, text ? null : both("内容を入力してください", "Write something first"));
    if (!text) {
      body.focus();
      return;
    }
    void (async () => {
      alert.replaceChildren();
      const submit = form.querySelector("button[type=submit]") as HTMLButtonElement;
      submit.disabled = true;
      const result = await staffApi(view, "POST", `/cases/${encodeURIComponent(c.id)}/${texts.path}`, {
        body: text,
      });
      submit.disabled = false;
      if (!result.ok) {
        alert.replaceChildren(problemLines(result, "この操作の権限がありません"));
        return;
      }
      await done(both(...texts.saved));
    })();
  });
  return h("section", { class: "case-section" }, form);
}
