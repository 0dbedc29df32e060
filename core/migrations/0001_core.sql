-- Core tables. Every tenant-owned row carries tenant_id; modules add their own tables in their own migrations.

CREATE TABLE tenants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  municipality_code char(6) NOT NULL UNIQUE CHECK (municipality_code ~ '^[0-9]{6}$'),
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]{2,40}$'),
  name_ja text NOT NULL,
  name_en text NOT NULL,
  hosts text[] NOT NULL DEFAULT '{}',
  settings jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE departments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  parent_id uuid REFERENCES departments(id),
  code text NOT NULL,
  name_ja text NOT NULL,
  name_en text NOT NULL,
  level text NOT NULL CHECK (level IN ('bu', 'ka', 'kakari')),
  UNIQUE (tenant_id, code)
);

CREATE TABLE staff_accounts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  department_id uuid REFERENCES departments(id),
  email text NOT NULL,
  display_name text NOT NULL,
  role text NOT NULL CHECK (role IN ('system_admin', 'department_manager', 'staff', 'read_only', 'operator')),
  password_hash text,
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, email)
);

CREATE TABLE residents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  email text,
  display_name text,
  preferred_language text NOT NULL DEFAULT 'ja' CHECK (preferred_language IN ('ja', 'en')),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, email)
);

-- Server-side sessions: the cookie holds only a random id; the table holds its SHA-256 so a leaked dump
-- cannot be replayed.
CREATE TABLE sessions (
  id_hash text PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  subject_type text NOT NULL CHECK (subject_type IN ('staff', 'resident')),
  subject_id uuid NOT NULL,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  ip text,
  user_agent text
);
CREATE INDEX sessions_subject ON sessions (tenant_id, subject_type, subject_id);

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  tenant_id uuid REFERENCES tenants(id),
  occurred_at timestamptz NOT NULL DEFAULT now(),
  actor_type text NOT NULL CHECK (actor_type IN ('staff', 'resident', 'system', 'api')),
  actor_id text,
  action text NOT NULL,
  resource_type text NOT NULL,
  resource_id text,
  before jsonb,
  after jsonb,
  request_id text,
  ip text
);
CREATE INDEX audit_log_tenant_time ON audit_log (tenant_id, occurred_at DESC);
CREATE INDEX audit_log_resource ON audit_log (tenant_id, resource_type, resource_id);

-- The audit log is append-only: even the application's own role cannot change history.
CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

-- Transactional outbox: written with the change, dispatched to subscribers as jobs afterwards.
CREATE TABLE domain_events (
  id bigserial PRIMARY KEY,
  tenant_id uuid REFERENCES tenants(id),
  name text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  actor_type text,
  actor_id text,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  dispatched_at timestamptz
);
CREATE INDEX domain_events_pending ON domain_events (id) WHERE dispatched_at IS NULL;

CREATE TABLE jobs (
  id bigserial PRIMARY KEY,
  tenant_id uuid REFERENCES tenants(id),
  name text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'dead')),
  run_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 5 CHECK (max_attempts >= 1),
  last_error text,
  locked_by text,
  locked_until timestamptz,
  singleton_key text,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX jobs_ready ON jobs (run_at, id) WHERE status = 'queued';
CREATE INDEX jobs_running ON jobs (locked_until) WHERE status = 'running';
CREATE UNIQUE INDEX jobs_singleton ON jobs (name, singleton_key)
  WHERE singleton_key IS NOT NULL AND status IN ('queued', 'running');

CREATE TABLE job_schedules (
  name text PRIMARY KEY,
  cron text NOT NULL,
  timezone text NOT NULL DEFAULT 'Asia/Tokyo',
  next_run_at timestamptz NOT NULL,
  last_run_at timestamptz
);

CREATE TABLE stored_files (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  storage_key text NOT NULL UNIQUE,
  file_name text NOT NULL,
  content_type text NOT NULL,
  size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
  sha256 text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Notification templates keep every version; a sent message points at the exact version it used.
CREATE TABLE notification_templates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  key text NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  language text NOT NULL CHECK (language IN ('ja', 'en')),
  subject text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, key, language, version)
);

CREATE TABLE notifications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  template_id uuid NOT NULL REFERENCES notification_templates(id),
  resident_id uuid REFERENCES residents(id),
  channel text NOT NULL CHECK (channel IN ('email', 'inbox')),
  recipient text,
  subject text NOT NULL,
  body text NOT NULL,
  reference text,
  status text NOT NULL DEFAULT 'created'
    CHECK (status IN ('created', 'sending', 'delivered', 'temporary-failure', 'permanent-failure')),
  status_detail text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  read_at timestamptz
);
CREATE INDEX notifications_inbox ON notifications (tenant_id, resident_id, created_at DESC) WHERE channel = 'inbox';
