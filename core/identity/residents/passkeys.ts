import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import { and, eq } from "drizzle-orm";
import { recordAudit } from "../../audit/record-audit.ts";
import type { Db } from "../../db/database.ts";
import { recordChange } from "../../events/record-change.ts";
import { passkeyCredentials, type Resident } from "../schema.ts";

/** Where a ceremony runs: the relying party is this site's host name, the origin its scheme + host + port. */
export type RelyingParty = { id: string; name: string; origin: string };

type Owner = { tenantId: string; residentId: string };

export async function listPasskeys(db: Db, owner: Owner) {
  return db
    .select()
    .from(passkeyCredentials)
    .where(
      and(
        eq(passkeyCredentials.tenantId, owner.tenantId),
        eq(passkeyCredentials.residentId, owner.residentId),
      ),
    );
}

/** Options for navigator.credentials.create(); the challenge must be kept until the answer comes back. */
export async function passkeyRegistrationOptions(db: Db, rp: RelyingParty, resident: Resident) {
  const existing = await listPasskeys(db, { tenantId: resident.tenantId, residentId: resident.id });
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: resident.email ?? resident.id,
    userID: new TextEncoder().encode(resident.id),
    attestationType: "none",
    excludeCredentials: existing.map((c) => ({ id: c.id, transports: c.transports })),
    authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
  });
}

export type RegisterPasskeyOptions = Owner & {
  rp: RelyingParty;
  response: RegistrationResponseJSON;
  expectedChallenge: string;
  label: string;
  requestId?: string | null;
  ip?: string | null;
};

/** Verifies the authenticator's answer and stores the new credential's public key. */
export async function registerPasskey(db: Db, options: RegisterPasskeyOptions): Promise<boolean> {
  const result = await verifyRegistrationResponse({
    response: options.response,
    expectedChallenge: options.expectedChallenge,
    expectedOrigin: options.rp.origin,
    expectedRPID: options.rp.id,
    requireUserVerification: false,
  }).catch(() => null);
  if (!result?.verified) {
    return false;
  }
  const { credential, credentialDeviceType, credentialBackedUp } = result.registrationInfo;
  await db.transaction(async (tx) => {
    await tx.insert(passkeyCredentials).values({
      id: credential.id,
      tenantId: options.tenantId,
      residentId: options.residentId,
      publicKey: credential.publicKey,
      counter: credential.counter,
      transports: credential.transports ?? [],
      deviceType: credentialDeviceType,
      backedUp: credentialBackedUp,
      label: options.label,
    });
    await recordChange(tx, {
      tenantId: options.tenantId,
      actor: { type: "resident", id: options.residentId },
      action: "resident.passkey_added",
      resource: { type: "passkey", id: credential.id },
      event: { name: "resident.passkey_added", payload: { residentId: options.residentId } },
      requestId: options.requestId ?? null,
      ip: options.ip ?? null,
    });
  });
  return true;
}

/** Options for navigator.credentials.get(): no credential list, so the browser offers the site's passkeys. */
export function passkeySignInOptions(rp: RelyingParty) {
  return generateAuthenticationOptions({ rpID: rp.id, userVerification: "preferred" });
}

export type AuthenticatePasskeyOptions = {
  tenantId: string;
  rp: RelyingParty;
  response: AuthenticationResponseJSON;
  expectedChallenge: string;
  requestId?: string | null;
  ip?: string | null;
};

/**
 * Finds the credential in this tenant, checks the signature and the counter (a cloned authenticator shows
 * a counter that went backwards), and returns whose it is.
 */
export async function authenticatePasskey(
  db: Db,
  options: AuthenticatePasskeyOptions,
): Promise<string | null> {
  const [stored] = await db
    .select()
    .from(passkeyCredentials)
    .where(
      and(eq(passkeyCredentials.tenantId, options.tenantId), eq(passkeyCredentials.id, options.response.id)),
    );
  const result = stored
    ? await verifyAuthenticationResponse({
        response: options.response,
        expectedChallenge: options.expectedChallenge,
        expectedOrigin: options.rp.origin,
        expectedRPID: options.rp.id,
        credential: {
          id: stored.id,
          publicKey: new Uint8Array(stored.publicKey),
          counter: stored.counter,
          transports: stored.transports as AuthenticatorTransport[],
        },
        requireUserVerification: false,
      }).catch(() => null)
    : null;
  if (!stored || !result?.verified) {
    await recordAudit(db, {
      tenantId: options.tenantId,
      actor: { type: "system", id: null },
      action: "resident.sign_in_failed",
      resource: { type: "passkey", id: options.response.id?.slice(0, 200) ?? null },
      after: { method: "passkey" },
      requestId: options.requestId ?? null,
      ip: options.ip ?? null,
    });
    return null;
  }
  await db
    .update(passkeyCredentials)
    .set({ counter: result.authenticationInfo.newCounter, lastUsedAt: new Date() })
    .where(eq(passkeyCredentials.id, stored.id));
  return stored.residentId;
}

export type RemovePasskeyOptions = Owner & {
  credentialId: string;
  requestId?: string | null;
  ip?: string | null;
};

/** Removes one of the resident's own passkeys; another resident's id matches nothing. */
export async function removePasskey(db: Db, options: RemovePasskeyOptions): Promise<boolean> {
  return db.transaction(async (tx) => {
    const removed = await tx
      .delete(passkeyCredentials)
      .where(
        and(
          eq(passkeyCredentials.tenantId, options.tenantId),
          eq(passkeyCredentials.residentId, options.residentId),
          eq(passkeyCredentials.id, options.credentialId),
        ),
      )
      .returning({ id: passkeyCredentials.id });
    if (removed.length > 0) {
      await recordChange(tx, {
        tenantId: options.tenantId,
        actor: { type: "resident", id: options.residentId },
        action: "resident.passkey_removed",
        resource: { type: "passkey", id: options.credentialId },
        requestId: options.requestId ?? null,
        ip: options.ip ?? null,
      });
    }
    return removed.length > 0;
  });
}
