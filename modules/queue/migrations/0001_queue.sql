-- 待たない窓口: numbered tickets per office and day, called to counters. See docs/queue.md.

-- An office residents queue at (本庁 市民課, a 支所...). Hours and notice settings are data per city.
CREATE TABLE queue_offices (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
  name_ja text NOT NULL,
  name_en text NOT NULL,
  -- Staff of this department (and below) call its tickets.
  department_id uuid REFERENCES departments(id),
  -- Ticketing hours per weekday, index 0 = Sunday: {"opens":"08:30","closes":"17:00"} or null (closed).
  -- National holidays and 年末年始 close a weekday whatever these say.
  hours jsonb NOT NULL,
  -- false for a 休日窓口 that opens on national holidays and 年末年始 too.
  closed_on_holidays boolean NOT NULL DEFAULT true,
  -- A resident hears "your turn is near" once this many people or fewer are ahead.
  notify_ahead integer NOT NULL DEFAULT 3 CHECK (notify_ahead BETWEEN 0 AND 50),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, slug),
  UNIQUE (tenant_id, id)
);

CREATE TABLE queue_counters (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  office_id uuid NOT NULL,
  -- 窓口1, 窓口2...: the number called out and shown on the board.
  number integer NOT NULL CHECK (number BETWEEN 1 AND 99),
  UNIQUE (office_id, number),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, office_id) REFERENCES queue_offices (tenant_id, id)
);

-- A kind of procedure with its own line (住民票・戸籍 "A", 転入・転出 "B").
CREATE TABLE queue_categories (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  office_id uuid NOT NULL,
  prefix text NOT NULL CHECK (prefix ~ '^[A-Z]$'),
  name_ja text NOT NULL,
  name_en text NOT NULL,
  -- The estimate's base until the day has served enough tickets to measure it.
  average_service_minutes integer NOT NULL CHECK (average_service_minutes BETWEEN 1 AND 240),
  sort_order integer NOT NULL DEFAULT 0,
  UNIQUE (office_id, prefix),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, office_id) REFERENCES queue_offices (tenant_id, id)
);

-- Which counters serve which categories.
CREATE TABLE queue_counter_categories (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  counter_id uuid NOT NULL,
  category_id uuid NOT NULL,
  PRIMARY KEY (counter_id, category_id),
  FOREIGN KEY (tenant_id, counter_id) REFERENCES queue_counters (tenant_id, id),
  FOREIGN KEY (tenant_id, category_id) REFERENCES queue_categories (tenant_id, id)
);

-- The last number issued per office and day, advanced atomically (INSERT ... ON CONFLICT DO UPDATE).
CREATE TABLE queue_day_sequences (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  office_id uuid NOT NULL,
  service_date date NOT NULL,
  last_number integer NOT NULL CHECK (last_number > 0),
  PRIMARY KEY (office_id, service_date),
  FOREIGN KEY (tenant_id, office_id) REFERENCES queue_offices (tenant_id, id)
);

CREATE TABLE queue_tickets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  office_id uuid NOT NULL,
  category_id uuid NOT NULL,
  service_date date NOT NULL,
  number integer NOT NULL CHECK (number > 0),
  -- What the resident and the board read: the category's prefix and the day's number ("A012").
  display_number text NOT NULL,
  -- The status page's secret (/queue/t/<token>). Kept as is, not hashed: the notifications link to it and
  -- it guards nothing beyond a place in today's line.
  token text NOT NULL UNIQUE CHECK (length(token) >= 32),
  -- The site address the ticket was taken on: notices sent later by a job link back to it.
  origin text NOT NULL CHECK (origin ~ '^https?://[^/]+$'),
  channel text NOT NULL CHECK (channel IN ('kiosk', 'online')),
  resident_id uuid REFERENCES residents(id) ON DELETE SET NULL,
  guest_email text,
  language text NOT NULL CHECK (language IN ('ja', 'en')),
  idempotency_key text,
  status text NOT NULL DEFAULT 'waiting'
    CHECK (status IN ('waiting', 'called', 'done', 'skipped', 'cancelled')),
  counter_id uuid,
  called_at timestamptz,
  -- Times called to a counter, recalls included.
  call_count integer NOT NULL DEFAULT 0,
  finished_at timestamptz,
  -- Each notice goes out at most once per ticket; these are set in the transaction that sends it.
  near_notified_at timestamptz,
  called_notified_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (office_id, service_date, number),
  CHECK (status <> 'called' OR counter_id IS NOT NULL),
  FOREIGN KEY (tenant_id, office_id) REFERENCES queue_offices (tenant_id, id),
  FOREIGN KEY (tenant_id, category_id) REFERENCES queue_categories (tenant_id, id),
  FOREIGN KEY (tenant_id, counter_id) REFERENCES queue_counters (tenant_id, id)
);
-- The next ticket of a line: waiting ones of an office's day in number order.
CREATE INDEX queue_tickets_line ON queue_tickets (office_id, service_date, category_id, number)
  WHERE status = 'waiting';
-- One counter calls one ticket at a time.
CREATE UNIQUE INDEX queue_tickets_one_per_counter ON queue_tickets (counter_id) WHERE status = 'called';
-- A resident holds one live ticket per office and day.
CREATE UNIQUE INDEX queue_tickets_one_live_per_resident ON queue_tickets (office_id, service_date, resident_id)
  WHERE resident_id IS NOT NULL AND status IN ('waiting', 'called');
-- A repeated request (double tap, retry) returns the first ticket.
CREATE UNIQUE INDEX queue_tickets_resident_idempotency ON queue_tickets (tenant_id, resident_id, idempotency_key)
  WHERE resident_id IS NOT NULL AND idempotency_key IS NOT NULL;
CREATE UNIQUE INDEX queue_tickets_guest_idempotency ON queue_tickets (tenant_id, idempotency_key)
  WHERE resident_id IS NULL AND idempotency_key IS NOT NULL;
CREATE INDEX queue_tickets_resident ON queue_tickets (tenant_id, resident_id) WHERE resident_id IS NOT NULL;
