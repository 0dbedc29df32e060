import { createHash, randomBytes } from "node:crypto";

/** Only this is stored: a leaked table must not let anyone stop another person's updates. */
export const hashUnsubscribeToken = (token: string): string =>
  createHash("sha256").update(token, "utf8").digest("hex");

/** A fresh link secret for one e-mail; it replaces the follower's previous one. */
export function newUnsubscribeToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashUnsubscribeToken(token) };
}

/** The path of the unsubscribe page; the module's secretPaths masks the token in access logs. */
export const unsubscribePath = (token: string): string => `/reports/unsubscribe/${token}`;
export const UNSUBSCRIBE_PATH_PATTERN = /^\/reports\/unsubscribe\/([^/?]+)/;
