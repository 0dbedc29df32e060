import { isDeepStrictEqual } from "node:util";
import type { Actor } from "../../audit/actor.ts";
import type { Db } from "../../db/database.ts";
import { recordChange } from "../../events/record-change.ts";
import { readAttributes, removeAttributes, setConsents, writeAttribute } from "./attribute-store.ts";
import {
  type ProfileAttributeName,
  profileValueSchemas,
  type TargetingGroup,
  targetingGroups,
  townOf,
  typedAttributeNames,
} from "./profile-attributes.ts";

export type TypedProfileInput = Partial<Record<ProfileAttributeName, unknown>>;

export type UpdateProfileOptions = {
  tenantId: string;
  residentId: string;
  cityName: string;
  /** Every typed attribute the form holds: a missing or empty one is removed. */
  values: TypedProfileInput;
  targeting: Record<TargetingGroup, boolean>;
  actor: Actor;
  requestId?: string | null;
  ip?: string | null;
};

export type UpdateProfileResult =
  | { ok: true; changed: string[] }
  | { ok: false; errors: Partial<Record<ProfileAttributeName, true>> };

const isEmpty = (value: unknown) =>
  value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0);

/**
 * Saves what the resident typed. All values are checked first, so a single bad field stores nothing.
 * A card-verified value left unchanged keeps its verification; a corrected one becomes "typed".
 * Keeping an attribute means consenting to its use for the resident's own applications.
 */
export async function updateProfile(db: Db, options: UpdateProfileOptions): Promise<UpdateProfileResult> {
  const parsed = new Map<string, unknown>();
  const errors: Partial<Record<ProfileAttributeName, true>> = {};
  for (const name of typedAttributeNames) {
    const raw = options.values[name];
    if (isEmpty(raw)) {
      continue;
    }
    const result = profileValueSchemas[name].safeParse(raw);
    if (result.success) {
      parsed.set(name, result.data);
    } else {
      errors[name] = true;
    }
  }
  if (Object.keys(errors).length > 0) {
    return { ok: false, errors };
  }
  const address = parsed.get("address");
  const owner = { tenantId: options.tenantId, residentId: options.residentId };
  return db.transaction(async (tx) => {
    const existing = await readAttributes(tx, owner);
    if (typeof address === "string") {
      const town = townOf(address, options.cityName);
      if (town) {
        parsed.set("town", town);
      }
    }
    const changed: string[] = [];
    for (const [name, value] of parsed) {
      const before = existing.get(name);
      if (before && isDeepStrictEqual(before.value, value)) {
        continue;
      }
      // Only a value the resident changed is written, so it is typed; an unchanged card-verified value (and
      // the town derived from it) is skipped above and keeps its verification.
      await writeAttribute(tx, owner, { name, value, source: "typed" });
      changed.push(name);
    }
    const removed = [...existing.keys()].filter(
      (name) => (typedAttributeNames as readonly string[]).includes(name) && !parsed.has(name),
    );
    if (removed.includes("address")) {
      removed.push("town");
    }
    await removeAttributes(tx, owner, removed);
    const kept = [...parsed.keys()];
    await setConsents(tx, owner, kept, "service_delivery", true);
    for (const [group, attributes] of Object.entries(targetingGroups)) {
      const wanted = options.targeting[group as TargetingGroup];
      const present = attributes.filter(
        (name) => parsed.has(name) || existing.get(name)?.source === "card_verified",
      );
      await setConsents(tx, owner, wanted ? present : attributes, "targeting", wanted);
    }
    await recordChange(tx, {
      tenantId: options.tenantId,
      actor: options.actor,
      action: "resident.profile_updated",
      resource: { type: "resident", id: options.residentId },
      // Names only: the audit log records what changed, not the personal values themselves.
      after: { changed, removed, targeting: options.targeting },
      event: {
        name: "resident.profile_updated",
        payload: { residentId: options.residentId, changed, removed },
      },
      requestId: options.requestId ?? null,
      ip: options.ip ?? null,
    });
    return { ok: true, changed: [...changed, ...removed] } as const;
  });
}
