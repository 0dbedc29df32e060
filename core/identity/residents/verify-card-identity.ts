import type { Db } from "../../db/database.ts";
import { recordChange } from "../../events/record-change.ts";
import { residentIdentities } from "../schema.ts";
import { setConsents, writeAttribute } from "./attribute-store.ts";
import { ensureNotLinkedElsewhere } from "./identity-links.ts";
import { townOf } from "./profile-attributes.ts";

/** The 基本4情報 as the デジタル認証アプリ returns them in the ID token. */
export type CardClaims = {
  sub: string;
  name?: unknown;
  name_kana?: unknown;
  address?: unknown;
  birthdate?: unknown;
  gender?: unknown;
};

export type VerifyCardIdentityOptions = {
  tenantId: string;
  residentId: string;
  cityName: string;
  claims: CardClaims;
  requestId?: string | null;
  ip?: string | null;
};

const text = (value: unknown): string | null => {
  if (typeof value === "string" && value.trim()) {
    return value.normalize("NFKC").trim();
  }
  // OIDC's address claim is an object; its `formatted` member is the whole address.
  if (value && typeof value === "object" && "formatted" in value && typeof value.formatted === "string") {
    return value.formatted.normalize("NFKC").trim();
  }
  return null;
};

/**
 * Records what the My Number card proved: the card subject is linked to this resident (one person, one
 * account) and each of the 基本4情報 is stored as card-verified, with the time and the method.
 */
export async function verifyCardIdentity(db: Db, options: VerifyCardIdentityOptions): Promise<string[]> {
  const owner = { tenantId: options.tenantId, residentId: options.residentId };
  return db.transaction(async (tx) => {
    await ensureNotLinkedElsewhere(tx, { ...owner, provider: "card", subject: options.claims.sub });
    const verifiedAt = new Date();
    await tx
      .insert(residentIdentities)
      .values({ ...owner, provider: "card", subject: options.claims.sub })
      .onConflictDoUpdate({
        target: [residentIdentities.tenantId, residentIdentities.provider, residentIdentities.subject],
        set: { lastVerifiedAt: verifiedAt },
      });
    const address = text(options.claims.address);
    const values: [string, string | null][] = [
      ["name", text(options.claims.name)],
      ["name_kana", text(options.claims.name_kana)],
      ["birth_date", text(options.claims.birthdate)],
      ["gender", text(options.claims.gender)],
      ["address", address],
      ["town", address ? townOf(address, options.cityName) : null],
    ];
    const stored: string[] = [];
    for (const [name, value] of values) {
      if (value) {
        await writeAttribute(tx, owner, {
          name,
          value,
          source: "card_verified",
          verifiedAt,
          method: "digital_auth_app",
        });
        stored.push(name);
      }
    }
    // The resident agreed to provide these on the app's consent screen, for this city's procedures.
    await setConsents(tx, owner, stored, "service_delivery", true);
    await recordChange(tx, {
      ...owner,
      actor: { type: "resident", id: options.residentId },
      action: "resident.identity_verified",
      resource: { type: "resident", id: options.residentId },
      after: { method: "digital_auth_app", attributes: stored },
      event: {
        name: "resident.identity_verified",
        payload: { residentId: options.residentId, method: "card" },
      },
      requestId: options.requestId ?? null,
      ip: options.ip ?? null,
    });
    return stored;
  });
}
