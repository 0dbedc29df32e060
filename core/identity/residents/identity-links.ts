import { and, eq, ne } from "drizzle-orm";
import type { Db } from "../../db/database.ts";
import { type ResidentProvider, residentIdentities } from "../schema.ts";

export class IdentityLinkedElsewhereError extends Error {
  override name = "IdentityLinkedElsewhereError";
}

/** One external identity, one resident: refuses a LINE user or a card already linked to someone else. */
export async function ensureNotLinkedElsewhere(
  tx: Db,
  link: { tenantId: string; residentId: string; provider: ResidentProvider; subject: string },
): Promise<void> {
  const [elsewhere] = await tx
    .select({ residentId: residentIdentities.residentId })
    .from(residentIdentities)
    .where(
      and(
        eq(residentIdentities.tenantId, link.tenantId),
        eq(residentIdentities.provider, link.provider),
        eq(residentIdentities.subject, link.subject),
        ne(residentIdentities.residentId, link.residentId),
      ),
    );
  if (elsewhere) {
    throw new IdentityLinkedElsewhereError(`This ${link.provider} identity is linked to another account`);
  }
}
