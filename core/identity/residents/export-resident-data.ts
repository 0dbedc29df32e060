import { and, eq } from "drizzle-orm";
import { recordAudit } from "../../audit/record-audit.ts";
import type { Db } from "../../db/database.ts";
import type { ResidentRecord } from "../../module.ts";
import { notifications } from "../../notifications/schema.ts";
import { passkeyCredentials, residentConsents, residentIdentities, residents } from "../schema.ts";
import { ownedBy, readAttributes } from "./attribute-store.ts";

export type ExportResidentDataOptions = {
  tenantId: string;
  residentId: string;
  /** What the installed modules hold for the resident (the My page registry). */
  records: readonly ResidentRecord[];
  requestId?: string | null;
  ip?: string | null;
};

/** Everything the city holds about the resident, as one JSON document they can take away. The export is audited. */
export async function exportResidentData(db: Db, options: ExportResidentDataOptions) {
  const owner = (table: Parameters<typeof ownedBy>[0]) => ownedBy(table, options);
  const [account] = await db
    .select()
    .from(residents)
    .where(and(eq(residents.tenantId, options.tenantId), eq(residents.id, options.residentId)));
  const attributes = await readAttributes(db, options);
  const consents = await db.select().from(residentConsents).where(owner(residentConsents));
  const identities = await db.select().from(residentIdentities).where(owner(residentIdentities));
  const passkeys = await db.select().from(passkeyCredentials).where(owner(passkeyCredentials));
  const messages = await db
    .select()
    .from(notifications)
    .where(
      and(eq(notifications.tenantId, options.tenantId), eq(notifications.residentId, options.residentId)),
    );
  await recordAudit(db, {
    tenantId: options.tenantId,
    actor: { type: "resident", id: options.residentId },
    action: "resident.data_exported",
    resource: { type: "resident", id: options.residentId },
    requestId: options.requestId ?? null,
    ip: options.ip ?? null,
  });
  return {
    exportedAt: new Date().toISOString(),
    account: {
      id: account?.id,
      email: account?.email,
      preferredLanguage: account?.preferredLanguage,
      createdAt: account?.createdAt,
    },
    attributes: [...attributes.values()].map((a) => ({
      name: a.name,
      value: a.value,
      source: a.source,
      verifiedAt: a.verifiedAt,
      verificationMethod: a.verificationMethod,
      updatedAt: a.updatedAt,
    })),
    consents: consents.map((c) => ({
      attribute: c.attribute,
      purpose: c.purpose,
      grantedAt: c.grantedAt,
      withdrawnAt: c.withdrawnAt,
    })),
    linkedAccounts: identities.map((i) => ({
      provider: i.provider,
      subject: i.subject,
      linkedAt: i.linkedAt,
      lastVerifiedAt: i.lastVerifiedAt,
    })),
    passkeys: passkeys.map((p) => ({ label: p.label, createdAt: p.createdAt, lastUsedAt: p.lastUsedAt })),
    messages: messages.map((m) => ({
      channel: m.channel,
      subject: m.subject,
      body: m.body,
      sentAt: m.createdAt,
    })),
    records: options.records,
  };
}
