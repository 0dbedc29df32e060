-- One work queue across modules: every application, report or booking that staff must handle is a case.

CREATE TABLE case_service_settings (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  service_key text NOT NULL CHECK (char_length(service_key) BETWEEN 1 AND 100),
  title_ja text NOT NULL,
  title_en text NOT NULL,
  sla_business_days integer CHECK (sla_business_days BETWEEN 1 AND 365),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, service_key)
);

CREATE TABLE cases (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  module text NOT NULL,
  subject_type text NOT NULL,
  subject_id text NOT NULL,
  reference text NOT NULL,
  title_ja text NOT NULL,
  title_en text NOT NULL,
  service_key text NOT NULL,
  department_id uuid REFERENCES departments(id),
  resident_id uuid REFERENCES residents(id) ON DELETE SET NULL,
  notify_email text,
  locale text NOT NULL CHECK (locale IN ('ja', 'en')),
  channel text NOT NULL CHECK (channel IN ('web', 'line', 'counter', 'paper', 'phone')),
  status text NOT NULL DEFAULT 'received'
    CHECK (status IN ('received', 'in_progress', 'returned', 'completed', 'rejected', 'withdrawn')),
  status_reason text,
  assignee_staff_id uuid REFERENCES staff_accounts(id),
  assignee_team_id uuid REFERENCES departments(id),
  next_action jsonb,
  received_at timestamptz NOT NULL DEFAULT now(),
  due_at timestamptz,
  completed_at timestamptz,
  search_text text NOT NULL DEFAULT '',
  search_bigrams text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  UNIQUE (tenant_id, subject_type, subject_id),
  FOREIGN KEY (tenant_id, service_key) REFERENCES case_service_settings (tenant_id, service_key),
  -- A final status always has its time, an open one never; returning and rejecting always say why.
  CHECK ((status IN ('completed', 'rejected', 'withdrawn')) = (completed_at IS NOT NULL)),
  CHECK (status NOT IN ('returned', 'rejected') OR status_reason IS NOT NULL)
);
-- The queue's filters: status and SLA, department, service and date, assignee, team, and the resident's own.
CREATE INDEX cases_queue ON cases (tenant_id, status, due_at);
CREATE INDEX cases_department ON cases (tenant_id, department_id, received_at DESC);
CREATE INDEX cases_service ON cases (tenant_id, service_key, received_at DESC);
CREATE INDEX cases_received ON cases (tenant_id, received_at DESC);
CREATE INDEX cases_assignee ON cases (tenant_id, assignee_staff_id) WHERE assignee_staff_id IS NOT NULL;
CREATE INDEX cases_team ON cases (tenant_id, assignee_team_id) WHERE assignee_team_id IS NOT NULL;
CREATE INDEX cases_resident ON cases (tenant_id, resident_id) WHERE resident_id IS NOT NULL;
-- Japanese full-text search: character bigrams (core/cases/search-text.ts).
CREATE INDEX cases_search ON cases USING gin (search_bigrams);

CREATE TABLE case_entries (
  id bigserial PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  case_id uuid NOT NULL REFERENCES cases(id),
  kind text NOT NULL CHECK (kind IN ('opened', 'status_changed', 'assigned', 'memo', 'message_to_resident',
    'message_from_resident', 'rated', 'note')),
  actor_type text NOT NULL CHECK (actor_type IN ('staff', 'resident', 'guest', 'system', 'api')),
  actor_id text,
  staff_id uuid REFERENCES staff_accounts(id),
  from_status text,
  to_status text,
  body text,
  visible_to_resident boolean NOT NULL,
  data jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'status_changed') = (to_status IS NOT NULL))
);
CREATE INDEX case_entries_case ON case_entries (case_id, id);
CREATE INDEX case_entries_returned ON case_entries (case_id) WHERE to_status = 'returned';

-- A case's history is a record like the audit log: entries are added, never changed or removed.
CREATE FUNCTION case_entries_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'case_entries is append-only';
END $$;
CREATE TRIGGER case_entries_no_update BEFORE UPDATE OR DELETE ON case_entries
  FOR EACH ROW EXECUTE FUNCTION case_entries_are_append_only();
CREATE TRIGGER case_entries_no_truncate BEFORE TRUNCATE ON case_entries
  FOR EACH STATEMENT EXECUTE FUNCTION case_entries_are_append_only();

CREATE TABLE case_ratings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  case_id uuid NOT NULL UNIQUE REFERENCES cases(id),
  resident_id uuid REFERENCES residents(id) ON DELETE SET NULL,
  score smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
  comment text CHECK (char_length(comment) <= 1000),
  created_at timestamptz NOT NULL DEFAULT now()
);
