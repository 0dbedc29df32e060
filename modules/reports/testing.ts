import { and, eq, isNotNull } from "drizzle-orm";
import type { Db } from "../../core/db/database.ts";
import { corePermissions, createPolicy } from "../../core/identity/policy.ts";
import { reportsModule } from "./module.ts";
import type { MayHandle } from "./operations/assign-report.ts";
import { type SubmitReportOptions, submitReport } from "./operations/submit-report.ts";
import { type Report, reportCategories, reportFollowers, reportStatuses } from "./schema.ts";
import type { StaffChangeContext } from "./staff-changes.ts";

/** Test fixture: the least a city needs to take reports, an initial status and one category. */
export async function addReportBasics(
  db: Db,
  tenantId: string,
  category: { code: string; nameJa: string; nameEn: string },
): Promise<void> {
  await db.insert(reportStatuses).values({
    tenantId,
    key: "received",
    labelJa: "受付",
    labelEn: "Received",
    category: "open",
    stage: "received",
    isInitial: true,
  });
  await db.insert(reportCategories).values({ tenantId, ...category });
}

/** The policy the app builds, so assignees are judged by the manifests' roles. */
const policy = createPolicy([...corePermissions, ...(reportsModule.permissions ?? [])]);

/** Test fixture: a member's change context, with the scope of their departments (or the whole city). */
export function memberContext(o: {
  db: Db;
  tenantId: string;
  staffId: string;
  departmentIds: string[] | "all";
}): StaffChangeContext & { mayHandle: MayHandle } {
  return {
    db: o.db,
    mayHandle: (role) => policy.can(role, "reports.report.handle"),
    tenantId: o.tenantId,
    actor: { type: "staff", id: o.staffId },
    scope:
      o.departmentIds === "all"
        ? { all: true }
        : { all: false, departmentIds: o.departmentIds, serviceIds: [] },
  };
}

/**
 * Test fixture: a report filed by a guest on the web (the given options win), or an error naming its problems.
 * `confirmEmail` takes the reporter's address as confirmed, so updates reach it without the confirmation mail
 * (public-confirm-follower.test.ts covers confirming).
 */
export async function fileTestReport(
  o: Pick<SubmitReportOptions, "services" | "tenantId" | "categoryCode" | "point"> &
    Partial<SubmitReportOptions> & { confirmEmail?: boolean },
): Promise<Report> {
  const { confirmEmail, ...options } = o;
  const result = await submitReport({
    actor: { type: "guest", id: null },
    description: `${o.categoryCode} のテスト通報`,
    channel: "web",
    ...options,
  });
  if (!result.ok) {
    throw new Error(JSON.stringify(result.problems));
  }
  if (confirmEmail) {
    await o.services.database.db
      .update(reportFollowers)
      .set({ confirmedAt: new Date() })
      .where(and(eq(reportFollowers.reportId, result.report.id), isNotNull(reportFollowers.email)));
  }
  return result.report;
}
