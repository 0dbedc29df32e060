import type { Language } from "../i18n/i18n.ts";
import type { CaseListEntry } from "./operations/find-cases.ts";
import type { CaseDetail } from "./operations/get-case.ts";
import type { Case, CaseEntryRow } from "./schema.ts";
import { allowedTransitions, caseStatusLabels } from "./status.ts";

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** One row of the work queue, as the staff API returns it. */
export function presentCaseListItem(entry: CaseListEntry, lang: Language) {
  const found = entry.case;
  return {
    id: found.id,
    module: found.module,
    subjectType: found.subjectType,
    subjectId: found.subjectId,
    reference: found.reference,
    title: { ja: found.titleJa, en: found.titleEn },
    serviceKey: found.serviceKey,
    departmentId: found.departmentId,
    channel: found.channel,
    status: found.status,
    statusLabel: caseStatusLabels[found.status].staff,
    assignee:
      found.assigneeStaffId && entry.assigneeName
        ? { id: found.assigneeStaffId, displayName: entry.assigneeName }
        : null,
    team:
      found.assigneeTeamId && entry.teamNameJa && entry.teamNameEn
        ? { id: found.assigneeTeamId, name: lang === "ja" ? entry.teamNameJa : entry.teamNameEn }
        : null,
    receivedAt: found.receivedAt.toISOString(),
    dueAt: iso(found.dueAt),
    sla: entry.sla,
    completedAt: iso(found.completedAt),
    updatedAt: found.updatedAt.toISOString(),
  };
}

/** A case with what the detail view needs: reason, next action, rating and the changes staff may make. */
export function presentCaseDetail(detail: Omit<CaseDetail, "entries">, lang: Language) {
  const found: Case = detail.view.case;
  return {
    ...presentCaseListItem(detail.view, lang),
    statusReason: found.statusReason,
    residentStatusLabel: caseStatusLabels[found.status].resident,
    nextAction: found.nextAction ?? null,
    residentId: found.residentId,
    rating: detail.rating
      ? {
          score: detail.rating.score,
          comment: detail.rating.comment,
          at: detail.rating.createdAt.toISOString(),
        }
      : null,
    allowedTransitions: allowedTransitions(found.status, "staff"),
  };
}

/** One line of a case's history for staff. */
export function presentCaseEntry(entry: CaseEntryRow & { staffName?: string | null }) {
  return {
    id: String(entry.id),
    kind: entry.kind,
    at: entry.createdAt.toISOString(),
    staff: entry.staffId && entry.staffName ? { id: entry.staffId, displayName: entry.staffName } : null,
    fromStatus: entry.fromStatus,
    toStatus: entry.toStatus,
    body: entry.body,
    visibleToResident: entry.visibleToResident,
    data: entry.data ?? null,
  };
}
