import { and, desc, eq, sql } from "drizzle-orm";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "../../core/audit/schema.ts";
import { addBusinessDays, endOfTokyoDay, tokyoDate } from "../../core/calendar/business-days.ts";
import { tenantCalendar } from "../../core/cases/sla.ts";
import { publishEvent } from "../../core/events/publish-event.ts";
import { domainEvents } from "../../core/events/schema.ts";
import { coarsen, type LatLng } from "../../core/geo/geo.ts";
import { departments, staffAccounts } from "../../core/identity/schema.ts";
import { notifications } from "../../core/notifications/schema.ts";
import { type Tenant, tenants } from "../../core/tenancy/schema.ts";
import { addCityAdmin, addSecondCity } from "../../core/testing/second-city.ts";
import { createTestPlatform, type TestPlatform } from "../../core/testing/test-platform.ts";
import { addReportNote } from "./operations/add-report-note.ts";
import { assignReport } from "./operations/assign-report.ts";
import { bulkUpdateReports } from "./operations/bulk-update-reports.ts";
import { changeReportStatus } from "./operations/change-report-status.ts";
import { hideReport } from "./operations/hide-report.ts";
import { mergeReports } from "./operations/merge-reports.ts";
import { previewRoutingRules } from "./operations/preview-routing-rules.ts";
import { replyToReport } from "./operations/reply-to-report.ts";
import { parseAreaGeometry } from "./operations/save-report-area.ts";
import { saveRoutingRule } from "./operations/save-routing-rule.ts";
import { submitReport } from "./operations/submit-report.ts";
import {
  type Report,
  reportAreas,
  reportCategories,
  reportEntries,
  reportFollowers,
  reportMapCells,
  reportReplyTemplates,
  reportRoutingRules,
  reports,
} from "./schema.ts";
import { demoPlaces } from "./seeds.ts";
import { addReportBasics, fileTestReport, memberContext } from "./testing.ts";

let platform: TestPlatform;
let tenant: Tenant;
let otherTenant: Tenant;
const db = () => platform.services.database.db;
const dept: Record<string, string> = {};
const staffId: Record<string, string> = {};
let doro: Record<string, string>;
let kankyo: Record<string, string>;
let admin: Record<string, string>;
let manager: Record<string, string>;
let other: Record<string, string>;

/** The change context of a demo member, with the scope their department gives. */
function as(email: string, departmentCodes: string[] | "all") {
  return memberContext({
    db: db(),
    tenantId: tenant.id,
    staffId: staffId[email]!,
    departmentIds: departmentCodes === "all" ? "all" : departmentCodes.map((code) => dept[code]!),
  });
}
const doroCtx = () => as("doro@tenohira.localhost", ["doro-ka"]);
const kankyoCtx = () => as("kankyo@tenohira.localhost", ["kankyo-ka"]);

const file = (
  categoryCode: string,
  point: LatLng = demoPlaces.kitaMachi,
  extra: { email?: string; residentId?: string; description?: string } = {},
): Promise<Report> =>
  fileTestReport({
    services: platform.services,
    tenantId: tenant.id,
    categoryCode,
    point,
    ...(extra.description ? { description: extra.description } : {}),
    answerInput: new Map([["danger", ["caution"]]]),
    ...(extra.email ? { contact: { email: extra.email } } : {}),
    ...(extra.residentId ? { residentId: extra.residentId } : {}),
    confirmEmail: true,
  });

/** A report of the second city, whose setup is one status and one category. */
async function fileIn(city: Tenant, categoryCode: string): Promise<Report> {
  const result = await submitReport({
    services: platform.services,
    tenantId: city.id,
    actor: { type: "guest", id: null },
    categoryCode,
    point: demoPlaces.kitaMachi,
    description: "よその市の通報",
    channel: "web",
    contact: { email: "elsewhere@example.jp" },
  });
  if (!result.ok) {
    throw new Error(JSON.stringify(result.problems));
  }
  return result.report;
}

/** Pins counted in the city's map summary (level 16; every level counts the same pins). */
const cellCount = async () =>
  Number(
    (
      await db()
        .select({ n: sql<string>`coalesce(sum(${reportMapCells.count}), 0)` })
        .from(reportMapCells)
        .where(and(eq(reportMapCells.tenantId, tenant.id), eq(reportMapCells.level, 16)))
    )[0]?.n ?? 0,
  );

const reload = async (id: string) => (await db().select().from(reports).where(eq(reports.id, id)))[0]!;
const entriesOf = (id: string) =>
  db().select().from(reportEntries).where(eq(reportEntries.reportId, id)).orderBy(reportEntries.id);
const lastEvent = async (name: string) =>
  (
    await db()
      .select()
      .from(domainEvents)
      .where(eq(domainEvents.name, name))
      .orderBy(desc(domainEvents.id))
      .limit(1)
  )[0];

function post(path: string, headers: Record<string, string>, fields: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      body.append(name, v);
    }
  }
  return platform.request(`http://localhost${path}`, { method: "POST", headers, body });
}

/** Posts a form that must be refused with `status`; returns the page drawn again, to check what it says. */
async function refusedPage(
  status: number,
  path: string,
  headers: Record<string, string>,
  fields: Record<string, string | string[]>,
): Promise<string> {
  const response = await post(path, headers, fields);
  expect(response.status).toBe(status);
  return response.text();
}

beforeAll(async () => {
  platform = await createTestPlatform();
  [tenant] = (await db().select().from(tenants).where(eq(tenants.slug, "tenohira"))) as [Tenant];
  for (const row of await db().select().from(departments).where(eq(departments.tenantId, tenant.id))) {
    dept[row.code] = row.id;
  }
  for (const row of await db().select().from(staffAccounts).where(eq(staffAccounts.tenantId, tenant.id))) {
    staffId[row.email] = row.id;
  }
  // A second city on the same install, added before the first request so the tenant cache knows it.
  otherTenant = await addSecondCity(db(), {
    slug: "reports-other",
    municipalityCode: "990044",
    hosts: ["other.localhost"],
  });
  await addCityAdmin(db(), otherTenant.id);
  await addReportBasics(db(), otherTenant.id, { code: "other-road", nameJa: "道路", nameEn: "Roads" });
  doro = await platform.signInStaff("doro@tenohira.localhost");
  kankyo = await platform.signInStaff("kankyo@tenohira.localhost");
  admin = await platform.signInStaff("admin@tenohira.localhost");
  manager = await platform.signInStaff("manager@tenohira.localhost");
  other = await platform.signInStaff("admin@other.localhost", { host: "other.localhost" });
}, 120_000);
afterAll(() => platform?.close());

describe("staff operations", () => {
  it("assigns to a member of the department, refuses a stale version (409) and other departments' members", async () => {
    const report = await file("road-damage");
    expect(report.departmentId).toBe(dept["doro-ka"]);
    const assigned = await assignReport({
      ...doroCtx(),
      reportId: report.id,
      expectedVersion: report.version,
      assigneeStaffId: staffId["doro@tenohira.localhost"]!,
    });
    expect(assigned.assigneeStaffId).toBe(staffId["doro@tenohira.localhost"]);
    expect(assigned.version).toBe(report.version + 1);
    expect((await entriesOf(report.id)).at(-1)).toMatchObject({ kind: "assigned", public: false });
    expect((await lastEvent("reports.report_assigned"))?.payload).toMatchObject({ reportId: report.id });
    await expect(
      assignReport({
        ...doroCtx(),
        reportId: report.id,
        expectedVersion: report.version,
        assigneeStaffId: null,
      }),
    ).rejects.toMatchObject({ status: 409 });
    await expect(
      assignReport({
        ...doroCtx(),
        reportId: report.id,
        expectedVersion: assigned.version,
        assigneeStaffId: staffId["kankyo@tenohira.localhost"]!,
      }),
    ).rejects.toMatchObject({ status: 422 });
    // Routing it to 環境課 hands it over: the 道路河川課 assignee is cleared, and 道路河川課 no longer reaches it.
    const moved = await assignReport({ ...doroCtx(), reportId: report.id, departmentId: dept["kankyo-ka"]! });
    expect(moved).toMatchObject({ departmentId: dept["kankyo-ka"], assigneeStaffId: null });
    await expect(addReportNote({ ...doroCtx(), reportId: report.id, body: "x" })).rejects.toMatchObject({
      status: 403,
    });
    const [denied] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "access.denied"), eq(auditLog.resourceId, report.id)));
    expect(denied?.actorId).toBe(staffId["doro@tenohira.localhost"]);
  });

  it("changes the status with a public reply, setting stage, category and closed_at", async () => {
    const report = await file("road-damage");
    const fixed = await changeReportStatus({
      ...doroCtx(),
      reportId: report.id,
      expectedVersion: report.version,
      statusKey: "fixed",
      replyBody: "補修しました",
    });
    expect(fixed).toMatchObject({ statusKey: "fixed", stage: "done", statusCategory: "fixed" });
    expect(fixed.closedAt).toBeInstanceOf(Date);
    expect((await entriesOf(report.id)).at(-1)).toMatchObject({
      kind: "status_changed",
      public: true,
      fromStatus: "received",
      toStatus: "fixed",
      body: "補修しました",
    });
    expect((await lastEvent("reports.report_status_changed"))?.payload).toMatchObject({
      reportId: report.id,
      from: "received",
      to: "fixed",
    });
    const reopened = await changeReportStatus({
      ...doroCtx(),
      reportId: report.id,
      statusKey: "in_progress",
    });
    expect(reopened).toMatchObject({ stage: "in_progress", statusCategory: "open", closedAt: null });
    await expect(
      changeReportStatus({ ...doroCtx(), reportId: report.id, statusKey: "no-such" }),
    ).rejects.toMatchObject({ status: 422 });
  });

  it("replies from a template that moves the status, and keeps notes internal", async () => {
    const report = await file("road-damage");
    const [template] = await db()
      .select()
      .from(reportReplyTemplates)
      .where(
        and(
          eq(reportReplyTemplates.tenantId, tenant.id),
          eq(reportReplyTemplates.statusKey, "investigating"),
        ),
      );
    const replied = await replyToReport({
      ...doroCtx(),
      reportId: report.id,
      body: `${template!.bodyJa}（明日伺います）`,
      templateId: template!.id,
    });
    expect(replied.statusKey).toBe("investigating");
    const moved = await lastEvent("reports.report_status_changed");
    expect(moved?.payload).toMatchObject({
      reportId: report.id,
      from: "received",
      to: "investigating",
      via: "reply",
    });
    expect((await lastEvent("reports.report_replied"))?.payload).toMatchObject({
      reportId: report.id,
      to: "investigating",
    });
    const noted = await addReportNote({ ...doroCtx(), reportId: report.id, body: "現地は交通量が多い" });
    expect(noted.version).toBe(replied.version + 1);
    const kinds = (await entriesOf(report.id)).map((e) => [e.kind, e.public]);
    expect(kinds.slice(-3)).toEqual([
      ["reply", true],
      ["status_changed", true],
      ["note", false],
    ]);
    await expect(replyToReport({ ...doroCtx(), reportId: report.id, body: "   " })).rejects.toMatchObject({
      status: 422,
    });
  });

  it("merges a duplicate: closed as duplicate, followers carried once, both timelines told; refuses bad merges", async () => {
    const target = await file("road-damage", demoPlaces.kitaMachi, { email: "first@example.jp" });
    const duplicate = await file("road-damage", demoPlaces.kitaMachi, { email: "second@example.jp" });
    const cellsBefore = await cellCount();
    // The same address in other capitals is the same follower; the language they chose goes with them, and
    // an address nobody confirmed stays unconfirmed.
    await db()
      .insert(reportFollowers)
      .values([
        { tenantId: tenant.id, reportId: duplicate.id, email: "First@Example.jp", source: "follow" },
        {
          tenantId: tenant.id,
          reportId: duplicate.id,
          email: "english@example.jp",
          source: "follow",
          locale: "en",
        },
      ]);
    const { duplicate: closed } = await mergeReports({
      ...doroCtx(),
      reportId: duplicate.id,
      expectedVersion: duplicate.version,
      into: { reference: target.reference.toLowerCase() },
    });
    expect(closed).toMatchObject({
      statusKey: "duplicate",
      statusCategory: "closed",
      mergedIntoId: target.id,
    });
    // The duplicate leaves the map summary: one pin less in the cells around the place.
    expect(await cellCount()).toBe(cellsBefore - 1);
    const followers = await db()
      .select()
      .from(reportFollowers)
      .where(eq(reportFollowers.reportId, target.id));
    expect(followers.map((f) => [f.email, f.source, f.locale, f.confirmedAt !== null]).sort()).toEqual([
      ["english@example.jp", "merge", "en", false],
      ["first@example.jp", "reporter", "ja", true],
      ["second@example.jp", "merge", "ja", true],
    ]);
    expect((await entriesOf(duplicate.id)).at(-1)).toMatchObject({ kind: "merged", public: true });
    expect((await entriesOf(target.id)).at(-1)).toMatchObject({ kind: "merged_from", public: true });
    expect((await lastEvent("reports.report_merged"))?.payload).toEqual({
      reportId: duplicate.id,
      intoId: target.id,
    });
    // Its status move is announced for webhooks too, marked as part of the merge.
    expect((await lastEvent("reports.report_status_changed"))?.payload).toMatchObject({
      reportId: duplicate.id,
      from: "received",
      to: "duplicate",
      via: "merge",
    });
    // A merged report's status cannot be moved any more.
    await expect(
      changeReportStatus({ ...doroCtx(), reportId: duplicate.id, statusKey: "fixed" }),
    ).rejects.toMatchObject({ status: 422 });
    // A target of another city, named by id, is not found.
    const elsewhere = await fileIn(otherTenant, "other-road");
    await expect(
      mergeReports({ ...doroCtx(), reportId: target.id, into: { id: elsewhere.id } }),
    ).rejects.toMatchObject({ status: 404 });
    const third = await file("road-damage");
    await expect(
      mergeReports({ ...doroCtx(), reportId: third.id, into: { id: third.id } }),
    ).rejects.toMatchObject({
      status: 422,
    });
    await expect(
      mergeReports({ ...doroCtx(), reportId: third.id, into: { id: duplicate.id } }),
    ).rejects.toMatchObject({ status: 422 });
    await expect(
      mergeReports({
        ...doroCtx(),
        reportId: target.id,
        into: { reference: third.reference },
        tenantId: otherTenant.id,
      }),
    ).rejects.toMatchObject({ status: 422 });
  });

  it("bulk updates all or nothing, checking each report against the member's reach", async () => {
    const a = await file("road-damage");
    const b = await file("road-damage");
    const dumping = await file("illegal-dumping", demoPlaces.minamiMachi);
    expect(dumping.departmentId).toBe(dept["kankyo-ka"]);
    await expect(
      bulkUpdateReports({
        ...doroCtx(),
        reportIds: [a.id, b.id, dumping.id],
        change: { kind: "status", statusKey: "in_progress" },
      }),
    ).rejects.toMatchObject({ status: 403 });
    expect((await reload(a.id)).statusKey).toBe("received");
    expect((await reload(b.id)).statusKey).toBe("received");
    const done = await bulkUpdateReports({
      ...doroCtx(),
      reportIds: [a.id, b.id],
      change: { kind: "status", statusKey: "in_progress" },
    });
    expect(done.changed.map((r) => r.statusKey)).toEqual(["in_progress", "in_progress"]);
    await bulkUpdateReports({
      ...kankyoCtx(),
      reportIds: [dumping.id],
      change: { kind: "assign", departmentId: dept["doro-ka"]! },
    });
    expect((await reload(dumping.id)).departmentId).toBe(dept["doro-ka"]);
  });

  it("hides a report from the public map and shows it again", async () => {
    const report = await file("streetlight", demoPlaces.higashiMachi);
    expect(report.publicLat).not.toBeNull();
    const hidden = await hideReport({ ...doroCtx(), reportId: report.id, hidden: true });
    expect(hidden).toMatchObject({ hiddenByStaff: true, publicLat: null, publicTileX: null });
    const shown = await hideReport({ ...doroCtx(), reportId: report.id, hidden: false });
    expect(shown).toMatchObject({ hiddenByStaff: false, publicLat: report.publicLat });
  });
});

describe("routing preview", () => {
  it("a new area rule moves only the reports of that area, the most specific rule still wins, and a stale preview is refused", async () => {
    const [kita] = await db()
      .select()
      .from(reportAreas)
      .where(and(eq(reportAreas.tenantId, tenant.id), eq(reportAreas.code, "kita-machi")));
    const inKita = await file("park", demoPlaces.kitaMachi);
    const elsewhere = await file("park", demoPlaces.minatoMachi);
    const road = await file("road-damage", demoPlaces.kitaMachi);
    const change = {
      kind: "add" as const,
      categoryId: null,
      areaId: kita!.id,
      departmentId: dept["shimin-ka"]!,
    };
    const preview = await previewRoutingRules({ db: db(), tenantId: tenant.id, change });
    const moved = preview.changes.map((row) => row.reference);
    expect(moved).toContain(inKita.reference);
    expect(moved).toContain(road.reference);
    expect(moved).not.toContain(elsewhere.reference);
    expect(preview.changes.every((row) => row.areaId === kita!.id && row.to === dept["shimin-ka"])).toBe(
      true,
    );
    // A category-only rule is more specific than an area-only one: with it, road damage in 北町 stays put.
    const [roadCategory] = await db()
      .select()
      .from(reportCategories)
      .where(and(eq(reportCategories.tenantId, tenant.id), eq(reportCategories.code, "road-damage")));
    const roadRule = {
      kind: "add" as const,
      categoryId: roadCategory!.id,
      areaId: null,
      departmentId: dept["doro-ka"]!,
    };
    const first = await previewRoutingRules({ db: db(), tenantId: tenant.id, change: roadRule });
    await saveRoutingRule({
      db: db(),
      tenantId: tenant.id,
      actor: { type: "staff", id: null },
      change: roadRule,
      previewHash: first.hash,
    });
    await expect(
      saveRoutingRule({
        db: db(),
        tenantId: tenant.id,
        actor: { type: "staff", id: null },
        change,
        previewHash: preview.hash,
      }),
    ).rejects.toMatchObject({ status: 409 });
    const again = await previewRoutingRules({ db: db(), tenantId: tenant.id, change });
    expect(again.hash).not.toBe(preview.hash);
    expect(again.changes.map((row) => row.reference)).not.toContain(road.reference);
    expect(again.changes.map((row) => row.reference)).toContain(inKita.reference);
  });

  it("previews and saves through the setup pages, refusing a save without the current preview", async () => {
    const [kita] = await db()
      .select()
      .from(reportAreas)
      .where(and(eq(reportAreas.tenantId, tenant.id), eq(reportAreas.code, "minato-machi")));
    const query = new URLSearchParams({ category: "", area: kita!.id, department: dept["kankyo-ka"]! });
    const page = await platform.request(`http://localhost/staff/reports/setup/rules/preview?${query}`, {
      headers: admin,
    });
    expect(page.status).toBe(200);
    const text = await page.text();
    const hash = /name="hash" value="([0-9a-f]+)"/.exec(text)![1]!;
    expect(text).toContain("担当部署が変わるのは");
    const refused = await refusedPage(409, "/staff/reports/setup/rules", admin, {
      ...Object.fromEntries(query),
      hash: "0".repeat(32),
    });
    expect(refused).toContain("もう一度確認");
    const saved = await post("/staff/reports/setup/rules", admin, { ...Object.fromEntries(query), hash });
    expect(saved.status).toBe(303);
    expect(
      (await post("/staff/reports/setup/rules", doro, { ...Object.fromEntries(query), hash })).status,
    ).toBe(403);
  });
});

describe("setup", () => {
  it("checks pasted areas: closed rings, numbers, inside Japan", () => {
    const ring = [
      [130.8, 31.4],
      [130.81, 31.4],
      [130.81, 31.41],
      [130.8, 31.4],
    ];
    expect(parseAreaGeometry(JSON.stringify({ type: "Polygon", coordinates: [ring] })).ok).toBe(true);
    expect(
      parseAreaGeometry(
        JSON.stringify({ type: "Polygon", coordinates: [ring.slice(0, 3).concat([[130.8, 31.41]])] }),
      ).ok,
    ).toBe(false);
    expect(
      parseAreaGeometry(JSON.stringify({ type: "Polygon", coordinates: [ring.map(([x, y]) => [y, x])] })),
    ).toMatchObject({ ok: false });
    expect(parseAreaGeometry('{"type":"Point","coordinates":[130,31]}').ok).toBe(false);
    expect(parseAreaGeometry("not json").ok).toBe(false);
  });

  it("adds an area through the page with its box and area, and refuses a bad one with 422 in both languages", async () => {
    const geojson = JSON.stringify({
      type: "Feature",
      geometry: {
        type: "Polygon",
        coordinates: [
          [
            [130.8, 31.4],
            [130.81, 31.4],
            [130.81, 31.41],
            [130.8, 31.4],
          ],
        ],
      },
    });
    const ok = await post("/staff/reports/setup/areas", admin, {
      code: "test-park",
      nameJa: "試験公園",
      nameEn: "Test park",
      kind: "polygon",
      geojson,
    });
    expect(ok.status).toBe(303);
    const [area] = await db()
      .select()
      .from(reportAreas)
      .where(and(eq(reportAreas.tenantId, tenant.id), eq(reportAreas.code, "test-park")));
    expect(area).toMatchObject({ minLat: 31.4, maxLat: 31.41, minLng: 130.8, maxLng: 130.81 });
    expect(area!.areaM2).toBeGreaterThan(100_000);
    const bad = await refusedPage(422, "/staff/reports/setup/areas?lang=en", admin, {
      code: "bad",
      nameJa: "x",
      nameEn: "x",
      kind: "polygon",
      geojson: '{"type":"Polygon","coordinates":[[[1,2],[3,4],[5,6],[1,2]]]}',
    });
    expect(bad).toContain("outside Japan");
  });

  it("refuses removing a status in use, and removes an unused one", async () => {
    const inUse = await refusedPage(422, "/staff/reports/setup/statuses/received/remove", admin, {});
    expect(inUse).toContain("使われているため削除できません");
    expect(
      (
        await post("/staff/reports/setup/statuses", admin, {
          new: "1",
          key: "on_hold",
          labelJa: "保留",
          labelEn: "On hold",
          category: "open",
          stage: "in_progress",
          sortOrder: "50",
        })
      ).status,
    ).toBe(303);
    expect((await post("/staff/reports/setup/statuses/on_hold/remove", admin, {})).status).toBe(303);
    expect(
      (
        await post("/staff/reports/setup/statuses", doro, {
          new: "1",
          key: "x",
          labelJa: "x",
          labelEn: "x",
          category: "open",
          stage: "received",
        })
      ).status,
    ).toBe(403);
  });

  it("adds a reply template that moves the status, and refuses one naming an unknown status", async () => {
    const fields = {
      title: "部品待ち",
      bodyJa: "部品を取り寄せています。",
      bodyEn: "Waiting for parts.",
      statusKey: "scheduled",
      sortOrder: "9",
    };
    expect((await post("/staff/reports/setup/templates/new", admin, fields)).status).toBe(303);
    const [saved] = await db()
      .select()
      .from(reportReplyTemplates)
      .where(eq(reportReplyTemplates.title, "部品待ち"));
    expect(saved).toMatchObject({ tenantId: tenant.id, statusKey: "scheduled" });
    const bad = await refusedPage(422, `/staff/reports/setup/templates/${saved!.id}`, admin, {
      ...fields,
      statusKey: "nope",
    });
    expect(bad).toContain("その状態はありません");
  });

  it("edits a category's SLA and refuses an unknown form", async () => {
    const [cat] = await db()
      .select()
      .from(reportCategories)
      .where(and(eq(reportCategories.tenantId, tenant.id), eq(reportCategories.code, "park")));
    const fields = {
      code: "park",
      nameJa: cat!.nameJa,
      nameEn: cat!.nameEn,
      slaBusinessDays: "7",
      defaultDepartmentId: cat!.defaultDepartmentId ?? "",
      publicLocation: "exact",
      coarsenMeters: "200",
      duplicateRadiusMeters: "80",
      reopenDays: "14",
      allowAnonymous: "1",
      formSlug: "",
      active: "1",
    };
    expect((await post(`/staff/reports/setup/categories/${cat!.id}`, admin, fields)).status).toBe(303);
    expect(
      (await db().select().from(reportCategories).where(eq(reportCategories.id, cat!.id)))[0],
    ).toMatchObject({ slaBusinessDays: 7, duplicateRadiusMeters: 80 });
    const bad = await refusedPage(422, `/staff/reports/setup/categories/${cat!.id}`, admin, {
      ...fields,
      formSlug: "no-such-form",
    });
    expect(bad).toContain("公開中のフォームから選んでください");
  });
});

describe("staff pages", () => {
  it("lists only the member's departments, filters, and shows the detail with audited contact reads", async () => {
    const road = await file("road-damage", demoPlaces.kitaMachi, {
      email: "list@example.jp",
      description: "北町の陥没 list-test",
    });
    const dumping = await file("illegal-dumping", demoPlaces.minamiMachi, {
      description: "不法投棄 list-test",
    });
    const list = await (
      await platform.request("http://localhost/staff/reports?q=list-test", { headers: doro })
    ).text();
    expect(list).toContain(road.reference);
    expect(list).not.toContain(dumping.reference);
    const mine = await (
      await platform.request("http://localhost/staff/reports?q=list-test&assignee=mine", { headers: doro })
    ).text();
    expect(mine).not.toContain(road.reference);
    await assignReport({
      ...doroCtx(),
      reportId: road.id,
      assigneeStaffId: staffId["doro@tenohira.localhost"]!,
    });
    const taken = await (
      await platform.request("http://localhost/staff/reports?q=list-test&assignee=mine", { headers: doro })
    ).text();
    expect(taken).toContain(road.reference);
    const detail = await platform.request(`http://localhost/staff/reports/${road.id}`, { headers: doro });
    expect(detail.status).toBe(200);
    const html = await detail.text();
    expect(html).toContain("list@example.jp");
    expect(html).toContain("【内部】");
    expect(html).toContain("注意が必要");
    const reads = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "reports.report.read_contact"), eq(auditLog.resourceId, road.id)));
    expect(reads).toHaveLength(1);
    const denied = await platform.request(`http://localhost/staff/reports/${dumping.id}`, { headers: doro });
    expect(denied.status).toBe(403);
    const json = (await (
      await platform.request("http://localhost/staff/reports/map.json", { headers: doro })
    ).json()) as {
      features: { geometry: { coordinates: number[] }; properties: { reference: string } }[];
    };
    const pin = json.features.find((f) => f.properties.reference === road.reference);
    expect(pin?.geometry.coordinates).toEqual([road.lng, road.lat]);
    expect(json.features.some((f) => f.properties.reference === dumping.reference)).toBe(false);
  });

  it("refuses a stale form with 409 and re-draws the page with the message in both languages", async () => {
    const report = await file("road-damage");
    const first = await post(`/staff/reports/${report.id}/note`, doro, {
      version: String(report.version),
      body: "一つ目",
    });
    expect(first.status).toBe(303);
    const stale = await refusedPage(409, `/staff/reports/${report.id}/note?lang=en`, doro, {
      version: String(report.version),
      body: "二つ目",
    });
    expect(stale).toContain("Someone else changed this report first");
    const nowhere = await refusedPage(422, `/staff/reports/${report.id}/merge`, doro, {
      version: String(report.version + 1),
    });
    expect(nowhere).toContain("統合先の通報を選ぶか");
    const out = await post(`/staff/reports/${report.id}/note`, kankyo, { version: "1", body: "x" });
    expect(out.status).toBe(403);
  });

  it("enters a report taken by phone at a 町字's centre", async () => {
    const [kita] = await db()
      .select()
      .from(reportAreas)
      .where(and(eq(reportAreas.tenantId, tenant.id), eq(reportAreas.code, "kita-machi")));
    const bad = await refusedPage(422, "/staff/reports/new", doro, {
      category: "streetlight",
      channel: "phone",
      description: "街灯が消えている",
      lat: "abc",
      lng: "",
    });
    expect(bad).toContain("緯度と経度を数値で入力するか");
    const ok = await post("/staff/reports/new", doro, {
      category: "streetlight",
      channel: "phone",
      description: "電話: 街灯が消えている",
      area: kita!.id,
      contact_phone: "099-000-1111",
    });
    expect(ok.status).toBe(303);
    const [entered] = await db()
      .select()
      .from(reports)
      .where(eq(reports.description, "電話: 街灯が消えている"));
    expect(entered).toMatchObject({
      channel: "phone",
      enteredByStaffId: staffId["doro@tenohira.localhost"],
      contactPhone: "099-000-1111",
      areaId: kita!.id,
    });
  });

  it("exports CSV of the member's reports, audited with the count; staff without the verb get 403", async () => {
    const report = await file("other", demoPlaces.kitaMachi, {
      email: "csv@example.jp",
      description: "=cmd| 髙橋 csv-test",
    });
    const utf8 = await platform.request("http://localhost/staff/reports/export.csv?q=csv-test", {
      headers: admin,
    });
    expect(utf8.status).toBe(200);
    const bytes = new Uint8Array(await utf8.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain(report.reference);
    expect(text).toContain("csv@example.jp");
    expect(text).toContain("'=cmd| 髙橋 csv-test");
    const sjis = await platform.request(
      "http://localhost/staff/reports/export.csv?q=csv-test&encoding=cp932",
      { headers: admin },
    );
    expect(iconv.decode(Buffer.from(await sjis.arrayBuffer()), "cp932")).toContain("髙橋");
    const [audit] = await db()
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "reports.report.export"))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect(audit?.after).toMatchObject({ rows: 1 });
    expect(
      (await platform.request("http://localhost/staff/reports/export.csv", { headers: doro })).status,
    ).toBe(403);
    // 市民課's manager exports only what reaches 市民課.
    const managed = await (
      await platform.request("http://localhost/staff/reports/export.csv", { headers: manager })
    ).text();
    expect(managed).not.toContain("道路河川課");
    expect(managed).toContain(report.reference);
  });

  it("keeps a second city's staff out of every staff URL of the first city's reports", async () => {
    const report = await file("road-damage");
    const o = (path: string) => `http://other.localhost${path}`;
    expect((await platform.request(o(`/staff/reports/${report.id}`), { headers: other })).status).toBe(404);
    expect(
      (await platform.request(o(`/staff/reports/${report.id}/photos/1`), { headers: other })).status,
    ).toBe(404);
    for (const action of ["assign", "status", "reply", "note", "merge", "hide"]) {
      const response = await platform.request(o(`/staff/reports/${report.id}/${action}`), {
        method: "POST",
        headers: other,
        body: new URLSearchParams({ status: "fixed", body: "x", hidden: "1", department: dept["doro-ka"]! }),
      });
      expect(response.status, action).toBe(404);
    }
    const bulk = await platform.request(o("/staff/reports/bulk"), {
      method: "POST",
      headers: other,
      body: new URLSearchParams({ ids: report.id, kind: "status", status: "fixed" }),
    });
    expect(bulk.status).toBe(404);
    const list = await (await platform.request(o("/staff/reports"), { headers: other })).text();
    expect(list).not.toContain(report.reference);
    const csv = await (await platform.request(o("/staff/reports/export.csv"), { headers: other })).text();
    expect(csv).not.toContain(report.reference);
    const map = await (await platform.request(o("/staff/reports/map.json"), { headers: other })).text();
    expect(map).not.toContain(report.reference);
    expect((await reload(report.id)).version).toBe(report.version);
  });
});

describe("follower notifications", () => {
  it("tells e-mail and resident followers of status changes, replies and merges, not the actor", async () => {
    const resident = await platform.signInResident("follower@example.jp");
    const report = await file("road-damage", demoPlaces.kitaMachi, { email: "reporter@example.jp" });
    await db().insert(reportFollowers).values({
      tenantId: tenant.id,
      reportId: report.id,
      residentId: resident.residentId,
      source: "follow",
    });
    await changeReportStatus({
      ...doroCtx(),
      reportId: report.id,
      statusKey: "investigating",
      replyBody: "現地を確認します",
    });
    await platform.worker.drain();
    const sent = await db().select().from(notifications).where(eq(notifications.reference, report.reference));
    const byRecipient = sent.map((n) => [n.channel, n.recipient ?? n.residentId]).sort();
    expect(byRecipient).toEqual(
      [
        ["email", "follower@example.jp"],
        ["email", "reporter@example.jp"],
        ["inbox", resident.residentId],
      ].sort(),
    );
    const mail = sent.find((n) => n.recipient === "reporter@example.jp")!;
    expect(mail.subject).toContain(report.reference);
    expect(mail.body).toContain("確認中");
    expect(mail.body).toContain("現地を確認します");
    expect(mail.body).toContain(`/reports/${report.reference}`);
    // A merge tells the duplicate's followers where their report went.
    const duplicate = await file("road-damage", demoPlaces.kitaMachi, { email: "dup@example.jp" });
    await mergeReports({ ...doroCtx(), reportId: duplicate.id, into: { id: report.id } });
    await platform.worker.drain();
    const [merged] = await db()
      .select()
      .from(notifications)
      .where(eq(notifications.reference, duplicate.reference));
    expect(merged?.body).toContain(report.reference);
    // Followers carried over hear about the target from then on.
    await replyToReport({ ...doroCtx(), reportId: report.id, body: "来週補修します" });
    await platform.worker.drain();
    const later = await db()
      .select()
      .from(notifications)
      .where(
        and(eq(notifications.reference, report.reference), eq(notifications.recipient, "dup@example.jp")),
      );
    expect(later[0]?.body).toContain("来週補修します");
    // A resident who reopens the report is not told about their own action; the other followers are.
    await publishEvent(db(), {
      tenantId: tenant.id,
      name: "reports.report_reopened",
      payload: { reportId: report.id },
      actor: { type: "resident", id: resident.residentId },
    });
    await platform.worker.drain();
    const reopened = (
      await db().select().from(notifications).where(eq(notifications.reference, report.reference))
    ).filter((n) => n.body.includes("再開"));
    expect(reopened.map((n) => n.recipient).sort()).toEqual(["dup@example.jp", "reporter@example.jp"]);
  });
});

describe("setup checks", () => {
  const categoryFields = (over: Record<string, string> = {}) => ({
    code: "test-signs",
    nameJa: "標識",
    nameEn: "Signs",
    slaBusinessDays: "5",
    defaultDepartmentId: dept["doro-ka"]!,
    publicLocation: "exact",
    coarsenMeters: "500",
    duplicateRadiusMeters: "50",
    reopenDays: "14",
    allowAnonymous: "1",
    formSlug: "",
    active: "1",
    ...over,
  });

  it("refuses what the table's checks would refuse with 422 and the field marked, not a 500", async () => {
    for (const [name, value] of [
      ["code", "Bad_Code"],
      ["code", "under_score"],
      ["coarsenMeters", "3000"],
      ["duplicateRadiusMeters", "1500"],
      ["reopenDays", "12abc"],
      ["reopenDays", "400"],
      ["slaBusinessDays", "0"],
    ] as const) {
      const response = await post(
        "/staff/reports/setup/categories/new",
        admin,
        categoryFields({ [name]: value }),
      );
      expect(response.status, `${name}=${value}`).toBe(422);
      const text = await response.text();
      expect(text, name).toContain(`href="#f-${name}"`);
      expect(text, name).toContain(
        `id="f-${name}" name="${name}" type="${name === "code" ? "text" : "number"}" value="${value}" aria-invalid="true"`,
      );
    }
    const order = await refusedPage(422, "/staff/reports/setup/templates/new", admin, {
      title: "x",
      bodyJa: "x",
      bodyEn: "x",
      statusKey: "",
      sortOrder: "12abc",
    });
    expect(order).toContain("順番は");
  });

  it("moves the category's existing reports on the public map when its placement changes", async () => {
    expect((await post("/staff/reports/setup/categories/new", admin, categoryFields())).status).toBe(303);
    const [category] = await db()
      .select()
      .from(reportCategories)
      .where(and(eq(reportCategories.tenantId, tenant.id), eq(reportCategories.code, "test-signs")));
    const shown = await file("test-signs", demoPlaces.kitaMachi);
    const hidden = await file("test-signs", demoPlaces.higashiMachi);
    await hideReport({ ...doroCtx(), reportId: hidden.id, hidden: true });
    expect(shown.publicLat).toBe(shown.lat);
    const cells = await cellCount();
    // exact → coarse: the point moves to its grid cell's centre; the one hidden by staff stays hidden.
    expect(
      (
        await post(
          `/staff/reports/setup/categories/${category!.id}`,
          admin,
          categoryFields({ publicLocation: "coarse" }),
        )
      ).status,
    ).toBe(303);
    const coarse = coarsen(shown, 500);
    expect(await reload(shown.id)).toMatchObject({ publicLat: coarse.lat, publicLng: coarse.lng });
    expect((await reload(hidden.id)).publicLat).toBeNull();
    expect(await cellCount()).toBe(cells);
    const [audit] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "reports.category.update"), eq(auditLog.resourceId, category!.id)))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect(audit?.after).toMatchObject({ publicLocation: "coarse", reportsReplaced: 1 });
    // → hidden: off the public map and out of the map summary.
    expect(
      (
        await post(
          `/staff/reports/setup/categories/${category!.id}`,
          admin,
          categoryFields({ publicLocation: "hidden" }),
        )
      ).status,
    ).toBe(303);
    expect(await reload(shown.id)).toMatchObject({ publicLat: null, publicLng: null, publicTileX: null });
    expect(await cellCount()).toBe(cells - 1);
  });

  it("keeps the initial status open and received, and sets closing dates when a status's category changes", async () => {
    const text = await refusedPage(422, "/staff/reports/setup/statuses?lang=en", admin, {
      key: "received",
      labelJa: "受付（変更）",
      labelEn: "Received",
      category: "closed",
      stage: "received",
      sortOrder: "0",
    });
    expect(text).toContain("The initial status must stay open");
    // The refused row shows what was typed, and the summary links to its own field.
    expect(text).toContain('href="#f-received-category"');
    expect(text).toContain('value="受付（変更）"');
    const add = (category: string) =>
      post("/staff/reports/setup/statuses", admin, {
        ...(category === "open" ? { new: "1" } : {}),
        key: "waiting_owner",
        labelJa: "所有者待ち",
        labelEn: "Waiting for the owner",
        category,
        stage: "in_progress",
        sortOrder: "60",
      });
    expect((await add("open")).status).toBe(303);
    const report = await file("road-damage");
    await changeReportStatus({ ...doroCtx(), reportId: report.id, statusKey: "waiting_owner" });
    expect((await reload(report.id)).closedAt).toBeNull();
    expect((await add("closed")).status).toBe(303);
    expect(await reload(report.id)).toMatchObject({ statusCategory: "closed" });
    expect((await reload(report.id)).closedAt).toBeInstanceOf(Date);
    const reopen = await post("/staff/reports/setup/statuses", admin, {
      key: "waiting_owner",
      labelJa: "所有者待ち",
      labelEn: "Waiting for the owner",
      category: "open",
      stage: "in_progress",
      sortOrder: "60",
    });
    expect(reopen.status).toBe(303);
    expect(await reload(report.id)).toMatchObject({ statusCategory: "open", closedAt: null });
  });

  it("refuses a second rule for the same category and area with 422, on the preview and on saving", async () => {
    const [rule] = await db()
      .select()
      .from(reportRoutingRules)
      .where(eq(reportRoutingRules.tenantId, tenant.id))
      .limit(1);
    const change = {
      kind: "add" as const,
      categoryId: rule!.categoryId,
      areaId: rule!.areaId,
      departmentId: dept["kankyo-ka"]!,
    };
    const query = new URLSearchParams({
      category: rule!.categoryId ?? "",
      area: rule!.areaId ?? "",
      department: dept["kankyo-ka"]!,
    });
    const page = await platform.request(`http://localhost/staff/reports/setup/rules/preview?${query}`, {
      headers: admin,
    });
    expect(page.status).toBe(422);
    expect(await page.text()).toContain("組み合わせのルールはすでにあります");
    const preview = await previewRoutingRules({ db: db(), tenantId: tenant.id, change });
    expect(preview.examined).toBeLessThanOrEqual(preview.available);
    await expect(
      saveRoutingRule({
        db: db(),
        tenantId: tenant.id,
        actor: { type: "staff", id: null },
        change,
        previewHash: preview.hash,
      }),
    ).rejects.toMatchObject({ status: 422 });
  });
});

describe("staff changes through the pages", () => {
  it("bulk: skips reports already so or merged and says how many, keeps assignees, refuses out-of-scope ones wholly", async () => {
    const kept = await file("road-damage", demoPlaces.kitaMachi, { description: "bulk-test kept" });
    await assignReport({
      ...doroCtx(),
      reportId: kept.id,
      assigneeStaffId: staffId["doro@tenohira.localhost"]!,
    });
    const moved = await file("illegal-dumping", demoPlaces.minamiMachi, { description: "bulk-test moved" });
    const target = await file("road-damage", demoPlaces.kitaMachi, { description: "bulk-test target" });
    const merged = await file("road-damage", demoPlaces.kitaMachi, { description: "bulk-test merged" });
    await mergeReports({ ...doroCtx(), reportId: merged.id, into: { id: target.id } });
    const routed = await post("/staff/reports/bulk?q=bulk-test", admin, {
      ids: [kept.id, moved.id, merged.id],
      kind: "assign",
      department: dept["doro-ka"]!,
    });
    expect(routed.status).toBe(303);
    expect(routed.headers.get("location")).toBe("/staff/reports?q=bulk-test&changed=1&skipped=2");
    expect(await reload(kept.id)).toMatchObject({
      departmentId: dept["doro-ka"],
      assigneeStaffId: staffId["doro@tenohira.localhost"],
    });
    expect((await reload(moved.id)).departmentId).toBe(dept["doro-ka"]);
    const list = await (
      await platform.request(`http://localhost${routed.headers.get("location")}`, { headers: admin })
    ).text();
    expect(list).toContain("1件を変更しました。2件は変更がないか統合済みのため、そのままです。");
    const status = await post("/staff/reports/bulk", doro, {
      ids: [kept.id, moved.id, target.id],
      kind: "status",
      status: "in_progress",
    });
    expect(status.headers.get("location")).toBe("/staff/reports?changed=3&skipped=0");
    // One report outside 道路河川課 refuses the whole batch.
    const dumping = await file("illegal-dumping", demoPlaces.minamiMachi);
    const refused = await post("/staff/reports/bulk", doro, {
      ids: [kept.id, dumping.id],
      kind: "status",
      status: "scheduled",
    });
    expect(refused.status).toBe(403);
    expect((await reload(kept.id)).statusKey).toBe("in_progress");
  });

  it("hands a report over: keeps an assignee inside the new department, clears one outside, refuses other cities' ids", async () => {
    const report = await file("road-damage");
    const me = staffId["doro@tenohira.localhost"]!;
    const assigned = await post(`/staff/reports/${report.id}/assign`, doro, {
      version: String(report.version),
      department: dept["doro-ka"]!,
      assignee: me,
    });
    expect(assigned.headers.get("location")).toBe(`/staff/reports/${report.id}?done=assigned`);
    // The form shows the current assignee chosen, also when it is the member themself.
    const page = await (
      await platform.request(`http://localhost/staff/reports/${report.id}?done=assigned`, { headers: doro })
    ).text();
    expect(page).toContain(`<option value="${me}" selected>自分`);
    expect(page).toContain("担当を変更しました");
    const up = await post(`/staff/reports/${report.id}/assign`, admin, {
      version: String(report.version + 1),
      department: dept["kensetsu-bu"]!,
      assignee: me,
    });
    expect(up.status).toBe(303);
    expect(await reload(report.id)).toMatchObject({ departmentId: dept["kensetsu-bu"], assigneeStaffId: me });
    const over = await post(`/staff/reports/${report.id}/assign`, admin, {
      version: String(report.version + 2),
      department: dept["kankyo-ka"]!,
      assignee: me,
    });
    expect(over.status).toBe(303);
    expect(await reload(report.id)).toMatchObject({ departmentId: dept["kankyo-ka"], assigneeStaffId: null });
    const [otherAdmin] = await db()
      .select()
      .from(staffAccounts)
      .where(eq(staffAccounts.tenantId, otherTenant.id));
    const [otherDept] = await db()
      .insert(departments)
      .values({
        tenantId: otherTenant.id,
        code: "other-ka",
        nameJa: "よその課",
        nameEn: "Other division",
        level: "ka",
      })
      .returning();
    for (const fields of [
      { department: otherDept!.id, assignee: "" },
      { department: dept["kankyo-ka"]!, assignee: otherAdmin!.id },
      { department: dept["kankyo-ka"]!, assignee: staffId["doro@tenohira.localhost"]! },
    ]) {
      const refused = await post(`/staff/reports/${report.id}/assign`, admin, {
        version: String(report.version + 3),
        ...fields,
      });
      expect(refused.status).toBe(422);
    }
    expect((await reload(report.id)).version).toBe(report.version + 3);
  });

  it("never skips the version check, and re-draws a refused form with what was typed", async () => {
    const report = await file("road-damage");
    const missing = await refusedPage(409, `/staff/reports/${report.id}/note`, doro, {
      body: "版なしのメモ",
    });
    expect(missing).toContain(">版なしのメモ</textarea>");
    const html = await refusedPage(409, `/staff/reports/${report.id}/status`, doro, {
      version: "1x",
      status: "fixed",
      reply: "直しました（未送信）",
    });
    expect(html).toContain(">直しました（未送信）</textarea>");
    expect(html).toContain('<option value="fixed" selected>');
    const reply = await refusedPage(409, `/staff/reports/${report.id}/reply`, doro, {
      version: String(report.version + 5),
      body: "送れなかった回答",
    });
    expect(reply).toContain(">送れなかった回答</textarea>");
    expect((await reload(report.id)).version).toBe(report.version);
    // The notice after a change is one of ours; anything else in ?done= is not shown.
    const page = await (
      await platform.request(
        `http://localhost/staff/reports/${report.id}?done=${encodeURIComponent("<b>偽</b>")}`,
        {
          headers: doro,
        },
      )
    ).text();
    expect(page).not.toContain("偽");
  });

  it("offers only merge candidates in the member's departments, and refuses a target of another city", async () => {
    // A little away from the other tests' reports, so these two are the nearest.
    const place = { lat: demoPlaces.kitaMachi.lat + 0.002, lng: demoPlaces.kitaMachi.lng };
    const report = await file("road-damage", place, { description: "candidate-test" });
    const near = await file("road-damage", place, { description: "candidate-test near" });
    const handed = await file("road-damage", place, { description: "candidate-test handed" });
    await assignReport({ ...doroCtx(), reportId: handed.id, departmentId: dept["kankyo-ka"]! });
    const page = await (
      await platform.request(`http://localhost/staff/reports/${report.id}`, { headers: doro })
    ).text();
    expect(page).toContain(`value="${near.id}"`);
    expect(page).not.toContain(`value="${handed.id}"`);
    const elsewhere = await fileIn(otherTenant, "other-road");
    for (const fields of [{ into: elsewhere.id }, { reference: elsewhere.reference }] as Record<
      string,
      string
    >[]) {
      const refused = await post(`/staff/reports/${report.id}/merge`, doro, {
        version: String(report.version),
        ...fields,
      });
      expect([404, 422]).toContain(refused.status);
    }
    expect((await reload(report.id)).mergedIntoId).toBeNull();
    expect((await reload(elsewhere.id)).version).toBe(elsewhere.version);
  });

  it("refuses photos of another department's report with 403", async () => {
    const dumping = await file("illegal-dumping", demoPlaces.minamiMachi);
    const response = await platform.request(`http://localhost/staff/reports/${dumping.id}/photos/1`, {
      headers: doro,
    });
    expect(response.status).toBe(403);
  });

  it("keeps what was typed on the entry form and links each problem to its field", async () => {
    const first = await refusedPage(422, "/staff/reports/new", doro, {
      category: "streetlight",
      description: "方法なしの入力",
      lat: "31.4",
      lng: "130.8",
    });
    expect(first).toContain('<a href="#f-channel-phone">受けた方法を選んでください</a>');
    expect(first).toContain('id="f-channel-phone" name="channel" value="phone" aria-invalid="true"');
    expect(first).toContain(">方法なしの入力</textarea>");
    const badPlace = await post("/staff/reports/new", doro, {
      category: "streetlight",
      channel: "patrol",
      description: "場所なし",
      lat: "abc",
    });
    const second = await badPlace.text();
    expect(second).toContain('<a href="#f-lat">');
    expect(second).toContain(
      'id="f-lat" name="lat" type="text" value="abc" inputmode="decimal" aria-invalid="true"',
    );
    const third = await refusedPage(422, "/staff/reports/new", doro, {
      category: "no-such-category",
      channel: "counter",
      description: "種類が違う入力",
      lat: String(demoPlaces.kitaMachi.lat),
      lng: String(demoPlaces.kitaMachi.lng),
      contact_phone: "099-000-2222",
    });
    expect(third).toContain('<a href="#f-category">');
    expect(third).toContain(">種類が違う入力</textarea>");
    expect(third).toContain('value="099-000-2222"');
    expect(third).toContain('id="f-channel-counter" name="channel" value="counter" checked');
  });
});

describe("follower notifications in the follower's language and the event's status", () => {
  it("writes to an English-preferring e-mail follower in English, names the status of the change, and sends one message for a template reply", async () => {
    const report = await file("road-damage", demoPlaces.kitaMachi, { email: "jp-reporter@example.jp" });
    await db().insert(reportFollowers).values({
      tenantId: tenant.id,
      reportId: report.id,
      email: "visitor@example.com",
      source: "follow",
      locale: "en",
      confirmedAt: new Date(),
    });
    // Two changes before the worker runs: each message names the status its own change set.
    await changeReportStatus({ ...doroCtx(), reportId: report.id, statusKey: "scheduled" });
    await changeReportStatus({ ...doroCtx(), reportId: report.id, statusKey: "in_progress" });
    await platform.worker.drain();
    const mails = await db()
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.reference, report.reference),
          eq(notifications.recipient, "visitor@example.com"),
        ),
      );
    expect(mails).toHaveLength(2);
    expect(mails[0]!.subject).toContain("Update on report");
    // Delivered after both changes, the first still names the status it set, not the current one.
    expect(mails.filter((m) => m.body.includes("Repair scheduled"))).toHaveLength(1);
    expect(mails.filter((m) => m.body.includes("Being fixed"))).toHaveLength(1);
    const japanese = await db()
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.reference, report.reference),
          eq(notifications.recipient, "jp-reporter@example.jp"),
        ),
      );
    expect(japanese.map((m) => m.body.includes("対応予定")).sort()).toEqual([false, true]);
    // A reply from a template that moves the status: one message to each follower, not two.
    const [template] = await db()
      .select()
      .from(reportReplyTemplates)
      .where(and(eq(reportReplyTemplates.tenantId, tenant.id), eq(reportReplyTemplates.statusKey, "fixed")));
    expect(template).toBeDefined();
    await replyToReport({
      ...doroCtx(),
      reportId: report.id,
      body: template!.bodyEn,
      templateId: template!.id,
    });
    await platform.worker.drain();
    const after = await db()
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.reference, report.reference),
          eq(notifications.recipient, "visitor@example.com"),
        ),
      );
    expect(after).toHaveLength(3);
    expect(after.filter((m) => m.body.includes(template!.bodyEn) && m.body.includes("Fixed"))).toHaveLength(
      1,
    );
  });

  it("shows how many business days are left on an open report, in the list and on its page", async () => {
    const report = await file("road-damage", demoPlaces.kitaMachi, { description: "営業日の残りを確かめる" });
    const calendar = await tenantCalendar(db(), tenant.id);
    const today = tokyoDate(new Date());
    const dueAt = (day: string) =>
      db()
        .update(reports)
        .set({ dueAt: endOfTokyoDay(day) })
        .where(eq(reports.id, report.id));
    const list = async () =>
      (
        await platform.request(`http://localhost/staff/reports?q=${encodeURIComponent("営業日の残り")}`, {
          headers: doro,
        })
      ).text();
    // Due at the end of today: nothing left but today, whatever day of the week this runs on.
    await dueAt(today);
    expect(await list()).toContain("（本日まで）");
    // Due at the end of the next business day: one left.
    await dueAt(addBusinessDays(today, 1, calendar));
    expect(await list()).toContain("（あと1営業日）");
    await dueAt(addBusinessDays(today, 3, calendar));
    const page = await (
      await platform.request(`http://localhost/staff/reports/${report.id}?lang=en`, { headers: doro })
    ).text();
    expect(page).toContain("(3 business days left)");
  });
});
