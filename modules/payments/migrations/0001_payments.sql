-- 決済: what residents pay the city (fees, charges), through a payment service provider (PSP) configured
-- per city. States follow GOV.UK Pay's public ones; see docs/payments.md and payment-state.ts.

-- A city's account at a provider. Keys and secrets are data, never code: each city has its own contract.
CREATE TABLE payments_provider_accounts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  provider text NOT NULL CHECK (provider IN ('test', 'fincode')),
  -- Provider-specific: API base URL, secret key, shop name... (checked by the provider's schema)
  settings jsonb NOT NULL DEFAULT '{}',
  -- The shared secret the provider's webhooks prove themselves with (HMAC key or signature value).
  webhook_secret text NOT NULL CHECK (length(webhook_secret) >= 16),
  -- New payment requests go to the city's default account.
  is_default boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, provider)
);
CREATE UNIQUE INDEX payments_provider_accounts_one_default ON payments_provider_accounts (tenant_id)
  WHERE is_default;

CREATE TABLE payments_payments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  -- What is paid for, in the module that asked (e.g. forms / application / <id>).
  subject_module text NOT NULL,
  subject_type text NOT NULL,
  subject_id text NOT NULL,
  case_id uuid,
  resident_id uuid REFERENCES residents(id) ON DELETE SET NULL,
  guest_email text,
  -- A guest reaches the payment with a secret in the pay link; only its hash is kept.
  guest_token_hash text,
  amount integer NOT NULL CHECK (amount > 0),
  currency text NOT NULL DEFAULT 'JPY' CHECK (currency = 'JPY'),
  description_ja text NOT NULL,
  description_en text NOT NULL,
  -- Shown to the resident and sent to the provider: never personal data.
  reference text NOT NULL,
  return_path text NOT NULL CHECK (return_path ~ '^/([^/\\]|$)'),
  locale text NOT NULL CHECK (locale IN ('ja', 'en')),
  provider text NOT NULL,
  -- The current attempt at the provider (every attempt is in payments_attempts).
  attempt integer NOT NULL DEFAULT 0 CHECK (attempt >= 0),
  provider_payment_id text,
  next_url text,
  idempotency_key text,
  request_hash text,
  state text NOT NULL DEFAULT 'created'
    CHECK (state IN ('created', 'started', 'submitted', 'success', 'failed', 'cancelled', 'expired', 'error')),
  finished boolean NOT NULL DEFAULT false,
  failure_code text,
  failure_message text,
  -- When the current attempt's session at the provider lapses (90 minutes after it started).
  expires_at timestamptz,
  succeeded_at timestamptz,
  refunded_amount integer NOT NULL DEFAULT 0,
  receipt_file_id uuid REFERENCES stored_files(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (finished = (state IN ('success', 'failed', 'cancelled', 'expired', 'error'))),
  CHECK ((state = 'success') = (succeeded_at IS NOT NULL)),
  CHECK (refunded_amount >= 0 AND refunded_amount <= amount),
  CHECK (refunded_amount = 0 OR state = 'success'),
  UNIQUE (tenant_id, id)
);
CREATE INDEX payments_payments_subject
  ON payments_payments (tenant_id, subject_module, subject_type, subject_id, created_at);
CREATE INDEX payments_payments_resident ON payments_payments (tenant_id, resident_id, updated_at DESC);
CREATE INDEX payments_payments_unfinished ON payments_payments (updated_at) WHERE NOT finished;

-- Every provider payment made for a payment: a declined card and a second try are two attempts, and a
-- late webhook about the first must still find its payment.
CREATE TABLE payments_attempts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  payment_id uuid NOT NULL,
  attempt integer NOT NULL CHECK (attempt >= 1),
  provider text NOT NULL,
  provider_payment_id text NOT NULL,
  next_url text NOT NULL,
  idempotency_key text NOT NULL,
  request_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, payment_id) REFERENCES payments_payments(tenant_id, id),
  UNIQUE (payment_id, attempt),
  UNIQUE (tenant_id, provider, provider_payment_id)
);

-- Append-only history of state changes, with what told us.
CREATE TABLE payments_transitions (
  id bigserial PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  payment_id uuid NOT NULL,
  from_state text NOT NULL,
  to_state text NOT NULL,
  source text NOT NULL CHECK (source IN ('start', 'return', 'webhook', 'poll', 'reconcile', 'staff', 'expiry')),
  provider_payment_id text,
  provider_event_id text,
  at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, payment_id) REFERENCES payments_payments(tenant_id, id)
);
CREATE INDEX payments_transitions_payment ON payments_transitions (payment_id, id);

CREATE FUNCTION payments_transitions_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'payments_transitions is append-only';
END $$;
CREATE TRIGGER payments_transitions_no_update BEFORE UPDATE OR DELETE ON payments_transitions
  FOR EACH ROW EXECUTE FUNCTION payments_transitions_are_append_only();

CREATE TABLE payments_refunds (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  payment_id uuid NOT NULL,
  -- The charge refunded: the payment's own, or a second charge taken by mistake (duplicate).
  provider_payment_id text NOT NULL,
  duplicate boolean NOT NULL DEFAULT false,
  amount integer NOT NULL CHECK (amount > 0),
  state text NOT NULL DEFAULT 'submitted' CHECK (state IN ('submitted', 'success', 'error')),
  provider_refund_id text,
  reason text NOT NULL,
  -- NULL when the system refunded on its own (a duplicate payment).
  created_by uuid REFERENCES staff_accounts(id),
  idempotency_key text NOT NULL,
  error_message text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, payment_id) REFERENCES payments_payments(tenant_id, id),
  UNIQUE (tenant_id, idempotency_key)
);
CREATE INDEX payments_refunds_payment ON payments_refunds (payment_id, created_at);
-- One automatic refund per duplicate charge, however often the duplicate is reported.
CREATE UNIQUE INDEX payments_refunds_one_per_duplicate ON payments_refunds (tenant_id, provider_payment_id)
  WHERE duplicate;

-- Every webhook request received, forged ones included (they are refused, and kept as evidence).
CREATE TABLE payments_webhook_events (
  id bigserial PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  provider text NOT NULL,
  -- NULL when the request was refused before its content could be trusted.
  provider_event_id text,
  signature_valid boolean NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('applied', 'duplicate', 'stale', 'rejected', 'unknown_payment')),
  payment_id uuid,
  detail text,
  payload text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  CHECK (signature_valid OR outcome = 'rejected')
);
-- A provider event is applied once; a redelivery is logged as a duplicate row of its own.
CREATE UNIQUE INDEX payments_webhook_events_once ON payments_webhook_events (tenant_id, provider, provider_event_id)
  WHERE outcome <> 'duplicate' AND provider_event_id IS NOT NULL;
CREATE INDEX payments_webhook_events_time ON payments_webhook_events (tenant_id, received_at DESC);

-- The built-in test provider's own books, kept apart from the payments as a real PSP's would be.
CREATE TABLE payments_test_provider_payments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  idempotency_key text NOT NULL,
  request_hash text NOT NULL,
  amount integer NOT NULL CHECK (amount > 0),
  description text NOT NULL,
  reference text NOT NULL,
  return_url text NOT NULL,
  notify_url text NOT NULL,
  state text NOT NULL DEFAULT 'created'
    CHECK (state IN ('created', 'started', 'success', 'failed', 'cancelled', 'expired')),
  failure_code text,
  failure_message text,
  card_last4 text,
  refunded_amount integer NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0 AND refunded_amount <= amount),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, idempotency_key)
);

CREATE TABLE payments_test_provider_refunds (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  test_payment_id uuid NOT NULL REFERENCES payments_test_provider_payments(id),
  amount integer NOT NULL CHECK (amount > 0),
  idempotency_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, idempotency_key)
);
