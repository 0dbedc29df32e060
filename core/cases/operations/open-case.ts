import { and, eq } from "drizzle-orm";
import type { Actor } from "../../audit/actor.ts";
import type { Db } from "../../db/database.ts";
import { recordChange } from "../../events/record-change.ts";
import { insertCaseEntry } from "../case-entries.ts";
import { checkNextAction } from "../next-action.ts";
import {
  type Case,
  type CaseChannel,
  type CaseNextAction,
  caseChannels,
  caseServiceSettings,
  cases,
} from "../schema.ts";
import { searchIndexOf } from "../search-text.ts";
import { dueAtFor, tenantCalendar } from "../sla.ts";

export type OpenCaseOptions = {
  tx: Db;
  tenantId: string;
  actor: Actor;
  /** The module that owns the subject, e.g. "forms". */
  module: string;
  /** What the case is about, e.g. "forms_application" and its id; one case per subject. */
  subjectType: string;
  subjectId: string;
  /** The number the resident knows (受付番号). */
  reference: string;
  title: { ja: string; en: string };
  /** The service the queue groups and times cases by (its SLA), e.g. the form's slug. */
  serviceKey: string;
  /** The service's name in the queue's filters, the first time it is seen; the case title otherwise. */
  serviceTitle?: { ja: string; en: string };
  departmentId: string | null;
  residentId: string | null;
  notifyEmail: string | null;
  locale: "ja" | "en";
  channel: CaseChannel;
  /** What staff should find the case by besides its reference and title: names, addresses, answers. */
  searchText: string;
  receivedAt?: Date;
  nextAction?: CaseNextAction | null;
  requestId?: string | null;
};

/**
 * Puts a new case in the queue, with its deadline from the service's SLA in the city's business days. A
 * second call for the same subject (a retried submission) returns the case already open.
 */
export async function openCase(o: OpenCaseOptions): Promise<Case> {
  const { tx, tenantId } = o;
  if (!caseChannels.includes(o.channel)) {
    throw new Error(`Unknown case channel ${o.channel}`);
  }
  const nextAction = checkNextAction(o.nextAction);
  await tx
    .insert(caseServiceSettings)
    .values({
      tenantId,
      serviceKey: o.serviceKey,
      titleJa: (o.serviceTitle ?? o.title).ja,
      titleEn: (o.serviceTitle ?? o.title).en,
    })
    .onConflictDoNothing();
  const [setting] = await tx
    .select({ slaBusinessDays: caseServiceSettings.slaBusinessDays })
    .from(caseServiceSettings)
    .where(and(eq(caseServiceSettings.tenantId, tenantId), eq(caseServiceSettings.serviceKey, o.serviceKey)));
  const receivedAt = o.receivedAt ?? new Date();
  const dueAt = setting?.slaBusinessDays
    ? dueAtFor(receivedAt, setting.slaBusinessDays, await tenantCalendar(tx, tenantId))
    : null;
  const [opened] = await tx
    .insert(cases)
    .values({
      tenantId,
      module: o.module,
      subjectType: o.subjectType,
      subjectId: o.subjectId,
      reference: o.reference,
      titleJa: o.title.ja,
      titleEn: o.title.en,
      serviceKey: o.serviceKey,
      departmentId: o.departmentId,
      residentId: o.residentId,
      notifyEmail: o.notifyEmail,
      locale: o.locale,
      channel: o.channel,
      nextAction,
      receivedAt,
      dueAt,
      ...searchIndexOf([o.reference, o.title.ja, o.title.en, o.searchText]),
    })
    .onConflictDoNothing()
    .returning();
  if (!opened) {
    const [existing] = await tx
      .select()
      .from(cases)
      .where(
        and(
          eq(cases.tenantId, tenantId),
          eq(cases.subjectType, o.subjectType),
          eq(cases.subjectId, o.subjectId),
        ),
      );
    return existing!;
  }
  await insertCaseEntry(tx, {
    tenantId,
    caseId: opened.id,
    actor: o.actor,
    kind: "opened",
    visibleToResident: true,
    data: { channel: o.channel },
  });
  await recordChange(tx, {
    tenantId,
    actor: o.actor,
    action: "cases.case.open",
    resource: { type: "cases_case", id: opened.id },
    after: { module: o.module, subjectType: o.subjectType, subjectId: o.subjectId, reference: o.reference },
    event: {
      name: "cases.case_opened",
      payload: {
        caseId: opened.id,
        module: o.module,
        subjectType: o.subjectType,
        subjectId: o.subjectId,
        serviceKey: o.serviceKey,
        channel: o.channel,
      },
    },
    requestId: o.requestId ?? null,
  });
  return opened;
}
