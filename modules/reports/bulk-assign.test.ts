import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../core/audit/schema.ts";
import { domainEvents } from "../../core/events/schema.ts";
import type { LatLng } from "../../core/geo/geo.ts";
import { departments, staffAccounts } from "../../core/identity/schema.ts";
import { type Tenant, tenants } from "../../core/tenancy/schema.ts";
import { addSecondCity } from "../../core/testing/second-city.ts";
import { createTestPlatform, type TestPlatform } from "../../core/testing/test-platform.ts";
import { assignReport } from "./operations/assign-report.ts";
import { bulkUpdateReports } from "./operations/bulk-update-reports.ts";
import { submitReport } from "./operations/submit-report.ts";
import { type Report, reportEntries, reports } from "./schema.ts";
import { demoPlaces } from "./seeds.ts";
import { addReportBasics, fileTestReport, memberContext } from "./testing.ts";

let platform: TestPlatform;
let tenant: Tenant;
const db = () => platform.services.database.db;
const dept: Record<string, string> = {};
const staffId: Record<string, string> = {};
let admin: Record<string, string>;
let doro: Record<string, string>;
const DORO = "doro@tenohira.localhost";
const KANKYO = "kankyo@tenohira.localhost";
/** A second member of 道路河川課, added here: the demo has one. */
const DORO2 = "doro2@tenohira.localhost";
const VIEWER = "viewer@tenohira.localhost";
let otherTenant: Tenant;
let otherStaffId: string;
let otherReport: Report;

function as(email: string, departmentCodes: string[] | "all") {
  return memberContext({
    db: db(),
    tenantId: tenant.id,
    staffId: staffId[email]!,
    departmentIds: departmentCodes === "all" ? "all" : departmentCodes.map((code) => dept[code]!),
  });
}

const file = (categoryCode: string, point: LatLng, description: string): Promise<Report> =>
  fileTestReport({
    services: platform.services,
    tenantId: tenant.id,
    categoryCode,
    point,
    description,
    answerInput: new Map([["danger", ["caution"]]]),
    contact: { email: "bulk@example.jp" },
  });
/** Road damage goes to 道路河川課, dumping outside the river to 環境課. */
const road = (description: string) => file("road-damage", demoPlaces.kitaMachi, description);
const dumping = (description: string) => file("illegal-dumping", demoPlaces.minamiMachi, description);

const reload = async (id: string) => (await db().select().from(reports).where(eq(reports.id, id)))[0]!;
const entriesOf = (id: string) =>
  db().select().from(reportEntries).where(eq(reportEntries.reportId, id)).orderBy(reportEntries.id);
const auditsOf = (id: string) =>
  db()
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, "reports.report.assign"), eq(auditLog.resourceId, id)));
const assignedEvents = async (id: string) =>
  (await db().select().from(domainEvents).where(eq(domainEvents.name, "reports.report_assigned"))).filter(
    (event) => event.payload["reportId"] === id,
  );

function post(path: string, headers: Record<string, string>, fields: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      body.append(name, v);
    }
  }
  return platform.request(`http://localhost${path}`, { method: "POST", headers, body });
}

beforeAll(async () => {
  platform = await createTestPlatform();
  [tenant] = (await db().select().from(tenants).where(eq(tenants.slug, "tenohira"))) as [Tenant];
  for (const row of await db().select().from(departments).where(eq(departments.tenantId, tenant.id))) {
    dept[row.code] = row.id;
  }
  await db().insert(staffAccounts).values({
    tenantId: tenant.id,
    email: DORO2,
    displayName: "道路 二郎",
    role: "staff",
    departmentId: dept["doro-ka"]!,
    passwordHash: "unused",
  });
  for (const row of await db().select().from(staffAccounts).where(eq(staffAccounts.tenantId, tenant.id))) {
    staffId[row.email] = row.id;
  }
  // A second city on the same install, with a member and a report of its own.
  otherTenant = await addSecondCity(db(), {
    slug: "bulk-other",
    municipalityCode: "990046",
    hosts: ["bulk-other.localhost"],
  });
  [{ id: otherStaffId }] = (await db()
    .insert(staffAccounts)
    .values({
      tenantId: otherTenant.id,
      email: "staff@bulk-other.localhost",
      displayName: "よその職員",
      role: "system_admin",
      passwordHash: "unused",
    })
    .returning({ id: staffAccounts.id })) as [{ id: string }];
  await addReportBasics(db(), otherTenant.id, { code: "other-road", nameJa: "道路", nameEn: "Roads" });
  const filed = await submitReport({
    services: platform.services,
    tenantId: otherTenant.id,
    actor: { type: "guest", id: null },
    categoryCode: "other-road",
    point: demoPlaces.kitaMachi,
    description: "よその市の通報",
    channel: "web",
    contact: { email: "other@example.jp" },
  });
  if (!filed.ok) {
    throw new Error(JSON.stringify(filed.problems));
  }
  otherReport = filed.report;
  admin = await platform.signInStaff("admin@tenohira.localhost");
  doro = await platform.signInStaff(DORO);
}, 120_000);
afterAll(() => platform?.close());

describe("bulk assignment to a member", () => {
  it("gives every report of the member's department to them, each with its own entry, version, audit and event", async () => {
    const a = await road("bulk-assign a");
    const b = await road("bulk-assign b");
    const done = await bulkUpdateReports({
      ...as(DORO, ["doro-ka"]),
      reportIds: [a.id, b.id],
      change: { kind: "assign", assigneeStaffId: staffId[DORO]! },
    });
    expect(done.skipped).toEqual([]);
    for (const report of [a, b]) {
      expect(await reload(report.id)).toMatchObject({
        assigneeStaffId: staffId[DORO],
        departmentId: dept["doro-ka"],
        version: report.version + 1,
      });
      expect((await entriesOf(report.id)).at(-1)).toMatchObject({
        kind: "assigned",
        public: false,
        staffId: staffId[DORO],
      });
      expect(await auditsOf(report.id)).toHaveLength(1);
      expect(await assignedEvents(report.id)).toHaveLength(1);
    }
  });

  it("skips, with the reason, reports outside the member's department and changes the rest", async () => {
    const mine = await road("bulk-assign mine");
    const theirs = await dumping("bulk-assign theirs");
    expect(theirs.departmentId).toBe(dept["kankyo-ka"]);
    const done = await bulkUpdateReports({
      ...as("admin@tenohira.localhost", "all"),
      reportIds: [mine.id, theirs.id],
      change: { kind: "assign", assigneeStaffId: staffId[DORO]! },
    });
    expect(done.changed.map((r) => r.id)).toEqual([mine.id]);
    expect(done.skipped).toEqual([
      { reportId: theirs.id, reference: theirs.reference, reason: "assignee_outside_department" },
    ]);
    expect(await reload(theirs.id)).toMatchObject({ assigneeStaffId: null, version: theirs.version });
    expect((await entriesOf(theirs.id)).map((e) => e.kind)).not.toContain("assigned");
    expect((await reload(mine.id)).assigneeStaffId).toBe(staffId[DORO]);
  });

  it("refuses a member the acting staff cannot choose for every report, and an empty choice", async () => {
    const report = await road("bulk-assign hidden member");
    const done = await bulkUpdateReports({
      ...as(DORO, ["doro-ka"]),
      reportIds: [report.id],
      change: { kind: "assign", assigneeStaffId: staffId[KANKYO]! },
    });
    expect(done).toMatchObject({
      changed: [],
      skipped: [{ reportId: report.id, reason: "assignee_unknown" }],
    });
    const unknown = await bulkUpdateReports({
      ...as(DORO, ["doro-ka"]),
      reportIds: [report.id],
      change: { kind: "assign", assigneeStaffId: "00000000-0000-4000-8000-000000000000" },
    });
    expect(unknown.skipped[0]?.reason).toBe("assignee_unknown");
    await expect(
      bulkUpdateReports({
        ...as(DORO, ["doro-ka"]),
        reportIds: [report.id],
        change: { kind: "assign", assigneeStaffId: "" },
      }),
    ).rejects.toMatchObject({ status: 422 });
    expect((await reload(report.id)).version).toBe(report.version);
  });

  it("leaves everything untouched when one report is outside the acting staff's departments", async () => {
    const mine = await road("bulk-assign reach");
    const theirs = await dumping("bulk-assign reach theirs");
    await expect(
      bulkUpdateReports({
        ...as(DORO, ["doro-ka"]),
        reportIds: [mine.id, theirs.id],
        change: { kind: "assign", assigneeStaffId: staffId[DORO]! },
      }),
    ).rejects.toMatchObject({ status: 403 });
    expect(await reload(mine.id)).toMatchObject({ assigneeStaffId: null, version: mine.version });
    expect(await reload(theirs.id)).toMatchObject({ assigneeStaffId: null, version: theirs.version });
  });

  it("assigns and unassigns through the list page, naming the reports the member could not take", async () => {
    const mine = await road("bulk-page mine");
    const theirs = await dumping("bulk-page theirs");
    const list = await (await platform.request("http://localhost/staff/reports", { headers: doro })).text();
    // 道路河川課 sees only its own members as candidates.
    const candidates = /id="f-bulk-assignee"[^>]*>(.*?)<\/select>/s.exec(list)![1]!;
    expect(candidates).toContain(`<option value="${staffId[DORO]}"`);
    expect(candidates).not.toContain(`<option value="${staffId[KANKYO]}"`);
    const assigned = await post("/staff/reports/bulk?q=bulk-page", admin, {
      ids: [mine.id, theirs.id],
      kind: "assignee",
      assignee: staffId[DORO]!,
    });
    expect(assigned.status).toBe(303);
    const location = assigned.headers.get("location")!;
    expect(location).toBe(`/staff/reports?q=bulk-page&changed=1&skipped=0&refused=${theirs.reference}`);
    const notice = await (await platform.request(`http://localhost${location}`, { headers: admin })).text();
    expect(notice).toContain("1件を変更しました。");
    expect(notice).toContain("選んだ担当者が担当できない");
    expect(notice).toContain(theirs.reference);
    expect((await reload(mine.id)).assigneeStaffId).toBe(staffId[DORO]);
    // Unassigning skips the report that has nobody, and clears the other with its own entry.
    const unassigned = await post("/staff/reports/bulk", doro, { ids: [mine.id], kind: "unassign" });
    expect(unassigned.headers.get("location")).toBe("/staff/reports?changed=1&skipped=0");
    expect(await reload(mine.id)).toMatchObject({ assigneeStaffId: null, version: mine.version + 2 });
    expect((await entriesOf(mine.id)).filter((e) => e.kind === "assigned")).toHaveLength(2);
    const again = await post("/staff/reports/bulk", doro, { ids: [mine.id], kind: "unassign" });
    expect(again.headers.get("location")).toBe("/staff/reports?changed=0&skipped=1");
  });

  it("keeps a report assigned since the list was drawn only when the bulk choice is the same member", async () => {
    // Bulk changes carry no versions: each report is locked and judged as it is now, like bulk route/status.
    const report = await road("bulk-assign concurrent");
    await assignReport({ ...as(DORO, ["doro-ka"]), reportId: report.id, assigneeStaffId: staffId[DORO]! });
    const same = await bulkUpdateReports({
      ...as(DORO, ["doro-ka"]),
      reportIds: [report.id],
      change: { kind: "assign", assigneeStaffId: staffId[DORO]! },
    });
    expect(same.skipped).toEqual([{ reportId: report.id, reference: report.reference, reason: "unchanged" }]);
    expect((await reload(report.id)).version).toBe(report.version + 1);
    // Another member of the department is a real change: the report goes to them.
    const other = await bulkUpdateReports({
      ...as(DORO, ["doro-ka"]),
      reportIds: [report.id],
      change: { kind: "assign", assigneeStaffId: staffId[DORO2]! },
    });
    expect(other.skipped).toEqual([]);
    expect(await reload(report.id)).toMatchObject({
      assigneeStaffId: staffId[DORO2],
      version: report.version + 2,
    });
    expect(await auditsOf(report.id)).toHaveLength(2);
  });

  it("gives reports only to members whose role may handle them, in bulk and one by one", async () => {
    // viewer@ (read-only, 市民課) may read reports but not handle them.
    const report = await road("bulk-assign viewer");
    const moved = await assignReport({
      ...as("admin@tenohira.localhost", "all"),
      reportId: report.id,
      departmentId: dept["shimin-ka"]!,
    });
    const done = await bulkUpdateReports({
      ...as("admin@tenohira.localhost", "all"),
      reportIds: [report.id],
      change: { kind: "assign", assigneeStaffId: staffId[VIEWER]! },
    });
    expect(done).toMatchObject({
      changed: [],
      skipped: [{ reportId: report.id, reason: "assignee_unknown" }],
    });
    await expect(
      assignReport({
        ...as("admin@tenohira.localhost", "all"),
        reportId: report.id,
        assigneeStaffId: staffId[VIEWER]!,
      }),
    ).rejects.toMatchObject({ status: 422 });
    expect(await reload(report.id)).toMatchObject({ assigneeStaffId: null, version: moved.version });
    // Neither list offers them, and the bulk choice starts empty so nobody is picked by accident.
    const list = await (await platform.request("http://localhost/staff/reports", { headers: admin })).text();
    const candidates = /id="f-bulk-assignee"[^>]*>(.*?)<\/select>/s.exec(list)![1]!;
    expect(candidates).toMatch(/^<option value="" selected>選んでください<\/option>/);
    expect(candidates.match(/selected/g)).toHaveLength(1);
    expect(candidates).toContain(`<option value="${staffId[DORO]}"`);
    expect(candidates).not.toContain(staffId[VIEWER]);
    const english = await (
      await platform.request("http://localhost/staff/reports?lang=en", { headers: admin })
    ).text();
    expect(english).toContain('<option value="" selected>Choose</option>');
    const page = await (
      await platform.request(`http://localhost/staff/reports/${report.id}`, { headers: admin })
    ).text();
    expect(/id="f-assignee"[^>]*>(.*?)<\/select>/s.exec(page)![1]!).not.toContain(staffId[VIEWER]);
  });

  it("never gives a report to another city's member, nor touches another city's reports", async () => {
    const report = await road("bulk-assign other city");
    const done = await bulkUpdateReports({
      ...as("admin@tenohira.localhost", "all"),
      reportIds: [report.id],
      change: { kind: "assign", assigneeStaffId: otherStaffId },
    });
    expect(done).toMatchObject({
      changed: [],
      skipped: [{ reportId: report.id, reason: "assignee_unknown" }],
    });
    expect(await reload(report.id)).toMatchObject({ assigneeStaffId: null, version: report.version });
    // Another city's report ids are unknown here: the whole batch is refused and nothing changes.
    await expect(
      bulkUpdateReports({
        ...as("admin@tenohira.localhost", "all"),
        reportIds: [report.id, otherReport.id],
        change: { kind: "assign", assigneeStaffId: staffId[DORO]! },
      }),
    ).rejects.toMatchObject({ status: 404 });
    const page = await post("/staff/reports/bulk", admin, {
      ids: [otherReport.id],
      kind: "assignee",
      assignee: staffId[DORO]!,
    });
    expect(page.status).toBe(404);
    expect(await reload(report.id)).toMatchObject({ assigneeStaffId: null, version: report.version });
    expect(await reload(otherReport.id)).toMatchObject({
      assigneeStaffId: null,
      version: otherReport.version,
      tenantId: otherTenant.id,
    });
  });
});
