import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../http/app-env.ts";
import { clientIp, currentStaff } from "../http/middleware.ts";
import { jsonResponse as json } from "../http/openapi.ts";
import { validationHook } from "../http/validation.ts";
import { confirmStaffTotp } from "./staff/confirm-staff-totp.ts";
import { enrolStaffTotp } from "./staff/enrol-staff-totp.ts";

const TotpEnrolment = z
  .object({
    secret: z.string().openapi({ description: "Base32, for typing into an authenticator app" }),
    uri: z.string().openapi({ description: "otpauth:// URI, usually shown as a QR code" }),
  })
  .openapi("StaffTotpEnrolment");

const enrol = createRoute({
  method: "post",
  path: "/totp",
  tags: ["staff"],
  summary: "Start turning on two-factor authentication (TOTP) for the signed-in member",
  responses: {
    201: json(TotpEnrolment, "A new secret, not yet in force"),
    409: { description: "Already on" },
  },
});

const confirm = createRoute({
  method: "post",
  path: "/totp/confirm",
  tags: ["staff"],
  summary: "Turn TOTP on with a code from the authenticator app; later sign-ins need a code",
  request: {
    body: {
      content: { "application/json": { schema: z.object({ code: z.string().regex(/^[0-9]{6}$/) }) } },
      required: true,
    },
  },
  responses: {
    200: json(z.object({ enabledAt: z.string() }), "Turned on"),
    400: { description: "Wrong code" },
    409: { description: "No enrolment started, or already on" },
  },
});

/** Every member enrols their own authenticator: no permission verb beyond being signed in. */
export const staffTotpRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(enrol, async (c) => {
    const staff = await currentStaff(c);
    const enrolment = await c.var.services.database.db.transaction((tx) =>
      enrolStaffTotp({
        tx,
        tenantId: c.var.tenant.id,
        staffId: staff.id,
        email: staff.email,
        issuer: `${c.var.tenant.nameJa} tenohira`,
        requestId: c.var.requestId,
        ip: clientIp(c),
      }),
    );
    return c.json(enrolment, 201);
  })
  .openapi(confirm, async (c) => {
    const staff = await currentStaff(c);
    const { enabledAt } = await c.var.services.database.db.transaction((tx) =>
      confirmStaffTotp({
        tx,
        tenantId: c.var.tenant.id,
        staffId: staff.id,
        code: c.req.valid("json").code,
        requestId: c.var.requestId,
        ip: clientIp(c),
      }),
    );
    return c.json({ enabledAt: enabledAt.toISOString() }, 200);
  });
