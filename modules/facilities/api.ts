import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/http/app-env.ts";
import { problems } from "../../core/http/problem.ts";
import { validationHook } from "../../core/http/validation.ts";
import { createBooking } from "./operations/create-booking.ts";
import { listUnitSlots } from "./operations/list-unit-slots.ts";

const Bilingual = z.object({ ja: z.string(), en: z.string() });

const BookingJson = z
  .object({
    id: z.uuid(),
    reference: z.string(),
    status: z.enum(["provisional", "confirmed"]),
    fee: z.number().int().openapi({ description: "Yen, computed by the server from the fee table" }),
    unitId: z.uuid(),
    startsAt: z.string(),
    endsAt: z.string(),
  })
  .openapi("FacilityBooking");

const CreatedJson = z.object({ booking: BookingJson, payPath: z.string().nullable() });

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: z.object({ type: z.string(), title: z.string() }) } },
});

const createBookingRoute = createRoute({
  method: "post",
  path: "/bookings",
  tags: ["facilities"],
  summary: "Book a unit's time block first-come (仮予約 when there is a fee)",
  request: {
    headers: z.object({
      "idempotency-key": z
        .string()
        .min(1)
        .max(100)
        .optional()
        .openapi({ description: "1–100 characters; required" }),
    }),
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({
            unitId: z.uuid(),
            startsAt: z.iso.datetime({ offset: true }),
            endsAt: z.iso.datetime({ offset: true }),
          }),
        },
      },
    },
  },
  responses: {
    201: { description: "Booked", content: { "application/json": { schema: CreatedJson } } },
    200: {
      description: "A repeat of the same Idempotency-Key",
      content: { "application/json": { schema: CreatedJson } },
    },
    400: problem("Missing Idempotency-Key or invalid body"),
    401: problem("No resident session"),
    403: problem("Booking suspended by penalty points"),
    409: problem("slot_taken: the slot is no longer free"),
    422: problem("Closed day, past, outside the booking window, or not one of the unit's blocks"),
  },
});

const slotsRoute = createRoute({
  method: "get",
  path: "/units/{unitId}/slots",
  tags: ["facilities"],
  summary: "A unit's time blocks and whether each is free (closed days left out)",
  request: {
    params: z.object({ unitId: z.uuid() }),
    query: z.object({ from: z.iso.date(), to: z.iso.date() }),
  },
  responses: {
    200: {
      description: "Slots",
      content: {
        "application/json": {
          schema: z.object({
            slots: z.array(
              z.object({
                startsAt: z.string(),
                endsAt: z.string(),
                label: Bilingual,
                state: z.enum(["free", "taken"]),
              }),
            ),
          }),
        },
      },
    },
  },
});

export const facilitiesApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(createBookingRoute, async (c) => {
    const resident = c.var.resident;
    if (!resident) {
      throw problems.unauthorized();
    }
    const key = c.req.valid("header")["idempotency-key"];
    if (!key) {
      throw problems.invalidRequest([
        {
          pointer: "/headers/Idempotency-Key",
          detail: "The Idempotency-Key header (1–100 characters) is required",
          detailJa: "Idempotency-Key ヘッダー（1〜100文字）が必要です",
        },
      ]);
    }
    const body = c.req.valid("json");
    const result = await createBooking({
      db: c.var.services.database.db,
      tenantId: c.var.tenant.id,
      actor: c.var.actor,
      residentId: resident.id,
      unitId: body.unitId,
      startsAt: new Date(body.startsAt),
      endsAt: new Date(body.endsAt),
      groupId: null,
      admissionCharged: false,
      purpose: "",
      idempotencyKey: key,
      locale: c.var.lang,
      requestId: c.var.requestId,
    });
    const { booking } = result;
    return c.json(
      {
        booking: {
          id: booking.id,
          reference: booking.reference,
          status: booking.status === "confirmed" ? ("confirmed" as const) : ("provisional" as const),
          fee: booking.fee,
          unitId: booking.unitId,
          startsAt: booking.startsAt.toISOString(),
          endsAt: booking.endsAt.toISOString(),
        },
        payPath: result.payPath,
      },
      result.repeated ? 200 : 201,
    );
  })
  .openapi(slotsRoute, async (c) => {
    const { from, to } = c.req.valid("query");
    const slots = await listUnitSlots(c.var.services.database.db, {
      tenantId: c.var.tenant.id,
      unitId: c.req.valid("param").unitId,
      from,
      to,
    });
    return c.json(
      {
        slots: slots.map((s) => ({
          startsAt: s.startsAt.toISOString(),
          endsAt: s.endsAt.toISOString(),
          label: s.label,
          state: s.state,
        })),
      },
      200,
    );
  });
