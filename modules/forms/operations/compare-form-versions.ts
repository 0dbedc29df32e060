import type { Db } from "../../../core/db/database.ts";
import { type DefinitionChange, diffDefinitions } from "../definition/diff-definitions.ts";
import { getForm } from "./get-form.ts";
import { getFormVersion } from "./get-form-version.ts";

export type CompareFormVersionsOptions = {
  db: Db;
  tenantId: string;
  formId: string;
  from: number;
  /** A version number, or the draft being edited. */
  to: number | "draft";
};

/** What changed between two versions of a form, or from a version to the current draft. */
export async function compareFormVersions({
  db,
  tenantId,
  formId,
  from,
  to,
}: CompareFormVersionsOptions): Promise<DefinitionChange[]> {
  const before = await getFormVersion({ db, tenantId, formId, number: from });
  const after =
    to === "draft"
      ? (await getForm({ db, tenantId, formId })).form.draft
      : (await getFormVersion({ db, tenantId, formId, number: to })).definition;
  return diffDefinitions(before.definition, after);
}
