import { and, asc, eq, gte, isNotNull, sql } from "drizzle-orm";
import type { Actor } from "../../../../core/audit/actor.ts";
import { recordAudit } from "../../../../core/audit/record-audit.ts";
import type { Db } from "../../../../core/db/database.ts";
import { problems } from "../../../../core/http/problem.ts";
import { applications, forms, formVersions } from "../../schema.ts";
import { presentSubmittedApplication, type SubmittedApplication } from "../submitted-application.ts";

export type FindSubmittedApplicationsOptions = {
  db: Db;
  tenantId: string;
  actor: Actor;
  formId: string;
  /** First call: applications submitted at or after this time. */
  since?: Date;
  /** Later calls: the `nextCursor` of the previous answer (wins over `since`). */
  cursor?: ApplicationCursor;
  limit: number;
  requestId?: string | null;
  ip?: string | null;
};

/** Where a reader stopped: the exact submission time (microseconds, as stored) and id of the last one read. */
export type ApplicationCursor = { at: string; id: string };

export function encodeCursor(cursor: ApplicationCursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id])).toString("base64url");
}

/** The cursor in a query string, or null when it is not one this API gave out. */
export function decodeCursor(text: string): ApplicationCursor | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === "string" &&
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(value[0]) &&
      typeof value[1] === "string" &&
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value[1])
    ) {
      return { at: value[0], id: value[1] };
    }
  } catch {
    // Not base64url JSON: answered as null below.
  }
  return null;
}

/**
 * Submitted applications of one form in the order they came (submission time, then id), for a city's core
 * system to take them without re-typing. It keeps `nextCursor` and asks again later for the ones after it.
 * Reading applications is audited, only when some were returned (an empty poll shows nobody's data).
 */
export async function findSubmittedApplications(
  options: FindSubmittedApplicationsOptions,
): Promise<{ applications: SubmittedApplication[]; nextCursor: string | null; hasMore: boolean }> {
  const { db, tenantId, formId, cursor, since, limit } = options;
  return db.transaction(async (tx) => {
    const [form] = await tx
      .select({ id: forms.id, slug: forms.slug })
      .from(forms)
      .where(and(eq(forms.id, formId), eq(forms.tenantId, tenantId)));
    if (!form) {
      throw problems.notFound();
    }
    const rows = await tx
      .select({
        application: applications,
        versionNumber: formVersions.number,
        definition: formVersions.definition,
        // Microseconds as stored: a JavaScript Date would round them and could skip or repeat a row.
        at: sql<string>`to_char(${applications.submittedAt} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
      })
      .from(applications)
      .innerJoin(formVersions, eq(formVersions.id, applications.formVersionId))
      .where(
        and(
          eq(applications.tenantId, tenantId),
          eq(applications.formId, formId),
          isNotNull(applications.submittedAt),
          cursor
            ? sql`(${applications.submittedAt}, ${applications.id}) > (${cursor.at}::timestamptz, ${cursor.id}::uuid)`
            : since
              ? gte(applications.submittedAt, since)
              : undefined,
        ),
      )
      .orderBy(asc(applications.submittedAt), asc(applications.id))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    if (page.length > 0) {
      await recordAudit(tx, {
        tenantId,
        actor: options.actor,
        action: "forms.application.export",
        resource: { type: "forms_form", id: formId },
        after: { format: "json-api", count: page.length },
        requestId: options.requestId ?? null,
        ip: options.ip ?? null,
      });
    }
    return {
      applications: page.map((row) =>
        presentSubmittedApplication({
          application: row.application,
          form,
          version: { number: row.versionNumber, definition: row.definition },
        }),
      ),
      nextCursor: last
        ? encodeCursor({ at: last.at, id: last.application.id })
        : cursor
          ? encodeCursor(cursor)
          : null,
      hasMore: rows.length > limit,
    };
  });
}
