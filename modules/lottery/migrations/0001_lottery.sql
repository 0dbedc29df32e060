-- 抽選: rounds of popular facility slots drawn among applicants before the slots open first-come.
-- The slots themselves are lottery holds in the facilities module (one booking each); see docs/lottery.md.

CREATE TABLE lottery_rounds (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  title_ja text NOT NULL CHECK (length(title_ja) BETWEEN 1 AND 200),
  title_en text NOT NULL CHECK (length(title_en) BETWEEN 1 AND 200),
  applications_open_at timestamptz NOT NULL,
  applications_close_at timestamptz NOT NULL,
  draw_at timestamptz NOT NULL,
  confirm_by timestamptz NOT NULL,
  first_come_at timestamptz NOT NULL,
  -- Entries one applicant (a group, or a resident alone) may hold in rounds drawn in the same Tokyo month.
  max_entries_per_applicant integer NOT NULL CHECK (max_entries_per_applicant >= 1),
  max_wins_per_applicant integer NOT NULL CHECK (max_wins_per_applicant >= 1),
  choices_per_entry integer NOT NULL CHECK (choices_per_entry BETWEEN 1 AND 5),
  -- Ordered user categories, e.g. [["resident"],["non_resident"]]: 市内 drawn first. Others may not enter.
  priority_tiers jsonb NOT NULL,
  -- The seed stays secret until the draw; its SHA-256 is public from the round's creation.
  seed text NOT NULL CHECK (seed ~ '^[0-9a-f]{64}$'),
  seed_hash text NOT NULL CHECK (seed_hash ~ '^[0-9a-f]{64}$'),
  status text NOT NULL DEFAULT 'accepting' CHECK (status IN ('accepting', 'drawn', 'released')),
  -- What /lottery/<id>/draw.json publishes, frozen at the draw.
  published_draw jsonb,
  drawn_at timestamptz,
  released_at timestamptz,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (applications_open_at < applications_close_at),
  CHECK (applications_close_at <= draw_at),
  CHECK (draw_at < confirm_by),
  CHECK (confirm_by <= first_come_at),
  CHECK ((status = 'accepting') = (published_draw IS NULL))
);
CREATE INDEX lottery_rounds_tenant ON lottery_rounds (tenant_id, applications_open_at);

-- A slot the round covers: one facility unit's time block, held in the facilities module by booking_id.
CREATE TABLE lottery_slots (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  round_id uuid NOT NULL REFERENCES lottery_rounds(id),
  unit_id uuid NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  label_ja text NOT NULL,
  label_en text NOT NULL,
  booking_id uuid NOT NULL,
  UNIQUE (round_id, unit_id, starts_at)
);

-- One entry per applicant per round: the applicant is the group when a resident enters on its behalf, so a
-- group's representative and its members cannot enter twice for it.
CREATE TABLE lottery_entries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  round_id uuid NOT NULL REFERENCES lottery_rounds(id),
  resident_id uuid NOT NULL REFERENCES residents(id),
  group_id uuid,
  applicant_key text NOT NULL,
  user_category text NOT NULL,
  tier integer NOT NULL CHECK (tier >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (round_id, applicant_key),
  CHECK (applicant_key = CASE WHEN group_id IS NULL THEN 'resident:' || resident_id ELSE 'group:' || group_id END)
);
CREATE INDEX lottery_entries_resident ON lottery_entries (tenant_id, resident_id);
CREATE INDEX lottery_entries_applicant ON lottery_entries (tenant_id, applicant_key);

-- 第一/第二/第三希望.
CREATE TABLE lottery_choices (
  entry_id uuid NOT NULL REFERENCES lottery_entries(id) ON DELETE CASCADE,
  rank integer NOT NULL CHECK (rank >= 1),
  slot_id uuid NOT NULL REFERENCES lottery_slots(id),
  PRIMARY KEY (entry_id, rank),
  UNIQUE (entry_id, slot_id)
);

-- A win, and what became of it: the winner confirms and pays in the facilities module by confirm_by.
CREATE TABLE lottery_wins (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  round_id uuid NOT NULL REFERENCES lottery_rounds(id),
  entry_id uuid NOT NULL REFERENCES lottery_entries(id),
  slot_id uuid NOT NULL UNIQUE REFERENCES lottery_slots(id),
  rank integer NOT NULL,
  booking_id uuid NOT NULL,
  booking_path text NOT NULL,
  status text NOT NULL DEFAULT 'awarded' CHECK (status IN ('awarded', 'confirmed', 'forfeited')),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX lottery_wins_booking ON lottery_wins (tenant_id, booking_id);
