import { z } from "@hono/zod-openapi";
import { caseChannels, caseEntryKinds } from "./schema.ts";
import { slaBuckets } from "./sla.ts";
import { caseStatuses } from "./status.ts";

const Localized = z.object({ ja: z.string(), en: z.string() });
const Status = z.enum(caseStatuses);
const Channel = z.enum(caseChannels);
const date = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
/** A comma-separated list of enum values, e.g. status=received,in_progress. */
const listOf = (values: readonly string[], name: string) =>
  z
    .string()
    .refine((text) => text.split(",").every((value) => values.includes(value.trim())), {
      message: `Each ${name} must be one of ${values.join(", ")}`,
      params: { ja: `${name} は ${values.join("、")} のいずれかで指定してください` },
    })
    .openapi({ description: `One or more of ${values.join(", ")}, comma-separated` });

export const CaseFiltersQuery = z.object({
  status: listOf(caseStatuses, "status").optional(),
  department: z.uuid().optional().openapi({ description: "A department and the ones below it" }),
  service: z.string().min(1).max(100).optional(),
  assignee: z
    .union([z.literal("me"), z.literal("none"), z.uuid()])
    .optional()
    .openapi({ description: "me, none (unassigned) or a staff id" }),
  team: z.uuid().optional(),
  from: date.optional().openapi({ description: "Received on or after (a date is a day in Tokyo)" }),
  to: date.optional().openapi({ description: "Received on or before (a date includes that whole day)" }),
  sla: z.enum(slaBuckets).optional(),
  channel: listOf(caseChannels, "channel").optional(),
  q: z.string().max(200).optional().openapi({ description: "Japanese full-text search (bigrams)" }),
});

export const CaseListQuery = CaseFiltersQuery.extend({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const CaseExportQuery = CaseFiltersQuery.extend({
  format: z.enum(["csv", "xlsx"]).default("csv"),
  encoding: z.enum(["utf-8", "cp932"]).default("utf-8"),
  onUnrepresentable: z
    .enum(["refuse", "replace"])
    .default("refuse")
    .openapi({ description: "CP932: refuse (422 listing them) or write 〓 for characters it cannot hold" }),
});

export const MetricsQuery = z.object({ from: date.optional(), to: date.optional() });

export const CaseListItemSchema = z
  .object({
    id: z.uuid(),
    module: z.string(),
    subjectType: z.string(),
    subjectId: z.string(),
    reference: z.string(),
    title: Localized,
    serviceKey: z.string(),
    departmentId: z.uuid().nullable(),
    channel: Channel,
    status: Status,
    statusLabel: Localized,
    assignee: z.object({ id: z.uuid(), displayName: z.string() }).nullable(),
    team: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    receivedAt: z.string(),
    dueAt: z.string().nullable(),
    sla: z.enum(slaBuckets),
    completedAt: z.string().nullable(),
    updatedAt: z.string(),
  })
  .openapi("CaseListItem");

export const CaseListSchema = z
  .object({
    cases: z.array(CaseListItemSchema),
    total: z.number().int(),
    page: z.number().int(),
    limit: z.number().int(),
    services: z.array(z.object({ key: z.string(), title: Localized })),
  })
  .openapi("CaseList");

const NextAction = z.object({
  kind: z.enum(["correct", "pay", "collect"]),
  href: z.string(),
  label: Localized.optional(),
});

export const CaseDetailSchema = CaseListItemSchema.extend({
  statusReason: z.string().nullable(),
  residentStatusLabel: Localized,
  nextAction: NextAction.nullable(),
  residentId: z.uuid().nullable(),
  rating: z.object({ score: z.number().int(), comment: z.string().nullable(), at: z.string() }).nullable(),
  allowedTransitions: z.array(Status),
}).openapi("CaseDetail");

export const CaseEntrySchema = z
  .object({
    id: z.string(),
    kind: z.enum(caseEntryKinds),
    at: z.string(),
    staff: z.object({ id: z.uuid(), displayName: z.string() }).nullable(),
    fromStatus: Status.nullable(),
    toStatus: Status.nullable(),
    body: z.string().nullable(),
    visibleToResident: z.boolean(),
    data: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi("CaseEntry");

export const StatusChangeBody = z.object({
  to: Status,
  reason: z.string().max(2000).optional(),
  expectedStatus: Status.optional().openapi({ description: "Refused (409) when the case has moved on" }),
});

export const AssignmentBody = z.object({
  staffId: z.uuid().nullable().optional().openapi({ description: "null: nobody; omitted: unchanged" }),
  teamId: z.uuid().nullable().optional().openapi({ description: "null: no team; omitted: unchanged" }),
});

export const TextBody = (max: number) => z.object({ body: z.string().trim().min(1).max(max) });

export const BulkBody = z
  .object({
    ids: z.array(z.uuid()).min(1).max(200),
    action: z.enum(["assign", "status"]),
    staffId: z.uuid().nullable().optional(),
    teamId: z.uuid().nullable().optional(),
    to: Status.optional(),
    reason: z.string().max(2000).optional(),
  })
  .superRefine((body, context) => {
    if (body.action === "status" && !body.to) {
      context.addIssue({
        code: "custom",
        path: ["to"],
        message: "A status change needs the status to change to",
        params: { ja: "変更後の状態を指定してください" },
      });
    }
    if (body.action === "assign" && body.staffId === undefined && body.teamId === undefined) {
      context.addIssue({
        code: "custom",
        path: ["staffId"],
        message: "Assigning needs a staffId or a teamId (null to unassign)",
        params: { ja: "担当者または担当チームを指定してください（解除は null）" },
      });
    }
  });

export const BulkResultSchema = z
  .object({
    results: z.array(
      z.object({
        id: z.uuid(),
        ok: z.boolean(),
        detail: z.string().optional(),
        reason: Localized.optional(),
      }),
    ),
  })
  .openapi("CaseBulkResult");

export const MetricsSchema = z
  .object({
    services: z.array(
      z.object({
        serviceKey: z.string(),
        title: Localized,
        total: z.number().int(),
        byChannel: z.record(Channel, z.number().int()),
        onlineShare: z.number(),
        processingHours: z.object({ median: z.number(), p90: z.number() }).nullable(),
        returned: z.number().int(),
        satisfaction: z.object({ average: z.number().nullable(), count: z.number().int() }),
      }),
    ),
  })
  .openapi("CaseMetrics");

export const SettingSchema = z.object({
  serviceKey: z.string(),
  title: Localized,
  slaBusinessDays: z.number().int().nullable(),
});

export const SettingBody = z.object({
  slaBusinessDays: z
    .number()
    .int()
    .min(1)
    .max(365)
    .nullable()
    .openapi({ description: "Business days from receipt; null for no deadline" }),
});

export const AssigneesSchema = z
  .object({
    staff: z.array(z.object({ id: z.uuid(), displayName: z.string(), departmentId: z.uuid().nullable() })),
    teams: z.array(z.object({ id: z.uuid(), name: z.string() })),
  })
  .openapi("CaseAssignees");
