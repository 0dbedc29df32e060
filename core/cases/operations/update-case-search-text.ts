import type { Db } from "../../db/database.ts";
import { lockCase, touchCase } from "../lock-case.ts";
import type { Case } from "../schema.ts";
import { searchIndexOf } from "../search-text.ts";

export type UpdateCaseSearchTextOptions = {
  tx: Db;
  tenantId: string;
  caseId: string;
  /** What the module now wants the case found by, as given to openCase (e.g. corrected answers). */
  searchText: string;
};

/**
 * Re-indexes a case for the queue's search when its subject changed (a corrected application). Not audited
 * on its own: it follows the module's change, which is.
 */
export async function updateCaseSearchText(o: UpdateCaseSearchTextOptions): Promise<Case> {
  const found = await lockCase(o.tx, o.tenantId, o.caseId);
  return touchCase(
    o.tx,
    found.id,
    searchIndexOf([found.reference, found.titleJa, found.titleEn, o.searchText]),
  );
}
