import type { ActorType } from "./schema.ts";

/** Who did something: a signed-in staff member or resident, the system itself (jobs), or an API client. */
export type Actor = { type: ActorType; id: string | null };

export const systemActor: Actor = { type: "system", id: null };
