import { bigserial, boolean, integer, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { residents, staffAccounts } from "../../core/identity/schema.ts";
import { storedFiles } from "../../core/storage/schema.ts";
import { tenantIdColumn, timestamptz } from "../../core/tenancy/schema.ts";
import {
  type PaymentState,
  paymentStates,
  type TransitionSource,
  transitionSources,
} from "./payment-state.ts";

export const providerNames = ["test", "fincode"] as const;
export type ProviderName = (typeof providerNames)[number];

export const providerAccounts = pgTable("payments_provider_accounts", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  provider: text("provider", { enum: providerNames }).notNull(),
  settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
  webhookSecret: text("webhook_secret").notNull(),
  isDefault: boolean("is_default").notNull().default(false),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});
export type ProviderAccount = typeof providerAccounts.$inferSelect;

export const payments = pgTable("payments_payments", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  subjectModule: text("subject_module").notNull(),
  subjectType: text("subject_type").notNull(),
  subjectId: text("subject_id").notNull(),
  caseId: uuid("case_id"),
  residentId: uuid("resident_id").references(() => residents.id, { onDelete: "set null" }),
  guestEmail: text("guest_email"),
  guestTokenHash: text("guest_token_hash"),
  amount: integer("amount").notNull(),
  currency: text("currency", { enum: ["JPY"] })
    .notNull()
    .default("JPY"),
  descriptionJa: text("description_ja").notNull(),
  descriptionEn: text("description_en").notNull(),
  reference: text("reference").notNull(),
  returnPath: text("return_path").notNull(),
  locale: text("locale", { enum: ["ja", "en"] }).notNull(),
  provider: text("provider", { enum: providerNames }).notNull(),
  attempt: integer("attempt").notNull().default(0),
  providerPaymentId: text("provider_payment_id"),
  nextUrl: text("next_url"),
  idempotencyKey: text("idempotency_key"),
  requestHash: text("request_hash"),
  state: text("state", { enum: paymentStates }).notNull().default("created"),
  finished: boolean("finished").notNull().default(false),
  failureCode: text("failure_code"),
  failureMessage: text("failure_message"),
  expiresAt: timestamptz("expires_at"),
  succeededAt: timestamptz("succeeded_at"),
  refundedAmount: integer("refunded_amount").notNull().default(0),
  receiptFileId: uuid("receipt_file_id").references(() => storedFiles.id),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
  updatedAt: timestamptz("updated_at").notNull().defaultNow(),
});
/** A payment as stored: the amount is always read from here, never from a request. */
export type Payment = typeof payments.$inferSelect;

export const attempts = pgTable("payments_attempts", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  paymentId: uuid("payment_id").notNull(),
  attempt: integer("attempt").notNull(),
  provider: text("provider", { enum: providerNames }).notNull(),
  providerPaymentId: text("provider_payment_id").notNull(),
  nextUrl: text("next_url").notNull(),
  idempotencyKey: text("idempotency_key").notNull(),
  requestHash: text("request_hash").notNull(),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});

export const transitions = pgTable("payments_transitions", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  tenantId: tenantIdColumn(),
  paymentId: uuid("payment_id").notNull(),
  fromState: text("from_state", { enum: paymentStates }).$type<PaymentState>().notNull(),
  toState: text("to_state", { enum: paymentStates }).$type<PaymentState>().notNull(),
  source: text("source", { enum: transitionSources }).$type<TransitionSource>().notNull(),
  providerPaymentId: text("provider_payment_id"),
  providerEventId: text("provider_event_id"),
  at: timestamptz("at").notNull().defaultNow(),
});
export type Transition = typeof transitions.$inferSelect;

export const refundStates = ["submitted", "success", "error"] as const;
export type RefundState = (typeof refundStates)[number];

export const refunds = pgTable("payments_refunds", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  paymentId: uuid("payment_id").notNull(),
  providerPaymentId: text("provider_payment_id").notNull(),
  duplicate: boolean("duplicate").notNull().default(false),
  amount: integer("amount").notNull(),
  state: text("state", { enum: refundStates }).notNull().default("submitted"),
  providerRefundId: text("provider_refund_id"),
  reason: text("reason").notNull(),
  createdBy: uuid("created_by").references(() => staffAccounts.id),
  idempotencyKey: text("idempotency_key").notNull(),
  errorMessage: text("error_message"),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
  updatedAt: timestamptz("updated_at").notNull().defaultNow(),
});
export type Refund = typeof refunds.$inferSelect;

export const webhookOutcomes = ["applied", "duplicate", "stale", "rejected", "unknown_payment"] as const;
export type WebhookOutcome = (typeof webhookOutcomes)[number];

export const webhookEvents = pgTable("payments_webhook_events", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  tenantId: tenantIdColumn(),
  provider: text("provider", { enum: providerNames }).notNull(),
  providerEventId: text("provider_event_id"),
  signatureValid: boolean("signature_valid").notNull(),
  outcome: text("outcome", { enum: webhookOutcomes }).notNull(),
  paymentId: uuid("payment_id"),
  detail: text("detail"),
  payload: text("payload").notNull(),
  receivedAt: timestamptz("received_at").notNull().defaultNow(),
});
export type WebhookEventRow = typeof webhookEvents.$inferSelect;

export const testProviderStates = [
  "created",
  "started",
  "success",
  "failed",
  "cancelled",
  "expired",
] as const;
export type TestProviderState = (typeof testProviderStates)[number];

export const testProviderPayments = pgTable("payments_test_provider_payments", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  idempotencyKey: text("idempotency_key").notNull(),
  requestHash: text("request_hash").notNull(),
  amount: integer("amount").notNull(),
  description: text("description").notNull(),
  reference: text("reference").notNull(),
  returnUrl: text("return_url").notNull(),
  notifyUrl: text("notify_url").notNull(),
  state: text("state", { enum: testProviderStates }).notNull().default("created"),
  failureCode: text("failure_code"),
  failureMessage: text("failure_message"),
  cardLast4: text("card_last4"),
  refundedAmount: integer("refunded_amount").notNull().default(0),
  expiresAt: timestamptz("expires_at").notNull(),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
  updatedAt: timestamptz("updated_at").notNull().defaultNow(),
});
export type TestProviderPayment = typeof testProviderPayments.$inferSelect;

export const testProviderRefunds = pgTable("payments_test_provider_refunds", {
  id: uuid("id").primaryKey().defaultRandom(),
  tenantId: tenantIdColumn(),
  testPaymentId: uuid("test_payment_id")
    .notNull()
    .references(() => testProviderPayments.id),
  amount: integer("amount").notNull(),
  idempotencyKey: text("idempotency_key").notNull(),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});
