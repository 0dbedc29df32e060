-- Resident identity: how residents sign in (email code, passkey, LINE, My Number card), what is verified
-- about them, what they typed, and what they consented to.

ALTER TABLE residents ADD COLUMN deleted_at timestamptz;

-- The assurance a session reached (none < email < line < card); staff sessions leave it NULL.
ALTER TABLE sessions
  ADD COLUMN assurance_level text CHECK (assurance_level IN ('none', 'email', 'line', 'card')),
  ADD COLUMN authenticated_at timestamptz NOT NULL DEFAULT now();

-- An external identity linked to a resident: a LINE user id, or the subject the デジタル認証アプリ issues.
CREATE TABLE resident_identities (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  resident_id uuid NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
  provider text NOT NULL CHECK (provider IN ('line', 'card')),
  subject text NOT NULL,
  linked_at timestamptz NOT NULL DEFAULT now(),
  last_verified_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, provider, subject),
  UNIQUE (resident_id, provider)
);

-- One row per profile attribute: its value, where it came from, and when and how it was verified.
CREATE TABLE resident_attributes (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  resident_id uuid NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
  name text NOT NULL CHECK (name ~ '^[a-z][a-z_]{1,40}$'),
  value jsonb NOT NULL,
  source text NOT NULL CHECK (source IN ('typed', 'card_verified')),
  verified_at timestamptz,
  verification_method text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (resident_id, name),
  CHECK ((source = 'card_verified') = (verified_at IS NOT NULL))
);
CREATE INDEX resident_attributes_tenant ON resident_attributes (tenant_id, name);

-- Consent per attribute and purpose. Withdrawing keeps the row (the record of what was agreed, and when);
-- granting again adds a new one.
CREATE TABLE resident_consents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  resident_id uuid NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
  attribute text NOT NULL,
  purpose text NOT NULL CHECK (purpose IN ('service_delivery', 'targeting')),
  granted_at timestamptz NOT NULL DEFAULT now(),
  withdrawn_at timestamptz
);
CREATE UNIQUE INDEX resident_consents_active ON resident_consents (resident_id, attribute, purpose)
  WHERE withdrawn_at IS NULL;

-- One-time sign-in codes: only a hash is kept, bound to the browser that asked (flow_hash).
CREATE TABLE sign_in_codes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  email text NOT NULL,
  flow_hash text NOT NULL,
  code_hash text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  expires_at timestamptz NOT NULL,
  consumed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_codes_flow ON sign_in_codes (tenant_id, flow_hash);

-- Pending redirects and ceremonies (OIDC state, nonce and PKCE verifier; WebAuthn challenges), keyed by the
-- hash of a short-lived cookie and deleted when used, so a replayed callback finds nothing.
CREATE TABLE auth_flows (
  id_hash text PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  kind text NOT NULL,
  data jsonb NOT NULL,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE passkey_credentials (
  id text PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  resident_id uuid NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
  public_key bytea NOT NULL,
  counter bigint NOT NULL DEFAULT 0,
  transports text[] NOT NULL DEFAULT '{}',
  device_type text,
  backed_up boolean NOT NULL DEFAULT false,
  label text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz
);
CREATE INDEX passkey_credentials_resident ON passkey_credentials (tenant_id, resident_id);

-- OpenID providers per tenant: LINE Login and the デジタル認証アプリ for residents, an IdP for staff.
CREATE TABLE identity_providers (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  kind text NOT NULL CHECK (kind IN ('line', 'card', 'staff')),
  issuer text NOT NULL,
  client_id text NOT NULL,
  client_secret text NOT NULL,
  scopes text NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  settings jsonb NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, kind)
);

-- Fixed-window counters for throttling sign-in (per account, per IP), shared by every process.
CREATE TABLE rate_limits (
  key text PRIMARY KEY,
  window_started_at timestamptz NOT NULL,
  count integer NOT NULL
);
