-- Staff access: a second factor (TOTP), the subject of a future single sign-on, and the services an operator
-- (委託事業者) is named for.

-- totp_secret is set at enrolment and only trusted once totp_enabled_at is set by a confirmed code.
-- totp_last_step is the time step of the last accepted code, so the same code cannot be replayed.
ALTER TABLE staff_accounts
  ADD COLUMN totp_secret text,
  ADD COLUMN totp_enabled_at timestamptz,
  ADD COLUMN totp_last_step bigint,
  ADD COLUMN sso_subject text,
  ADD CONSTRAINT staff_accounts_totp_enabled_has_secret CHECK (totp_enabled_at IS NULL OR totp_secret IS NOT NULL);
CREATE UNIQUE INDEX staff_accounts_sso_subject ON staff_accounts (tenant_id, sso_subject)
  WHERE sso_subject IS NOT NULL;

-- An operator sees only what is granted here by name; other roles reach resources through their department.
-- resource_type is 'service' (a procedure of the catalog) for now.
CREATE TABLE staff_service_grants (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  staff_id uuid NOT NULL REFERENCES staff_accounts(id) ON DELETE CASCADE,
  resource_type text NOT NULL CHECK (resource_type ~ '^[a-z][a-z_]{1,40}$'),
  resource_id uuid NOT NULL,
  granted_by uuid REFERENCES staff_accounts(id),
  granted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, staff_id, resource_type, resource_id)
);
CREATE INDEX staff_service_grants_resource ON staff_service_grants (tenant_id, resource_type, resource_id);
