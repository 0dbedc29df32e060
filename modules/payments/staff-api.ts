import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import { recordAudit } from "../../core/audit/record-audit.ts";
import { cases } from "../../core/cases/schema.ts";
import type { AppEnv } from "../../core/http/app-env.ts";
import { authorizeStaff, authorizeStaffOn, clientIp } from "../../core/http/middleware.ts";
import { jsonResponse as json } from "../../core/http/openapi.ts";
import { problems } from "../../core/http/problem.ts";
import { validationHook } from "../../core/http/validation.ts";
import { loadPaymentRecords, readPayments } from "./operations/read-payments.ts";
import { refundPayment } from "./operations/refund-payment.ts";
import { renderPaymentReceipt } from "./operations/render-payment-receipt.ts";
import { PaymentSchema, presentPayment } from "./presenters.ts";
import { payments } from "./schema.ts";

const forbidden = { description: "Outside the member's departments, or the role lacks the verb (audited)" };
const notFound = { description: "Not this city's, or no such payment" };
const paymentParam = { params: z.object({ id: z.uuid() }) };

const list = createRoute({
  method: "get",
  path: "/",
  tags: ["payments"],
  summary:
    "Payments asked for one subject (e.g. an application), oldest first, with refunds and history (audited)",
  request: {
    query: z.object({ subjectType: z.string().min(1).max(100), subjectId: z.string().min(1).max(200) }),
  },
  responses: { 200: json(z.object({ payments: z.array(PaymentSchema) }), "Payments"), 403: forbidden },
});

const refund = createRoute({
  method: "post",
  path: "/{id}/refunds",
  tags: ["payments"],
  summary: "Refund all or part of a paid payment; the provider is asked by a job (audited)",
  request: {
    ...paymentParam,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({
            amount: z.number().int().positive(),
            /** The refundable amount the member saw; a different current one answers 409. */
            expectedRefundable: z.number().int().min(0),
            reason: z.string().trim().min(1).max(500),
          }),
        },
      },
    },
  },
  responses: {
    202: json(z.object({ payment: PaymentSchema }), "Refund submitted"),
    400: { description: "Amount above what is refundable (pointer /amount)" },
    403: forbidden,
    404: notFound,
    409: { description: "Not paid, a refund still in progress, or expectedRefundable is out of date" },
  },
});

const receipt = createRoute({
  method: "get",
  path: "/{id}/receipt.pdf",
  tags: ["payments"],
  summary: "The receipt (領収書) of a paid payment (audited); 404 until paid",
  request: paymentParam,
  responses: { 200: { description: "The receipt (application/pdf)" }, 403: forbidden, 404: notFound },
});

/**
 * Authorises the role first (so a member without the verb learns nothing), then the verb on the department of
 * the case the payment belongs to: staff see and refund the payments of their own departments' work.
 * Listing by a subject without a case yet, or a payment of no case, is left to the role alone.
 */
async function authorizeOnPayments(
  c: Context<AppEnv>,
  verb: string,
  of: { subjectType: string; subjectId: string } | { paymentId: string },
) {
  const staff = await authorizeStaff(c, verb);
  const db = c.var.services.database.db;
  const tenantId = c.var.tenant.id;
  const [owner] =
    "paymentId" in of
      ? await db
          .select({ caseId: cases.id, departmentId: cases.departmentId })
          .from(payments)
          .leftJoin(cases, eq(cases.id, payments.caseId))
          .where(and(eq(payments.id, of.paymentId), eq(payments.tenantId, tenantId)))
      : await db
          .select({ caseId: cases.id, departmentId: cases.departmentId })
          .from(cases)
          .where(
            and(
              eq(cases.tenantId, tenantId),
              eq(cases.subjectType, of.subjectType),
              eq(cases.subjectId, of.subjectId),
            ),
          );
  if ("paymentId" in of && !owner) {
    throw problems.notFound();
  }
  // A payment that belongs to no case (a module without a work queue) is the city's, as the role allows.
  if (!owner?.caseId) {
    return staff;
  }
  return authorizeStaffOn(c, verb, {
    type: "payments_payment",
    id: "paymentId" in of ? of.paymentId : null,
    departmentId: owner.departmentId,
  });
}

// Each handler: validate (by the route), authorise, run one operation, present.
export const paymentsStaffApi = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(list, async (c) => {
    const { subjectType, subjectId } = c.req.valid("query");
    const staff = await authorizeOnPayments(c, "payments.payment.read", { subjectType, subjectId });
    const records = await c.var.services.database.db.transaction((tx) =>
      readPayments({
        tx,
        tenantId: c.var.tenant.id,
        actor: { type: "staff", id: staff.id },
        of: { subjectType, subjectId },
        requestId: c.var.requestId,
        ip: clientIp(c),
      }),
    );
    return c.json({ payments: records.map(presentPayment) }, 200);
  })
  .openapi(refund, async (c) => {
    const { id } = c.req.valid("param");
    const staff = await authorizeOnPayments(c, "payments.payment.refund", { paymentId: id });
    const body = c.req.valid("json");
    const db = c.var.services.database.db;
    await db.transaction((tx) =>
      refundPayment({
        tx,
        tenantId: c.var.tenant.id,
        actor: { type: "staff", id: staff.id },
        paymentId: id,
        amount: body.amount,
        expectedRefundable: body.expectedRefundable,
        reason: body.reason,
        requestId: c.var.requestId,
      }),
    );
    const [record] = await loadPaymentRecords({ db, tenantId: c.var.tenant.id, of: { paymentId: id } });
    return c.json({ payment: presentPayment(record!) }, 202);
  })
  .openapi(receipt, async (c) => {
    const { id } = c.req.valid("param");
    const staff = await authorizeOnPayments(c, "payments.payment.read", { paymentId: id });
    const services = c.var.services;
    const pdf = await renderPaymentReceipt({ services, tenantId: c.var.tenant.id, paymentId: id });
    await recordAudit(services.database.db, {
      tenantId: c.var.tenant.id,
      actor: { type: "staff", id: staff.id },
      action: "payments.receipt.read",
      resource: { type: "payments_payment", id },
      requestId: c.var.requestId,
      ip: clientIp(c),
    });
    return c.body(pdf.bytes as Uint8Array<ArrayBuffer>, 200, {
      "content-type": "application/pdf",
      "content-disposition": `attachment; filename="${pdf.fileName}"`,
      "cache-control": "private, no-store",
    });
  });
