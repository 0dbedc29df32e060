import type { Actor } from "../audit/actor.ts";
import type { Language, Translator } from "../i18n/i18n.ts";
import type { Policy } from "../identity/policy.ts";
import type { Resident } from "../identity/schema.ts";
import type { SessionInfo, StaffAccount } from "../identity/sessions.ts";
import type { Services } from "../services.ts";
import type { Tenant } from "../tenancy/schema.ts";

/** Typed context variables every route can read with c.var. */
export type AppEnv = {
  Variables: {
    services: Services;
    tenant: Tenant;
    lang: Language;
    t: Translator;
    requestId: string;
    session: SessionInfo | null;
    /** The signed-in staff member, loaded with the session. */
    staff: StaffAccount | null;
    /** The signed-in resident, loaded with the session. */
    resident: Resident | null;
    actor: Actor;
    policy: Policy;
    /** Paths that carry a secret (the modules' secretPaths): kept out of logs and sign-in return addresses. */
    secretPaths: readonly RegExp[];
  };
};
