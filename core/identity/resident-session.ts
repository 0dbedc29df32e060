import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { recordAudit } from "../audit/record-audit.ts";
import type { AppEnv } from "../http/app-env.ts";
import { clientIp } from "../http/middleware.ts";
import { type AssuranceLevel, assuranceLevels, meetsAssurance } from "./assurance.ts";
import { safeReturnPath } from "./return-path.ts";
import type { Resident } from "./schema.ts";
import { setSessionCookie } from "./session-cookie.ts";
import { createSession, destroySession } from "./sessions.ts";

export type StartResidentSessionOptions = {
  residentId: string;
  /** What the sign-in just proved; a step-up keeps the higher of this and the current session's level. */
  level: AssuranceLevel;
  method: "email_code" | "passkey" | "line" | "card";
};

/**
 * Signs a resident in, or steps their session up. The session id always changes (no fixation), and the
 * old session of the same resident keeps its level so a step-up never lowers it.
 */
export async function startResidentSession(
  c: Context<AppEnv>,
  { residentId, level, method }: StartResidentSessionOptions,
): Promise<void> {
  const { database, config } = c.var.services;
  const previous = c.var.session;
  const carried =
    previous?.subject.type === "resident" && previous.subject.id === residentId
      ? previous.assuranceLevel
      : null;
  const effective = assuranceLevels[
    Math.max(assuranceLevels.indexOf(level), assuranceLevels.indexOf(carried ?? "none"))
  ] as AssuranceLevel;
  if (previous) {
    await destroySession(database.db, previous.idHash);
  }
  const { token, session } = await createSession(database.db, {
    tenantId: c.var.tenant.id,
    subject: { type: "resident", id: residentId },
    absoluteHours: config.sessionAbsoluteHours,
    assuranceLevel: effective,
    ip: clientIp(c),
    userAgent: c.req.header("user-agent") ?? null,
  });
  await recordAudit(database.db, {
    tenantId: c.var.tenant.id,
    actor: { type: "resident", id: residentId },
    action: carried ? "resident.step_up" : "resident.session_started",
    resource: { type: "resident", id: residentId },
    after: { method, level: effective },
    requestId: c.var.requestId,
    ip: clientIp(c),
  });
  setSessionCookie(c, token);
  c.set("session", { ...session, assuranceLevel: effective });
}

/** Where to send a resident who needs `level` to see `returnTo`. */
export function stepUpPath(level: AssuranceLevel, returnTo: string): string {
  const back = safeReturnPath(returnTo, "/");
  if (level === "card" || level === "line") {
    return `/sign-in/step-up?${new URLSearchParams({ level, return: back })}`;
  }
  return `/sign-in?${new URLSearchParams({ return: back })}`;
}

/**
 * The signed-in resident whose session meets `level`; anyone else is redirected to sign in or step up,
 * and comes back to this page afterwards.
 */
export function requireResident(c: Context<AppEnv>, level: AssuranceLevel = "email"): Resident {
  const resident = c.var.resident;
  const session = c.var.session;
  const here = new URL(c.req.url);
  const returnTo = here.pathname + here.search;
  if (!resident || !session) {
    throw redirect(c, `/sign-in?${new URLSearchParams({ return: returnTo })}`);
  }
  if (!meetsAssurance(session.assuranceLevel, level)) {
    throw redirect(c, stepUpPath(level, returnTo));
  }
  return resident;
}

function redirect(c: Context<AppEnv>, location: string): HTTPException {
  return new HTTPException(303, { res: c.redirect(location, 303) });
}
