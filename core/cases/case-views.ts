import { eq } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "../db/database.ts";
import { departments, staffAccounts } from "../identity/schema.ts";
import { type Case, cases } from "./schema.ts";

const assignee = alias(staffAccounts, "assignee");
const team = alias(departments, "team");
const department = alias(departments, "department");

/** A case with the names the queue shows beside it: the assigned member and team, and the department. */
export type CaseView = {
  case: Case;
  assigneeName: string | null;
  teamNameJa: string | null;
  teamNameEn: string | null;
  departmentNameJa: string | null;
  departmentNameEn: string | null;
};

/** Cases joined to their assignee, team and department; the caller adds the WHERE (always with the tenant). */
export function selectCaseViews(db: Db) {
  return db
    .select({
      case: cases,
      assigneeName: assignee.displayName,
      teamNameJa: team.nameJa,
      teamNameEn: team.nameEn,
      departmentNameJa: department.nameJa,
      departmentNameEn: department.nameEn,
    })
    .from(cases)
    .leftJoin(assignee, eq(assignee.id, cases.assigneeStaffId))
    .leftJoin(team, eq(team.id, cases.assigneeTeamId))
    .leftJoin(department, eq(department.id, cases.departmentId));
}
