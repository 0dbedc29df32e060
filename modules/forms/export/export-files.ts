import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../../core/db/database.ts";
import { problems } from "../../../core/http/problem.ts";
import { type Form, type FormVersion, forms, formVersions } from "../schema.ts";
import {
  type AnswerColumn,
  answerColumns,
  columnsSignature,
  type ExportColumn,
  metaColumns,
} from "./columns.ts";

/**
 * One export file: the published versions whose answer columns are the same (GOV.UK Forms' rule: a new
 * file whenever the headers change). Its key is its first version's number ("v1"), which stays when a
 * later version with the same columns joins it.
 */
export type ExportFileGroup = {
  fileKey: string;
  /** Oldest first. */
  versions: FormVersion[];
  /** The meta columns, then the answer columns. */
  columns: ExportColumn[];
  /** Each version's own answer columns (same headers; a choice's labels are read from its own version). */
  answerColumnsByVersion: ReadonlyMap<string, AnswerColumn[]>;
};

/** A form of this city and its export files; 404 when it is not this city's. */
export async function loadExportFiles({
  db,
  tenantId,
  formId,
}: {
  db: Db;
  tenantId: string;
  formId: string;
}): Promise<{ form: Form; files: ExportFileGroup[] }> {
  const [form] = await db
    .select()
    .from(forms)
    .where(and(eq(forms.id, formId), eq(forms.tenantId, tenantId)));
  if (!form) {
    throw problems.notFound();
  }
  const versions = await db
    .select()
    .from(formVersions)
    .where(and(eq(formVersions.formId, formId), eq(formVersions.tenantId, tenantId)))
    .orderBy(asc(formVersions.number));
  const bySignature = new Map<
    string,
    ExportFileGroup & { answerColumnsByVersion: Map<string, AnswerColumn[]> }
  >();
  for (const version of versions) {
    const columns = answerColumns(version.definition);
    const signature = columnsSignature(columns);
    const group = bySignature.get(signature);
    if (group) {
      group.versions.push(version);
      group.answerColumnsByVersion.set(version.id, columns);
      continue;
    }
    bySignature.set(signature, {
      fileKey: `v${version.number}`,
      versions: [version],
      columns: [...metaColumns, ...columns.map(({ key, header }) => ({ key, header }))],
      answerColumnsByVersion: new Map([[version.id, columns]]),
    });
  }
  return { form, files: [...bySignature.values()] };
}

/** The form's title as its latest version in the file shows it. */
export const fileTitle = (file: ExportFileGroup) => file.versions.at(-1)!.definition.title;
