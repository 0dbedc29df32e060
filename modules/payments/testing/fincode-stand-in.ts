import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A stand-in for fincode's REST API on 127.0.0.1, for tests: the documented request and response shapes
// of the calls the adapter makes (POST /v1/sessions, GET /v1/payments/{id}, PUT …/cancel, PUT …/change),
// Bearer authentication, the idempotent_key header, error bodies ({ errors: [{ error_code, … }] }), and
// webhooks with the Fincode-Signature header. The payer's side (fincode's own card page) is a method.

export type StandInPayment = {
  id: string;
  access_id: string;
  pay_type: "Card";
  job_code: "CAPTURE" | "CANCEL";
  status: "UNPROCESSED" | "CAPTURED" | "CANCELED";
  amount: number;
  total_amount: number;
  error_code: string | null;
};

export type StandInSession = {
  id: string;
  link_url: string;
  success_url: string | null;
  cancel_url: string | null;
  status: "CREATE" | "PAYSUCCESS" | "ERROR";
  expire: string;
  transaction: { pay_type: string[]; order_id: string; amount: number; client_field_1: string | null };
};

export type RecordedRequest = {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: unknown;
};

export type FincodeStandIn = {
  baseUrl: string;
  secretKey: string;
  sessions: Map<string, StandInSession>;
  payments: Map<string, StandInPayment>;
  requests: RecordedRequest[];
  /** Answer every API call with 503. */
  setDown(down: boolean): void;
  /** Carry out the next call, then drop the connection before answering (a lost response). */
  dropNextResponse(): void;
  /** The payer on fincode's page: a card that is captured, or one the card company declines. */
  pay(orderId: string, outcome: "success" | "declined"): StandInPayment;
  /** Delivers a payment notification, as fincode does, to a webhook URL with the signature header. */
  sendWebhook(
    url: string,
    orderId: string,
    options?: { signature?: string; status?: string },
  ): Promise<Response>;
  close(): Promise<void>;
};

const error = (code: string, message: string) => ({ errors: [{ error_code: code, error_message: message }] });

export async function startFincodeStandIn(options: {
  secretKey: string;
  webhookSignature: string;
}): Promise<FincodeStandIn> {
  const sessions = new Map<string, StandInSession>();
  const payments = new Map<string, StandInPayment>();
  const requests: RecordedRequest[] = [];
  /** idempotent_key → the answer given, replayed for a retry with the same key. */
  const answered = new Map<string, { status: number; body: unknown }>();
  let down = false;
  let dropNext = false;
  let baseUrl = "";

  function handle(
    method: string,
    path: string,
    body: Record<string, unknown>,
  ): { status: number; body: unknown } {
    const session = method === "POST" && path === "/v1/sessions";
    if (session) {
      const transaction = (body["transaction"] ?? {}) as Record<string, unknown>;
      const amount = String(transaction["amount"] ?? "");
      const orderId = String(transaction["order_id"] ?? "");
      if (!/^[0-9]{1,7}$/.test(amount)) {
        return { status: 400, body: error("E01050004", "transaction.amount is invalid") };
      }
      if (!/^[A-Za-z0-9_-]{1,30}$/.test(orderId)) {
        return { status: 400, body: error("E01040010", "transaction.order_id is invalid") };
      }
      if ([...sessions.values()].some((s) => s.transaction.order_id === orderId)) {
        return { status: 400, body: error("E01040013", "order_id is already used") };
      }
      const id = `s_${randomBytes(10).toString("hex")}`;
      const created: StandInSession = {
        id,
        link_url: `${baseUrl}/pay/${id}`,
        success_url: (body["success_url"] as string | undefined) ?? null,
        cancel_url: (body["cancel_url"] as string | undefined) ?? null,
        status: "CREATE",
        expire: String(body["expire"] ?? ""),
        transaction: {
          pay_type: (transaction["pay_type"] as string[] | undefined) ?? ["Card"],
          order_id: orderId,
          amount: Number(amount),
          client_field_1: (transaction["client_field_1"] as string | undefined) ?? null,
        },
      };
      sessions.set(id, created);
      return { status: 200, body: created };
    }
    const match = /^\/v1\/payments\/([A-Za-z0-9_-]+)(\/cancel|\/change)?$/.exec(path);
    const payment = match ? payments.get(match[1]!) : undefined;
    if (!match || !payment) {
      return { status: 404, body: error("E01100004", "payment not found") };
    }
    if (method === "GET" && !match[2]) {
      return { status: 200, body: payment };
    }
    if (method !== "PUT" || body["pay_type"] !== "Card" || body["access_id"] !== payment.access_id) {
      return { status: 400, body: error("E01100005", "access_id or pay_type is invalid") };
    }
    if (payment.status !== "CAPTURED") {
      return { status: 400, body: error("E01100010", "the payment cannot be changed in this status") };
    }
    if (match[2] === "/cancel") {
      payment.status = "CANCELED";
      payment.job_code = "CANCEL";
      return { status: 200, body: payment };
    }
    const amount = Number(body["amount"]);
    if (
      !Number.isInteger(amount) ||
      amount <= 0 ||
      amount > payment.amount ||
      body["job_code"] !== "CAPTURE"
    ) {
      return { status: 400, body: error("E01050004", "amount is invalid") };
    }
    payment.amount = amount;
    payment.total_amount = amount;
    return { status: 200, body: payment };
  }

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) {
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString("utf8");
    const url = new URL(request.url ?? "/", baseUrl);
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = {};
    }
    requests.push({
      method: request.method ?? "",
      path: url.pathname + url.search,
      headers: request.headers,
      body,
    });
    const send = (status: number, payload: unknown) => {
      response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
      response.end(JSON.stringify(payload));
    };
    if (down) {
      send(503, error("E90000000", "service unavailable"));
      return;
    }
    if (request.headers.authorization !== `Bearer ${options.secretKey}`) {
      send(401, error("E01100002", "the API key is invalid"));
      return;
    }
    const key = request.headers["idempotent_key"];
    const idempotencyKey = typeof key === "string" ? `${request.method} ${url.pathname} ${key}` : null;
    const answer =
      (idempotencyKey ? answered.get(idempotencyKey) : undefined) ??
      handle(request.method ?? "GET", url.pathname, body);
    if (idempotencyKey && answer.status < 500) {
      answered.set(idempotencyKey, answer);
    }
    if (dropNext) {
      dropNext = false;
      request.socket.destroy();
      return;
    }
    send(answer.status, answer.body);
  }

  const server = createServer((request, response) => {
    serve(request, response).catch((failure: unknown) => {
      response.writeHead(500);
      response.end(String(failure));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseUrl,
    secretKey: options.secretKey,
    sessions,
    payments,
    requests,
    setDown(value) {
      down = value;
    },
    dropNextResponse() {
      dropNext = true;
    },
    pay(orderId, outcome) {
      const session = [...sessions.values()].find((s) => s.transaction.order_id === orderId);
      if (!session) {
        throw new Error(`no session for order ${orderId}`);
      }
      session.status = outcome === "success" ? "PAYSUCCESS" : "ERROR";
      const payment: StandInPayment = {
        id: orderId,
        access_id: `a_${randomBytes(12).toString("hex")}`,
        pay_type: "Card",
        job_code: "CAPTURE",
        status: outcome === "success" ? "CAPTURED" : "UNPROCESSED",
        amount: session.transaction.amount,
        total_amount: session.transaction.amount,
        error_code: outcome === "success" ? null : "E01240002",
      };
      payments.set(orderId, payment);
      return payment;
    },
    async sendWebhook(url, orderId, sent = {}) {
      const payment = payments.get(orderId);
      const body = JSON.stringify({
        shop_id: "s_standin",
        order_id: orderId,
        access_id: payment?.access_id ?? null,
        amount: String(payment?.amount ?? 0),
        status: sent.status ?? payment?.status ?? "UNPROCESSED",
        pay_type: "Card",
        event: "payments.card.exec",
      });
      return fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "Fincode-Signature": sent.signature ?? options.webhookSignature,
        },
        body,
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
