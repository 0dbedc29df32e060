-- 窓口予約: residents book a time at a counter (母子手帳交付, おくやみ窓口...). See docs/appointments.md.

-- What can be booked: a counter's service, its length, how many people it takes at once and its rules.
CREATE TABLE appointments_types (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9-]{2,60}$'),
  name_ja text NOT NULL CHECK (length(name_ja) BETWEEN 1 AND 120),
  name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 120),
  description_ja text NOT NULL DEFAULT '',
  description_en text NOT NULL DEFAULT '',
  place_ja text NOT NULL DEFAULT '',
  place_en text NOT NULL DEFAULT '',
  department_id uuid NOT NULL REFERENCES departments(id),
  duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 480),
  -- How many people can be booked into the same slot (staff at the counter).
  capacity_per_slot integer NOT NULL CHECK (capacity_per_slot BETWEEN 1 AND 100),
  -- The earliest bookable day is this many 開庁日 after today.
  lead_business_days integer NOT NULL DEFAULT 1 CHECK (lead_business_days BETWEEN 0 AND 60),
  -- The latest bookable day is this many calendar days after today.
  horizon_days integer NOT NULL DEFAULT 60 CHECK (horizon_days BETWEEN 1 AND 366),
  -- Upcoming appointments of this type one resident may hold at once.
  max_active_per_person integer NOT NULL DEFAULT 1 CHECK (max_active_per_person BETWEEN 1 AND 20),
  -- Residents may cancel or reschedule until the end of the 開庁日 this many 開庁日 before the day (0: until
  -- the slot starts).
  change_deadline_business_days integer NOT NULL DEFAULT 1 CHECK (change_deadline_business_days BETWEEN 0 AND 30),
  -- Slug of a form of the forms module whose questions are asked before booking (事前質問).
  pre_question_form_slug text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, slug),
  UNIQUE (tenant_id, id)
);

-- Weekly opening hours: one or more periods per weekday (0 = Sunday), in Tokyo time. Slots start at `opens`
-- and follow each other until one would end after `closes`.
CREATE TABLE appointments_opening_hours (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  type_id uuid NOT NULL,
  weekday integer NOT NULL CHECK (weekday BETWEEN 0 AND 6),
  opens text NOT NULL CHECK (opens ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  closes text NOT NULL CHECK (closes ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  CHECK (opens < closes),
  FOREIGN KEY (tenant_id, type_id) REFERENCES appointments_types (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX appointments_opening_hours_type ON appointments_opening_hours (type_id, weekday);

-- Days a counter is closed besides weekends, national holidays and 年末年始 (e.g. a system switchover);
-- a null type closes every counter of the city.
CREATE TABLE appointments_closures (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  type_id uuid,
  date date NOT NULL,
  reason_ja text NOT NULL DEFAULT '',
  reason_en text NOT NULL DEFAULT '',
  FOREIGN KEY (tenant_id, type_id) REFERENCES appointments_types (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX appointments_closures_day ON appointments_closures (tenant_id, date);

-- One row per slot that has ever been booked: the database itself keeps `taken` within `capacity`, and every
-- booking moves it with one guarded statement, so parallel requests can never overbook.
CREATE TABLE appointments_slot_counters (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  type_id uuid NOT NULL,
  starts_at timestamptz NOT NULL,
  capacity integer NOT NULL CHECK (capacity >= 1),
  taken integer NOT NULL CHECK (taken >= 0 AND taken <= capacity),
  PRIMARY KEY (type_id, starts_at),
  FOREIGN KEY (tenant_id, type_id) REFERENCES appointments_types (tenant_id, id)
);

CREATE TABLE appointments_appointments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  type_id uuid NOT NULL,
  reference text NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled', 'arrived', 'no_show')),
  channel text NOT NULL CHECK (channel IN ('web', 'phone')),
  resident_id uuid REFERENCES residents(id) ON DELETE SET NULL,
  -- A phone caller without an account: who to expect and how to reach them.
  caller_name text CHECK (length(caller_name) <= 100),
  caller_phone text CHECK (caller_phone ~ '^0[0-9]{9,10}$'),
  booked_by uuid REFERENCES staff_accounts(id),
  locale text NOT NULL CHECK (locale IN ('ja', 'en')),
  -- The pre-question answers, and the same as people read them (labels in both languages), so the staff
  -- view does not depend on the form's later versions.
  form_version_id uuid,
  answers jsonb NOT NULL DEFAULT '{}',
  answers_display jsonb NOT NULL DEFAULT '[]',
  idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 100),
  reminded_at timestamptz,
  cancelled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (starts_at < ends_at),
  CHECK (resident_id IS NOT NULL OR caller_name IS NOT NULL OR status = 'cancelled'),
  CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
  UNIQUE (tenant_id, reference),
  FOREIGN KEY (tenant_id, type_id) REFERENCES appointments_types (tenant_id, id)
);
-- A repeated request (double click, retry after a timeout) finds the first booking instead of making another.
CREATE UNIQUE INDEX appointments_appointments_resident_key
  ON appointments_appointments (tenant_id, resident_id, idempotency_key) WHERE resident_id IS NOT NULL;
CREATE UNIQUE INDEX appointments_appointments_staff_key
  ON appointments_appointments (tenant_id, booked_by, idempotency_key) WHERE booked_by IS NOT NULL;
CREATE INDEX appointments_appointments_day ON appointments_appointments (tenant_id, type_id, starts_at);
CREATE INDEX appointments_appointments_resident ON appointments_appointments (tenant_id, resident_id, starts_at);
CREATE INDEX appointments_appointments_unreminded
  ON appointments_appointments (starts_at) WHERE status = 'booked' AND reminded_at IS NULL;
