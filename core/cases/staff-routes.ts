import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { endOfTokyoDay, startOfTokyoDay } from "../calendar/business-days.ts";
import { unrepresentableProblem } from "../exports/unrepresentable-problem.ts";
import type { AppEnv } from "../http/app-env.ts";
import { contentDisposition } from "../http/content-disposition.ts";
import {
  authorizeStaff,
  authorizeStaffOn,
  authorizeStaffScope,
  clientIp,
  type StaffMember,
} from "../http/middleware.ts";
import { jsonBody as body, jsonResponse as json } from "../http/openapi.ts";
import { type Bilingual, ProblemError } from "../http/problem.ts";
import { publicOrigin } from "../http/public-origin.ts";
import { validationHook } from "../http/validation.ts";
import type { CaseFilters } from "./case-filters.ts";
import { addCaseMemo } from "./operations/add-case-memo.ts";
import { assignCase } from "./operations/assign-case.ts";
import { bulkUpdateCases } from "./operations/bulk-update-cases.ts";
import { changeCaseStatus } from "./operations/change-case-status.ts";
import { exportCases } from "./operations/export-cases.ts";
import { findCaseAssignees } from "./operations/find-case-assignees.ts";
import { findCases } from "./operations/find-cases.ts";
import { getCase, loadCaseView } from "./operations/get-case.ts";
import { getCaseMetrics } from "./operations/get-case-metrics.ts";
import { getCaseServiceSettings } from "./operations/get-case-service-settings.ts";
import { locateCase } from "./operations/locate-case.ts";
import { sendCaseMessage } from "./operations/send-case-message.ts";
import { updateCaseServiceSetting } from "./operations/update-case-service-setting.ts";
import { presentCaseDetail, presentCaseEntry, presentCaseListItem } from "./presenters.ts";
import type { CaseChannel } from "./schema.ts";
import {
  AssigneesSchema,
  AssignmentBody,
  BulkBody,
  BulkResultSchema,
  CaseDetailSchema,
  CaseEntrySchema,
  CaseExportQuery,
  type CaseFiltersQuery,
  CaseListQuery,
  CaseListSchema,
  MetricsQuery,
  MetricsSchema,
  SettingBody,
  SettingSchema,
  StatusChangeBody,
  TextBody,
} from "./staff-schemas.ts";
import type { CaseStatus } from "./status.ts";

const forbidden = { description: "Outside the member's departments, or the role lacks the verb (audited)" };
const notFound = { description: "Not this city's case, or no such case" };
const caseParam = { params: z.object({ id: z.uuid() }) };
const tags = ["cases"];

const list = createRoute({
  method: "get",
  path: "/",
  tags,
  summary: "The work queue across modules, within the member's departments (audited)",
  request: { query: CaseListQuery },
  responses: { 200: json(CaseListSchema, "One page of cases"), 403: forbidden },
});

const exportRoute = createRoute({
  method: "get",
  path: "/export",
  tags,
  summary: "The queue with the same filters as CSV (UTF-8 with BOM or CP932) or XLSX (audited)",
  request: { query: CaseExportQuery },
  responses: {
    200: { description: "The file, as a download" },
    403: forbidden,
    422: { description: "CP932 cannot hold some characters (listed), or too many rows" },
  },
});

const metrics = createRoute({
  method: "get",
  path: "/metrics",
  tags,
  summary: "Per service: cases by channel, online share, processing time, returns, satisfaction",
  request: { query: MetricsQuery },
  responses: { 200: json(MetricsSchema, "Metrics"), 403: forbidden },
});

const settings = createRoute({
  method: "get",
  path: "/settings",
  tags,
  summary: "Each service's deadline (SLA) in business days",
  responses: { 200: json(z.object({ services: z.array(SettingSchema) }), "Settings"), 403: forbidden },
});

const updateSetting = createRoute({
  method: "put",
  path: "/settings/{serviceKey}",
  tags,
  summary: "Set a service's SLA; it applies to cases received from now on",
  request: { params: z.object({ serviceKey: z.string().min(1).max(100) }), ...body(SettingBody) },
  responses: { 200: json(SettingSchema, "Saved"), 403: forbidden, 404: { description: "No such service" } },
});

const assignees = createRoute({
  method: "get",
  path: "/assignees",
  tags,
  summary: "Members and teams a case can be assigned to, within the member's departments",
  responses: { 200: json(AssigneesSchema, "Assignees"), 403: forbidden },
});

const bulk = createRoute({
  method: "post",
  path: "/bulk",
  tags,
  summary: "Assign or change the status of many cases; each succeeds or fails on its own",
  request: body(BulkBody),
  responses: { 200: json(BulkResultSchema, "One result per case"), 403: forbidden },
});

const getOne = createRoute({
  method: "get",
  path: "/{id}",
  tags,
  summary: "One case with its history, memos and messages (audited)",
  request: caseParam,
  responses: {
    200: json(z.object({ case: CaseDetailSchema, entries: z.array(CaseEntrySchema) }), "The case"),
    403: forbidden,
    404: notFound,
  },
});

const changeStatus = createRoute({
  method: "post",
  path: "/{id}/status",
  tags,
  summary: "Move the case through the status machine; the resident is told",
  request: { ...caseParam, ...body(StatusChangeBody) },
  responses: {
    200: json(z.object({ case: CaseDetailSchema }), "Changed"),
    403: forbidden,
    404: notFound,
    409: { description: "Refused, with the reason in Japanese (title_ja) and English (title)" },
  },
});

const assign = createRoute({
  method: "post",
  path: "/{id}/assignment",
  tags,
  summary: "Assign the case to a member and/or a team (null to unassign)",
  request: { ...caseParam, ...body(AssignmentBody) },
  responses: {
    200: json(z.object({ case: CaseDetailSchema }), "Assigned"),
    403: forbidden,
    404: notFound,
    422: { description: "No such member or team in this city" },
  },
});

const memo = createRoute({
  method: "post",
  path: "/{id}/memos",
  tags,
  summary: "An internal memo, never shown to the resident",
  request: { ...caseParam, ...body(TextBody(4000)) },
  responses: { 201: json(z.object({ entry: CaseEntrySchema }), "Written"), 403: forbidden, 404: notFound },
});

const message = createRoute({
  method: "post",
  path: "/{id}/messages",
  tags,
  summary: "A message to the resident: on their case page, in their inbox and by email",
  request: { ...caseParam, ...body(TextBody(4000)) },
  responses: {
    201: json(z.object({ entry: CaseEntrySchema }), "Sent"),
    403: forbidden,
    404: notFound,
    409: { description: "No way to reach the applicant online" },
  },
});

const actorOf = (staff: StaffMember) => ({ type: "staff" as const, id: staff.id });
const refused = (reason: Bilingual) => new ProblemError(409, "case-change-refused", reason);

/** A date is a whole day in Tokyo: `from` its start, `to` its end; a date-time is taken as it is. */
function bound(text: string | undefined, edge: "start" | "end"): Date | undefined {
  if (text === undefined) {
    return undefined;
  }
  if (text.length > 10) {
    return new Date(text);
  }
  return edge === "start" ? startOfTokyoDay(text) : new Date(endOfTokyoDay(text).getTime() - 1);
}

const listParam = <T extends string>(text: string | undefined) =>
  text === undefined ? undefined : (text.split(",").map((value) => value.trim()) as T[]);

function filtersOf(query: z.infer<typeof CaseFiltersQuery>): CaseFilters {
  const filters: CaseFilters = {
    status: listParam<CaseStatus>(query.status),
    departmentId: query.department,
    serviceKey: query.service,
    assignee: query.assignee,
    teamId: query.team,
    from: bound(query.from, "start"),
    to: bound(query.to, "end"),
    sla: query.sla,
    channel: listParam<CaseChannel>(query.channel),
    q: query.q?.trim() || undefined,
  };
  return Object.fromEntries(
    Object.entries(filters).filter(([, value]) => value !== undefined),
  ) as CaseFilters;
}

/**
 * Authorises the role first (so a member without the verb learns nothing about the id), finds the case's
 * department (404 if not this city's), then authorises the verb on it (403, audited).
 */
async function authorizeOnCase(c: Context<AppEnv>, verb: string, caseId: string): Promise<StaffMember> {
  await authorizeStaff(c, verb);
  const found = await locateCase({ db: c.var.services.database.db, tenantId: c.var.tenant.id, caseId });
  return authorizeStaffOn(c, verb, { type: "cases_case", id: found.id, departmentId: found.departmentId });
}

async function presentedCase(c: Context<AppEnv>, caseId: string) {
  const detail = await loadCaseView(c.var.services.database.db, { tenantId: c.var.tenant.id, caseId });
  return presentCaseDetail(detail, c.var.lang);
}

// Each handler: validate (by the route), authorise (by the case's department), run one operation, present.
// The fixed paths come before /{id}.
export const casesStaffRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(list, async (c) => {
    const query = c.req.valid("query");
    const { staff, scope } = await authorizeStaffScope(c, "cases.case.read");
    const found = await c.var.services.database.db.transaction((tx) =>
      findCases({
        tx,
        tenantId: c.var.tenant.id,
        actor: actorOf(staff),
        scope,
        staffId: staff.id,
        filters: filtersOf(query),
        page: query.page,
        limit: query.limit,
        requestId: c.var.requestId,
        ip: clientIp(c),
      }),
    );
    return c.json(
      {
        cases: found.cases.map((entry) => presentCaseListItem(entry, c.var.lang)),
        total: found.total,
        page: found.page,
        limit: found.limit,
        services: found.services,
      },
      200,
    );
  })
  .openapi(exportRoute, async (c) => {
    const query = c.req.valid("query");
    const { staff, scope } = await authorizeStaffScope(c, "cases.case.export");
    const exported = await c.var.services.database.db.transaction((tx) =>
      exportCases({
        tx,
        tenantId: c.var.tenant.id,
        actor: actorOf(staff),
        scope,
        staffId: staff.id,
        filters: filtersOf(query),
        format: query.format,
        encoding: query.encoding,
        onUnrepresentable: query.onUnrepresentable,
        language: c.var.lang,
        requestId: c.var.requestId,
        ip: clientIp(c),
      }),
    );
    if (!exported.ok) {
      throw unrepresentableProblem(exported.unrepresentable);
    }
    return c.body(new Uint8Array(exported.bytes), 200, {
      "content-type": exported.contentType,
      "content-disposition": contentDisposition(exported.fileName),
      "cache-control": "private, no-store",
    });
  })
  .openapi(metrics, async (c) => {
    const query = c.req.valid("query");
    const { scope } = await authorizeStaffScope(c, "cases.case.read");
    const services = await getCaseMetrics({
      db: c.var.services.database.db,
      tenantId: c.var.tenant.id,
      scope,
      from: bound(query.from, "start"),
      to: bound(query.to, "end"),
    });
    return c.json({ services }, 200);
  })
  .openapi(settings, async (c) => {
    await authorizeStaff(c, "cases.case.read");
    const services = await getCaseServiceSettings({
      db: c.var.services.database.db,
      tenantId: c.var.tenant.id,
    });
    return c.json({ services }, 200);
  })
  .openapi(updateSetting, async (c) => {
    const { serviceKey } = c.req.valid("param");
    const { slaBusinessDays } = c.req.valid("json");
    const staff = await authorizeStaff(c, "cases.settings.manage");
    const setting = await c.var.services.database.db.transaction((tx) =>
      updateCaseServiceSetting({
        tx,
        tenantId: c.var.tenant.id,
        actor: actorOf(staff),
        serviceKey,
        slaBusinessDays,
        requestId: c.var.requestId,
      }),
    );
    return c.json(setting, 200);
  })
  .openapi(assignees, async (c) => {
    const { scope } = await authorizeStaffScope(c, "cases.case.read");
    const found = await findCaseAssignees({
      db: c.var.services.database.db,
      tenantId: c.var.tenant.id,
      scope,
    });
    return c.json(
      {
        staff: found.staff,
        teams: found.teams.map((team) => ({ id: team.id, name: team.name[c.var.lang] })),
      },
      200,
    );
  })
  .openapi(bulk, async (c) => {
    const input = c.req.valid("json");
    const { staff, scope } = await authorizeStaffScope(c, "cases.case.process");
    const common = {
      db: c.var.services.database.db,
      tenantId: c.var.tenant.id,
      actor: actorOf(staff),
      scope,
      ids: input.ids,
      origin: publicOrigin(c),
      requestId: c.var.requestId,
    };
    const results = await bulkUpdateCases(
      input.action === "assign"
        ? { ...common, action: "assign", staffId: input.staffId, teamId: input.teamId }
        : { ...common, action: "status", to: input.to!, reason: input.reason ?? null },
    );
    return c.json(
      {
        results: results.map((result) =>
          result.reason ? { ...result, detail: result.reason[c.var.lang] } : { id: result.id, ok: result.ok },
        ),
      },
      200,
    );
  })
  .openapi(getOne, async (c) => {
    const { id } = c.req.valid("param");
    const staff = await authorizeOnCase(c, "cases.case.read", id);
    const detail = await c.var.services.database.db.transaction((tx) =>
      getCase({
        tx,
        tenantId: c.var.tenant.id,
        actor: actorOf(staff),
        caseId: id,
        requestId: c.var.requestId,
        ip: clientIp(c),
      }),
    );
    return c.json(
      { case: presentCaseDetail(detail, c.var.lang), entries: detail.entries.map(presentCaseEntry) },
      200,
    );
  })
  .openapi(changeStatus, async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    const staff = await authorizeOnCase(c, "cases.case.process", id);
    const result = await c.var.services.database.db.transaction((tx) =>
      changeCaseStatus({
        tx,
        tenantId: c.var.tenant.id,
        actor: actorOf(staff),
        caseId: id,
        to: input.to,
        reason: input.reason ?? null,
        by: "staff",
        ...(input.expectedStatus ? { expectedStatus: input.expectedStatus } : {}),
        origin: publicOrigin(c),
        requestId: c.var.requestId,
      }),
    );
    if (!result.ok) {
      throw refused(result.reason);
    }
    return c.json({ case: await presentedCase(c, id) }, 200);
  })
  .openapi(assign, async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    const staff = await authorizeOnCase(c, "cases.case.process", id);
    const result = await c.var.services.database.db.transaction((tx) =>
      assignCase({
        tx,
        tenantId: c.var.tenant.id,
        actor: actorOf(staff),
        caseId: id,
        staffId: input.staffId,
        teamId: input.teamId,
        requestId: c.var.requestId,
      }),
    );
    if (!result.ok) {
      throw new ProblemError(422, "unknown-assignee", result.reason);
    }
    return c.json({ case: await presentedCase(c, id) }, 200);
  })
  .openapi(memo, async (c) => {
    const { id } = c.req.valid("param");
    const { body: text } = c.req.valid("json");
    const staff = await authorizeOnCase(c, "cases.case.process", id);
    const entry = await c.var.services.database.db.transaction((tx) =>
      addCaseMemo({
        tx,
        tenantId: c.var.tenant.id,
        actor: actorOf(staff),
        caseId: id,
        body: text,
        requestId: c.var.requestId,
        ip: clientIp(c),
      }),
    );
    return c.json({ entry: presentCaseEntry({ ...entry, staffName: staff.displayName }) }, 201);
  })
  .openapi(message, async (c) => {
    const { id } = c.req.valid("param");
    const { body: text } = c.req.valid("json");
    const staff = await authorizeOnCase(c, "cases.case.process", id);
    const result = await c.var.services.database.db.transaction((tx) =>
      sendCaseMessage({
        tx,
        tenantId: c.var.tenant.id,
        actor: actorOf(staff),
        caseId: id,
        body: text,
        origin: publicOrigin(c),
        requestId: c.var.requestId,
        ip: clientIp(c),
      }),
    );
    if (!result.ok) {
      throw new ProblemError(409, "no-recipient", result.reason);
    }
    return c.json({ entry: presentCaseEntry({ ...result.entry, staffName: staff.displayName }) }, 201);
  });
