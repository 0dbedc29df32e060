import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../http/app-env.ts";

export const SESSION_COOKIE = "tenohira_session";

function secure(c: Context<AppEnv>): boolean {
  const { config } = c.var.services;
  return config.secureCookies ?? config.baseUrl?.startsWith("https:") ?? false;
}

/** The session cookie: HttpOnly, SameSite=Lax (it must survive the redirect back from an OpenID provider). */
export function setSessionCookie(c: Context<AppEnv>, token: string): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    secure: secure(c),
    sameSite: "Lax",
    path: "/",
    maxAge: c.var.services.config.sessionAbsoluteHours * 3600,
  });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
}

/** A short-lived cookie naming a pending sign-in step (code request, OIDC redirect, passkey ceremony). */
export function setFlowCookie(c: Context<AppEnv>, name: string, token: string, maxAgeSeconds: number): void {
  setCookie(c, name, token, {
    httpOnly: true,
    secure: secure(c),
    sameSite: "Lax",
    path: "/",
    maxAge: maxAgeSeconds,
  });
}

export function readFlowCookie(c: Context<AppEnv>, name: string): string | undefined {
  return getCookie(c, name);
}

export function clearFlowCookie(c: Context<AppEnv>, name: string): void {
  deleteCookie(c, name, { path: "/" });
}
