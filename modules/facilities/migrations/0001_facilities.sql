-- 施設予約: facilities, their rooms/courts (units), the city's booking rules, groups (団体登録), bookings
-- (no overlap enforced by an exclusion constraint), digital keys and the penalty ledger. See docs/facilities.md.

-- The city's booking rules as data (user categories, multipliers, windows, refund table, payment deadline,
-- penalties), checked by FacilityRules in rules.ts when read and written.
CREATE TABLE facilities_rules (
  tenant_id uuid PRIMARY KEY REFERENCES tenants(id),
  rules jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE facilities_facilities (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,60}$'),
  name_ja text NOT NULL,
  name_en text NOT NULL,
  address_ja text NOT NULL DEFAULT '',
  address_en text NOT NULL DEFAULT '',
  -- The 条例 that sets the facility's fees (地方自治法 §228), shown with the fee.
  ordinance_ref text NOT NULL DEFAULT '',
  -- 休館日: 0 = Sunday … 6 = Saturday; when it falls on a holiday the next non-holiday day closes instead.
  weekly_closed_day smallint CHECK (weekly_closed_day BETWEEN 0 AND 6),
  -- 年末年始 {from: "MM-DD", to: "MM-DD"}; null = the city's settings.yearEndClosure (default 12/29–1/3).
  year_end_closure jsonb,
  sort_order integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, slug),
  UNIQUE (tenant_id, id)
);

-- Ad-hoc closures (点検, 工事…), inclusive Tokyo dates.
CREATE TABLE facilities_closures (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  facility_id uuid NOT NULL,
  from_date date NOT NULL,
  to_date date NOT NULL CHECK (to_date >= from_date),
  reason_ja text NOT NULL DEFAULT '',
  reason_en text NOT NULL DEFAULT '',
  FOREIGN KEY (tenant_id, facility_id) REFERENCES facilities_facilities (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX facilities_closures_facility ON facilities_closures (facility_id, from_date);

-- A bookable room or court. `schedule` holds its time blocks and base fees (FacilitySchedule in rules.ts).
CREATE TABLE facilities_units (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  facility_id uuid NOT NULL,
  name_ja text NOT NULL,
  name_en text NOT NULL,
  capacity integer NOT NULL CHECK (capacity > 0),
  schedule jsonb NOT NULL,
  lock_provider text NOT NULL DEFAULT 'test',
  sort_order integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, facility_id) REFERENCES facilities_facilities (tenant_id, id) ON DELETE CASCADE
);

-- 団体登録: one real group = one registration (normalised name unique), one representative per group and
-- one group per representative.
CREATE TABLE facilities_groups (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  normalized_name text NOT NULL,
  representative_resident_id uuid NOT NULL REFERENCES residents(id),
  user_category text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  decided_by uuid REFERENCES staff_accounts(id),
  decided_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, normalized_name),
  UNIQUE (tenant_id, representative_resident_id),
  UNIQUE (tenant_id, id)
);

CREATE TABLE facilities_bookings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  unit_id uuid NOT NULL,
  reference text NOT NULL,
  resident_id uuid REFERENCES residents(id),
  group_id uuid,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL CHECK (ends_at > starts_at),
  during tstzrange GENERATED ALWAYS AS (tstzrange(starts_at, ends_at, '[)')) STORED,
  status text NOT NULL CHECK (status IN ('held', 'provisional', 'confirmed', 'cancelled', 'expired')),
  source text NOT NULL CHECK (source IN ('resident', 'lottery', 'official_use')),
  lottery_round_id uuid,
  user_category text,
  admission_charged boolean NOT NULL DEFAULT false,
  -- Yen, computed by the server from the fee table; never taken from a request.
  fee integer NOT NULL DEFAULT 0 CHECK (fee >= 0),
  purpose text NOT NULL DEFAULT '',
  idempotency_key text,
  -- Pay by (仮予約); a lottery award must be confirmed and paid by then too.
  confirm_by timestamptz,
  confirmed_at timestamptz,
  cancelled_at timestamptz,
  cancel_reason text CHECK (cancel_reason IN ('resident', 'official_use', 'lottery_released', 'staff')),
  refund_amount integer,
  no_show_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, reference),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, unit_id) REFERENCES facilities_units (tenant_id, id),
  FOREIGN KEY (tenant_id, group_id) REFERENCES facilities_groups (tenant_id, id),
  CHECK (source = 'resident' AND resident_id IS NOT NULL OR source <> 'resident'),
  -- No double booking, whatever races: a live booking's time range may not overlap another on the unit.
  CONSTRAINT facilities_bookings_no_overlap EXCLUDE USING gist (unit_id WITH =, during WITH &&)
    WHERE (status IN ('held', 'provisional', 'confirmed'))
);
CREATE UNIQUE INDEX facilities_bookings_idempotency ON facilities_bookings (tenant_id, resident_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX facilities_bookings_resident ON facilities_bookings (tenant_id, resident_id, starts_at);
CREATE INDEX facilities_bookings_expiry ON facilities_bookings (confirm_by) WHERE status = 'provisional';

-- Points for no-shows and late cancellations; a suspension follows from the sum in the rules' window.
CREATE TABLE facilities_penalties (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  resident_id uuid REFERENCES residents(id),
  group_id uuid,
  booking_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('no_show', 'late_cancel')),
  points numeric(6, 2) NOT NULL CHECK (points > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (booking_id, kind),
  FOREIGN KEY (tenant_id, booking_id) REFERENCES facilities_bookings (tenant_id, id)
);
CREATE INDEX facilities_penalties_resident ON facilities_penalties (tenant_id, resident_id, created_at);

-- The door code of a confirmed booking, issued and revoked at the unit's smart lock by jobs.
CREATE TABLE facilities_digital_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  booking_id uuid NOT NULL UNIQUE,
  unit_id uuid NOT NULL,
  pin text NOT NULL,
  valid_from timestamptz NOT NULL,
  valid_until timestamptz NOT NULL,
  lock_reference text,
  status text NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'revoked')),
  issued_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  FOREIGN KEY (tenant_id, booking_id) REFERENCES facilities_bookings (tenant_id, id)
);

-- The built-in test lock: the codes it accepts, like a real lock's memory.
CREATE TABLE facilities_test_lock_codes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  unit_id uuid NOT NULL,
  pin text NOT NULL,
  valid_from timestamptz NOT NULL,
  valid_until timestamptz NOT NULL,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX facilities_test_lock_codes_unit ON facilities_test_lock_codes (tenant_id, unit_id);

-- A resident's personal iCalendar feed: only the token's hash is kept; the URL is shown once.
CREATE TABLE facilities_calendar_feeds (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  resident_id uuid NOT NULL REFERENCES residents(id),
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, resident_id)
);

-- A resident's user category when staff have set one (e.g. 市外 after checking an address); without a row the
-- rules' defaultUserCategory applies.
CREATE TABLE facilities_resident_categories (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  resident_id uuid NOT NULL REFERENCES residents(id),
  user_category text NOT NULL,
  PRIMARY KEY (tenant_id, resident_id)
);
