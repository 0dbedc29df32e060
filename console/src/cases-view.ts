// 申請処理 in the staff console: one work queue across modules. Routes under /staff/cases:
//   /staff/cases?status=…&q=…&page=…   the queue; the filters live in the address, so a view can be bookmarked
//   /staff/cases/metrics               per-service metrics and the processing deadline (SLA) of each service
//   /staff/cases/{id}                  one case: status, assignment, answers, payment, history, messages
import { renderCase } from "./cases-detail.ts";
import type { CasesContext, CasesView } from "./cases-dom.ts";
import { renderMetrics } from "./cases-metrics.ts";
import { renderQueue } from "./cases-queue.ts";

export function isCasesPath(pathname: string): boolean {
  return /^\/staff\/cases(\/|$)/.test(pathname);
}

/** Roles with cases.case.read: every staff role (an operator sees the services granted to it). */
export function canReadCases(role: string): boolean {
  return ["system_admin", "department_manager", "staff", "read_only", "operator"].includes(role);
}

/** Renders the cases view for the current address into the console's main element. */
export async function renderCasesView(context: CasesContext): Promise<void> {
  const view: CasesView = {
    ...context,
    navigate: (path) => {
      history.pushState(null, "", path);
      void renderCasesView(context).then(() => context.main.querySelector<HTMLElement>("h1")?.focus());
    },
  };
  const [id] = location.pathname.replace(/\/$/, "").split("/").slice(3).map(decodeURIComponent);
  if (!id) {
    await renderQueue(view);
  } else if (id === "metrics") {
    await renderMetrics(view);
  } else {
    await renderCase(view, id);
  }
}
