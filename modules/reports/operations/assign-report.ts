import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import { departments, type StaffRole, staffAccounts } from "../../../core/identity/schema.ts";
import type { Report } from "../schema.ts";
import {
  applyReportChange,
  changeOneReport,
  type OneReportChange,
  reportProblems,
  type StaffChangeContext,
  UUID,
} from "../staff-changes.ts";

/**
 * Which roles may be given reports: those the city's policy lets handle them (`reports.report.handle`), so a
 * read-only member is never made responsible for one. Pages pass `(role) => c.var.policy.can(role, HANDLE)`.
 */
export type MayHandle = (role: StaffRole) => boolean;

export type AssignReportOptions = OneReportChange & {
  mayHandle: MayHandle;
  /** The department to route it to; undefined keeps the current one. */
  departmentId?: string;
  /**
   * The member handling it; null clears the assignee, undefined keeps the current one. When the department
   * changes, the current assignee is kept only if they belong to the new department, and cleared otherwise.
   */
  assigneeStaffId?: string | null;
};

/** The department and its sub-departments (課 → 係), from the city's tree; empty for an unknown one. */
function subtreeIn(rows: readonly { id: string; parentId: string | null }[], rootId: string): Set<string> {
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

/** A member who may be given reports: active, of this city, in a role that may handle them. */
export type AssignableMember = { id: string; departmentId: string | null };

/**
 * What assigning reads, loaded once and remembered: the department tree and the members asked about. A
 * bulk change passes one to every report's assignment, so a batch reads them once, not per report.
 */
export type AssignLookups = {
  subtree(departmentId: string): Promise<Set<string>>;
  member(staffId: string): Promise<AssignableMember | null>;
};

export function assignLookups(tx: Db, tenantId: string, mayHandle: MayHandle): AssignLookups {
  let tree: Promise<{ id: string; parentId: string | null }[]> | null = null;
  const members = new Map<string, Promise<AssignableMember | null>>();
  const loadMember = async (staffId: string) => {
    const [member] = UUID.test(staffId)
      ? await tx
          .select({
            id: staffAccounts.id,
            departmentId: staffAccounts.departmentId,
            role: staffAccounts.role,
          })
          .from(staffAccounts)
          .where(
            and(
              eq(staffAccounts.id, staffId),
              eq(staffAccounts.tenantId, tenantId),
              isNull(staffAccounts.disabledAt),
            ),
          )
      : [];
    return member && mayHandle(member.role) ? { id: member.id, departmentId: member.departmentId } : null;
  };
  return {
    async subtree(departmentId) {
      tree ??= tx
        .select({ id: departments.id, parentId: departments.parentId })
        .from(departments)
        .where(eq(departments.tenantId, tenantId));
      return subtreeIn(await tree, departmentId);
    },
    member(staffId) {
      const known = members.get(staffId) ?? loadMember(staffId);
      members.set(staffId, known);
      return known;
    },
  };
}

/**
 * Routes a report to another department and/or gives it to a member of its department. Moving it to another
 * department clears an assignee who does not belong there. The entry is internal: residents see statuses.
 */
export async function assignReport(o: AssignReportOptions): Promise<Report> {
  return changeOneReport(o, async (tx, report) => {
    return (await assignLocked(tx, o, report, assignLookups(tx, o.tenantId, o.mayHandle))).report;
  });
}

/**
 * The assignment of a report already locked and checked: the one code path for single and bulk changes, so
 * both write the same entry, audit record and event.
 */
export async function assignLocked(
  tx: Db,
  o: StaffChangeContext & Pick<AssignReportOptions, "departmentId" | "assigneeStaffId">,
  report: Report,
  lookups: AssignLookups,
) {
  const departmentId = o.departmentId ?? report.departmentId;
  if (!departmentId || !UUID.test(departmentId)) {
    throw reportProblems.invalid({ ja: "担当部署を選んでください", en: "Choose a department" });
  }
  const subtree = await lookups.subtree(departmentId);
  if (subtree.size === 0) {
    throw reportProblems.invalid({ ja: "その部署はありません", en: "There is no such department" });
  }
  let assigneeStaffId = o.assigneeStaffId === undefined ? report.assigneeStaffId : o.assigneeStaffId;
  // Handing the report over keeps its assignee only when they work in the new department's subtree.
  const handedOver = departmentId !== report.departmentId && assigneeStaffId === report.assigneeStaffId;
  if (assigneeStaffId) {
    const member = await lookups.member(assigneeStaffId);
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
