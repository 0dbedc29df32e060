import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../http/app-env.ts";
import { clientIp, currentStaff, SESSION_COOKIE, type StaffMember } from "../http/middleware.ts";
import { ProblemError } from "../http/problem.ts";
import { validationHook } from "../http/validation.ts";
import type { StaffPageLink } from "../module.ts";
import { createSession, destroySession } from "./sessions.ts";
import { signInStaff } from "./sign-in-staff.ts";

const StaffMe = z
  .object({
    id: z.uuid(),
    email: z.string(),
    displayName: z.string(),
    role: z.string(),
    departmentId: z.uuid().nullable(),
    permissions: z.array(z.string()).openapi({
      description: "Verbs the role may perform; the server still checks each request and its department",
    }),
    csrfToken: z.string().openapi({ description: "Send back as X-CSRF-Token on every write" }),
    pages: z
      .array(z.object({ href: z.string(), label: z.object({ ja: z.string(), en: z.string() }) }))
      .openapi({ description: "Server-rendered staff pages of the modules that this role may use" }),
  })
  .openapi("StaffMe");

/** The signed-in member as the console needs it: who, which verbs the role grants, and the CSRF token. */
function presentMe(
  c: Context<AppEnv>,
  staff: StaffMember,
  csrfToken: string,
  pages: readonly StaffPageLink[],
): z.infer<typeof StaffMe> {
  const { policy } = c.var;
  return {
    id: staff.id,
    email: staff.email,
    displayName: staff.displayName,
    role: staff.role,
    departmentId: staff.departmentId,
    permissions: policy.verbs.filter((verb) => policy.can(staff.role, verb)),
    csrfToken,
    pages: pages
      .filter((page) => policy.can(staff.role, page.verb))
      .map(({ href, label }) => ({ href, label })),
  };
}

const SignInBody = z.object({
  email: z.email().max(254),
  password: z.string().min(1).max(200),
  // Any string: a malformed code gets the same 401 as a wrong one.
  totp: z.string().max(10).optional().openapi({ description: "Authenticator code, once TOTP is turned on" }),
});

const signIn = createRoute({
  method: "post",
  path: "/session",
  tags: ["staff"],
  summary: "Sign in with a local staff account",
  request: { body: { content: { "application/json": { schema: SignInBody } }, required: true } },
  responses: {
    200: { description: "Signed in", content: { "application/json": { schema: StaffMe } } },
    401: { description: "Wrong email, password or authenticator code" },
    429: { description: "Too many failed attempts for this email or from this address" },
  },
});

const me = createRoute({
  method: "get",
  path: "/me",
  tags: ["staff"],
  summary: "The signed-in staff member",
  responses: { 200: { description: "Signed in", content: { "application/json": { schema: StaffMe } } } },
});

const signOut = createRoute({
  method: "delete",
  path: "/session",
  tags: ["staff"],
  summary: "Sign out",
  responses: { 204: { description: "Signed out" } },
});

/** Local sign-in for staff (password, then TOTP when turned on). OIDC single sign-on comes beside it. */
export const staffSessionRoutes = (pages: readonly StaffPageLink[]) =>
  new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(signIn, async (c) => {
      const { email, password, totp } = c.req.valid("json");
      const { database, config } = c.var.services;
      const staff = await signInStaff(database.db, {
        tenantId: c.var.tenant.id,
        email,
        password,
        totp,
        requestId: c.var.requestId,
        ip: clientIp(c),
      });
      if (!staff) {
        throw new ProblemError(401, "sign-in-failed", {
          ja: "メールアドレスまたはパスワードが正しくありません",
          en: "The email or password is not correct",
        });
      }
      // A new session id on every sign-in: a pre-planted cookie is never promoted (session fixation).
      if (c.var.session) {
        await destroySession(database.db, c.var.session.idHash);
      }
      const { token, session } = await createSession(database.db, {
        tenantId: c.var.tenant.id,
        subject: { type: "staff", id: staff.id },
        absoluteHours: config.sessionAbsoluteHours,
        ip: clientIp(c),
        userAgent: c.req.header("user-agent") ?? null,
      });
      setCookie(c, SESSION_COOKIE, token, {
        httpOnly: true,
        secure: config.secureCookies ?? config.baseUrl?.startsWith("https:") ?? false,
        sameSite: "Lax",
        path: "/",
        maxAge: config.sessionAbsoluteHours * 3600,
      });
      return c.json(presentMe(c, staff, session.csrfToken, pages), 200);
    })
    .openapi(me, async (c) => {
      const staff = await currentStaff(c);
      return c.json(presentMe(c, staff, c.var.session!.csrfToken, pages), 200);
    })
    .openapi(signOut, async (c) => {
      if (c.var.session) {
        await destroySession(c.var.services.database.db, c.var.session.idHash);
      }
      deleteCookie(c, SESSION_COOKIE, { path: "/" });
      return c.body(null, 204);
    });
