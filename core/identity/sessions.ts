import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/database.ts";
import type { AssuranceLevel } from "./assurance.ts";
import { type Resident, residents, sessions, staffAccounts } from "./schema.ts";

export type SessionSubject = { type: "staff" | "resident"; id: string };

export type SessionInfo = {
  idHash: string;
  tenantId: string;
  subject: SessionSubject;
  csrfToken: string;
  /** Residents only: what this session proved (none < email < line < card). */
  assuranceLevel: AssuranceLevel | null;
};

const hashToken = (token: string): string => createHash("sha256").update(token).digest("hex");

export type CreateSessionOptions = {
  tenantId: string;
  subject: SessionSubject;
  absoluteHours: number;
  assuranceLevel?: AssuranceLevel | null;
  ip?: string | null;
  userAgent?: string | null;
};

/** Returns the secret token for the cookie; only its hash is stored. */
export async function createSession(
  db: Db,
  options: CreateSessionOptions,
): Promise<{ token: string; session: SessionInfo }> {
  const token = randomBytes(32).toString("base64url");
  const csrfToken = randomBytes(24).toString("base64url");
  const idHash = hashToken(token);
  await db.insert(sessions).values({
    idHash,
    tenantId: options.tenantId,
    subjectType: options.subject.type,
    subjectId: options.subject.id,
    csrfToken,
    expiresAt: new Date(Date.now() + options.absoluteHours * 3_600_000),
    assuranceLevel: options.assuranceLevel ?? null,
    ip: options.ip ?? null,
    userAgent: options.userAgent?.slice(0, 300) ?? null,
  });
  return {
    token,
    session: {
      idHash,
      tenantId: options.tenantId,
      subject: options.subject,
      csrfToken,
      assuranceLevel: options.assuranceLevel ?? null,
    },
  };
}

export type StaffAccount = typeof staffAccounts.$inferSelect;

/**
 * Finds a live session for the token in this tenant: not past its absolute expiry and used within the idle
 * timeout. The session comes with its (enabled) staff account or (not deleted) resident from the same query,
 * since every signed-in request needs both. Sliding the idle window is written at most once a minute to keep reads cheap.
 */
export async function readSession(
  db: Db,
  { token, tenantId, idleMinutes }: { token: string; tenantId: string; idleMinutes: number },
): Promise<(SessionInfo & { staff: StaffAccount | null; resident: Resident | null }) | null> {
  const idHash = hashToken(token);
  const [row] = await db
    .select({ session: sessions, staff: staffAccounts, resident: residents })
    .from(sessions)
    .leftJoin(
      staffAccounts,
      and(
        eq(sessions.subjectType, "staff"),
        eq(staffAccounts.id, sessions.subjectId),
        eq(staffAccounts.tenantId, sessions.tenantId),
        isNull(staffAccounts.disabledAt),
      ),
    )
    .leftJoin(
      residents,
      and(
        eq(sessions.subjectType, "resident"),
        eq(residents.id, sessions.subjectId),
        eq(residents.tenantId, sessions.tenantId),
        isNull(residents.deletedAt),
      ),
    )
    .where(
      and(
        eq(sessions.idHash, idHash),
        eq(sessions.tenantId, tenantId),
        gt(sessions.expiresAt, sql`now()`),
        gt(sessions.lastSeenAt, sql`now() - make_interval(mins => ${idleMinutes})`),
      ),
    );
  if (!row || (!row.staff && !row.resident)) {
    return null;
  }
  const { session, staff, resident } = row;
  if (Date.now() - session.lastSeenAt.getTime() > 60_000) {
    await db.update(sessions).set({ lastSeenAt: sql`now()` }).where(eq(sessions.idHash, idHash));
  }
  return {
    idHash,
    tenantId: session.tenantId,
    subject: { type: session.subjectType, id: session.subjectId },
    csrfToken: session.csrfToken,
    assuranceLevel: session.assuranceLevel ?? null,
    staff,
    resident,
  };
}

export async function destroySession(db: Db, idHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idHash, idHash));
}

/** Signs a person out on every device. */
export async function destroySubjectSessions(
  db: Db,
  tenantId: string,
  subject: SessionSubject,
): Promise<number> {
  const removed = await db
    .delete(sessions)
    .where(
      and(
        eq(sessions.tenantId, tenantId),
        eq(sessions.subjectType, subject.type),
        eq(sessions.subjectId, subject.id),
      ),
    )
    .returning({ idHash: sessions.idHash });
  return removed.length;
}
