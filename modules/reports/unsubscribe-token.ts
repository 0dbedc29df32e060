import { createHash, randomBytes } from "node:crypto";

// The secrets in links mailed to e-mail followers: stopping updates and confirming the address. Only the hash
// is stored, so a leaked table lets nobody stop another person's updates or confirm an address they do not own.

export const hashLinkToken = (token: string): string =>
  createHash("sha256").update(token, "utf8").digest("hex");

/** A fresh link secret for one e-mail; it replaces the follower's previous one. */
export function newLinkToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashLinkToken(token) };
}

/** The path of the unsubscribe page; the module's secretPaths masks the token in access logs. */
export const unsubscribePath = (token: string): string => `/reports/unsubscribe/${token}`;
export const UNSUBSCRIBE_PATH_PATTERN = /^\/reports\/unsubscribe\/([^/?]+)/;

/** The confirmation page; the token is in the query, which the access log never writes. */
export const CONFIRM_FOLLOWER_PATH = "/reports/followers/confirm";
export const confirmFollowerPath = (token: string): string =>
  `${CONFIRM_FOLLOWER_PATH}?${new URLSearchParams({ token })}`;
