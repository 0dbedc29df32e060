import { and, eq } from "drizzle-orm";
import { type Report, reportReplyTemplates } from "../schema.ts";
import {
  applyReportChange,
  changeOneReport,
  type OneReportChange,
  reportProblems,
  staffText,
  statusColumns,
  statusOf,
  UUID,
} from "../staff-changes.ts";

export type ReplyToReportOptions = OneReportChange & {
  /** The reply as sent (a template's text may have been edited). */
  body: string;
  /** The template it started from: its status, when it has one, is applied with the reply. */
  templateId?: string | null;
};

/** A public reply to the reporter and followers, optionally moving the status as its template says. */
export async function replyToReport(o: ReplyToReportOptions): Promise<Report> {
  return changeOneReport(o, async (tx, report) => {
    const body = staffText(o.body, { ja: "回答", en: "reply" });
    let statusKey: string | null = null;
    if (o.templateId) {
      const [template] = UUID.test(o.templateId)
        ? await tx
            .select()
            .from(reportReplyTemplates)
            .where(
              and(eq(reportReplyTemplates.tenantId, o.tenantId), eq(reportReplyTemplates.id, o.templateId)),
            )
        : [];
      if (!template) {
        throw reportProblems.invalid({ ja: "その定型文はありません", en: "There is no such reply template" });
      }
      statusKey = template.statusKey && template.statusKey !== report.statusKey ? template.statusKey : null;
    }
    const status = statusKey && !report.mergedIntoId ? await statusOf(tx, o.tenantId, statusKey) : null;
    const { report: updated } = await applyReportChange(tx, o, report, {
      ...(status ? { set: statusColumns(report, status) } : {}),
      entries: [
        { kind: "reply", public: true, body },
        ...(status
          ? [
              {
                kind: "status_changed" as const,
                public: true,
                fromStatus: report.statusKey,
                toStatus: status.key,
              },
            ]
          : []),
      ],
      action: "reports.report.reply",
      before: { status: report.statusKey },
      after: { status: status?.key ?? report.statusKey, templateId: o.templateId ?? null },
      // The status move is announced too (webhooks listen for it), marked as part of the reply so that
      // followers get one message carrying both.
      event: ([reply, moved]) => [
        {
          name: "reports.report_replied",
          payload: {
            reportId: report.id,
            entryId: reply!.id,
            ...(status ? { from: report.statusKey, to: status.key } : {}),
          },
        },
        ...(status
          ? [
              {
                name: "reports.report_status_changed",
                payload: {
                  reportId: report.id,
                  from: report.statusKey,
                  to: status.key,
                  entryId: moved!.id,
                  via: "reply",
                },
              },
            ]
          : []),
      ],
    });
    return updated;
  });
}
