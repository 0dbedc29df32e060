import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import { departments, staffAccounts } from "../../../core/identity/schema.ts";
import type { Report } from "../schema.ts";
import {
  applyReportChange,
  changeOneReport,
  type OneReportChange,
  reportProblems,
  type StaffChangeContext,
  UUID,
} from "../staff-changes.ts";

export type AssignReportOptions = OneReportChange & {
  /** The department to route it to; undefined keeps the current one. */
  departmentId?: string;
  /**
   * The member handling it; null clears the assignee, undefined keeps the current one. When the department
   * changes, the current assignee is kept only if they belong to the new department, and cleared otherwise.
   */
  assigneeStaffId?: string | null;
};

/** The department and its sub-departments (課 → 係), from the city's tree. */
export async function departmentSubtree(db: Db, tenantId: string, rootId: string): Promise<Set<string>> {
  const rows = await db
    .select({ id: departments.id, parentId: departments.parentId })
    .from(departments)
    .where(eq(departments.tenantId, tenantId));
  const subtree = new Set<string>([rootId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const row of rows) {
      if (row.parentId && subtree.has(row.parentId) && !subtree.has(row.id)) {
        subtree.add(row.id);
        grew = true;
      }
    }
  }
  return rows.some((row) => row.id === rootId) ? subtree : new Set();
}

/**
 * Routes a report to another department and/or gives it to a member of its department. Moving it to another
 * department clears an assignee who does not belong there. The entry is internal: residents see statuses.
 */
export async function assignReport(o: AssignReportOptions): Promise<Report> {
  return changeOneReport(o, async (tx, report) => {
    return (await assignLocked(tx, o, report)).report;
  });
}

/** The assignment of a report already locked and checked (also used by the bulk update). */
export async function assignLocked(
  tx: Db,
  o: StaffChangeContext & Pick<AssignReportOptions, "departmentId" | "assigneeStaffId">,
  report: Report,
) {
  const departmentId = o.departmentId ?? report.departmentId;
  if (!departmentId || !UUID.test(departmentId)) {
    throw reportProblems.invalid({ ja: "担当部署を選んでください", en: "Choose a department" });
  }
  const subtree = await departmentSubtree(tx, o.tenantId, departmentId);
  if (subtree.size === 0) {
    throw reportProblems.invalid({ ja: "その部署はありません", en: "There is no such department" });
  }
  let assigneeStaffId = o.assigneeStaffId === undefined ? report.assigneeStaffId : o.assigneeStaffId;
  // Handing the report over keeps its assignee only when they work in the new department's subtree.
  const handedOver = departmentId !== report.departmentId && assigneeStaffId === report.assigneeStaffId;
  if (assigneeStaffId) {
    const [member] = UUID.test(assigneeStaffId)
      ? await tx
          .select()
          .from(staffAccounts)
          .where(
            and(
              eq(staffAccounts.id, assigneeStaffId),
              eq(staffAccounts.tenantId, o.tenantId),
              isNull(staffAccounts.disabledAt),
            ),
          )
      : [];
    if (!member?.departmentId || !subtree.has(member.departmentId)) {
      if (!handedOver) {
        throw reportProblems.invalid({
          ja: "担当者はその部署の職員から選んでください",
          en: "Choose an assignee from that department's staff",
        });
      }
      assigneeStaffId = null;
    }
  } else {
    assigneeStaffId = null;
  }
  if (departmentId === report.departmentId && assigneeStaffId === report.assigneeStaffId) {
    throw reportProblems.invalid({ ja: "担当は変わっていません", en: "Nothing changed in the assignment" });
  }
  const before = { departmentId: report.departmentId, assigneeStaffId: report.assigneeStaffId };
  const after = { departmentId, assigneeStaffId };
  return applyReportChange(tx, o, report, {
    set: after,
    entries: [{ kind: "assigned", public: false, data: { from: before, to: after } }],
    action: "reports.report.assign",
    before,
    after,
    event: () => ({ name: "reports.report_assigned", payload: { reportId: report.id, ...after } }),
  });
}
