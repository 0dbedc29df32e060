-- 通報: residents' reports of road damage, streetlights, rivers, parks, illegal dumping, dead animals...
-- Categories, statuses, areas and routing rules are data per city. See docs/reports.md.

-- A city's statuses. `category` is what Open311 and the public understand: open, closed (not fixed: not
-- the city's, duplicate, cannot be done) or fixed. `stage` picks the pin colour: received red, in_progress
-- yellow, done green.
CREATE TABLE report_statuses (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  key text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
  label_ja text NOT NULL,
  label_en text NOT NULL,
  category text NOT NULL CHECK (category IN ('open', 'closed', 'fixed')),
  stage text NOT NULL CHECK (stage IN ('received', 'in_progress', 'done')),
  -- The one status a new report starts in.
  is_initial boolean NOT NULL DEFAULT false,
  sort_order integer NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, key),
  CHECK (NOT is_initial OR (category = 'open' AND stage = 'received'))
);
CREATE UNIQUE INDEX report_statuses_one_initial ON report_statuses (tenant_id) WHERE is_initial;

-- An area used for routing and for the city's boundary: a 町字 or a polygon drawn by staff (GeoJSON).
CREATE TABLE report_areas (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  kind text NOT NULL CHECK (kind IN ('boundary', 'machiaza', 'polygon')),
  code text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9_-]{0,59}$'),
  name_ja text NOT NULL,
  name_en text NOT NULL,
  geometry jsonb NOT NULL,
  min_lat double precision NOT NULL,
  min_lng double precision NOT NULL,
  max_lat double precision NOT NULL,
  max_lng double precision NOT NULL,
  area_m2 double precision NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, code),
  UNIQUE (tenant_id, id)
);
CREATE UNIQUE INDEX report_areas_one_boundary ON report_areas (tenant_id) WHERE kind = 'boundary';

CREATE TABLE report_categories (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  -- Open311 service_code; also the URL segment.
  code text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
  name_ja text NOT NULL,
  name_en text NOT NULL,
  description_ja text NOT NULL DEFAULT '',
  description_en text NOT NULL DEFAULT '',
  -- Open311 group, e.g. 道路・河川.
  group_ja text NOT NULL DEFAULT '',
  group_en text NOT NULL DEFAULT '',
  -- Extra questions: a published form of the forms module, by slug.
  form_slug text,
  allow_anonymous boolean NOT NULL DEFAULT true,
  -- exact: the pin as placed; coarse: snapped to a grid of coarsen_meters; hidden: not on the public map.
  public_location text NOT NULL DEFAULT 'exact' CHECK (public_location IN ('exact', 'coarse', 'hidden')),
  coarsen_meters integer NOT NULL DEFAULT 200 CHECK (coarsen_meters BETWEEN 50 AND 2000),
  sla_business_days integer CHECK (sla_business_days BETWEEN 1 AND 365),
  -- Open reports of the category this close are offered to the resident as "already reported".
  duplicate_radius_meters integer NOT NULL DEFAULT 50 CHECK (duplicate_radius_meters BETWEEN 0 AND 1000),
  -- A closed report may be reopened by its reporter or a follower for this many days (0: never).
  reopen_days integer NOT NULL DEFAULT 14 CHECK (reopen_days BETWEEN 0 AND 365),
  -- Where a report goes when no routing rule matches.
  default_department_id uuid REFERENCES departments(id),
  active boolean NOT NULL DEFAULT true,
  sort_order integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, code),
  UNIQUE (tenant_id, id)
);

-- Routing as data: category × area → department. The most specific rule wins (category and area, then
-- category, then area; among areas the smallest), so adding a rule for one 町字 never steals reports of
-- another category the way Signalen's first-match order can. See routing.ts.
CREATE TABLE report_routing_rules (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  category_id uuid,
  area_id uuid,
  department_id uuid NOT NULL REFERENCES departments(id),
  note text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, category_id) REFERENCES report_categories (tenant_id, id),
  FOREIGN KEY (tenant_id, area_id) REFERENCES report_areas (tenant_id, id),
  CHECK (category_id IS NOT NULL OR area_id IS NOT NULL)
);
CREATE UNIQUE INDEX report_routing_rules_unique
  ON report_routing_rules (tenant_id, coalesce(category_id, '00000000-0000-0000-0000-000000000000'),
    coalesce(area_id, '00000000-0000-0000-0000-000000000000'));

-- Public replies staff pick from (定型文), optionally moving the report to a status.
CREATE TABLE report_reply_templates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  title text NOT NULL,
  body_ja text NOT NULL,
  body_en text NOT NULL,
  status_key text,
  sort_order integer NOT NULL DEFAULT 0,
  FOREIGN KEY (tenant_id, status_key) REFERENCES report_statuses (tenant_id, key)
);

CREATE TABLE reports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  -- 受付番号, e.g. R-K7XM-4RPA; also the Open311 service_request_id.
  reference text NOT NULL,
  category_id uuid NOT NULL,
  status_key text NOT NULL,
  -- Denormalised from the status for the map and its summary (kept in step by the operations).
  stage text NOT NULL CHECK (stage IN ('received', 'in_progress', 'done')),
  status_category text NOT NULL CHECK (status_category IN ('open', 'closed', 'fixed')),
  lat double precision NOT NULL,
  lng double precision NOT NULL,
  -- Where the public sees it: the pin, a coarsened point, or null (hidden category or hidden by staff).
  public_lat double precision,
  public_lng double precision,
  -- Web Mercator tile of the public point at zoom 20, for the map summary.
  public_tile_x integer,
  public_tile_y integer,
  address text NOT NULL DEFAULT '',
  area_id uuid,
  description text NOT NULL CHECK (char_length(description) <= 4000),
  answers jsonb NOT NULL DEFAULT '{}',
  channel text NOT NULL CHECK (channel IN ('web', 'line', 'phone', 'patrol', 'counter', 'open311')),
  resident_id uuid REFERENCES residents(id) ON DELETE SET NULL,
  -- Contact details are optional; without them nobody can be told of progress.
  contact_name text,
  contact_email text,
  contact_phone text,
  -- Staff see a contact; the public never does. True when the reporter chose not to be known at all.
  anonymous boolean NOT NULL DEFAULT false,
  department_id uuid REFERENCES departments(id),
  assignee_staff_id uuid REFERENCES staff_accounts(id),
  open311_key_id uuid,
  entered_by_staff_id uuid REFERENCES staff_accounts(id),
  merged_into_id uuid REFERENCES reports(id),
  hidden_by_staff boolean NOT NULL DEFAULT false,
  received_at timestamptz NOT NULL DEFAULT now(),
  due_at timestamptz,
  closed_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  UNIQUE (tenant_id, reference),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, category_id) REFERENCES report_categories (tenant_id, id),
  FOREIGN KEY (tenant_id, status_key) REFERENCES report_statuses (tenant_id, key),
  FOREIGN KEY (tenant_id, area_id) REFERENCES report_areas (tenant_id, id),
  CHECK ((public_lat IS NULL) = (public_lng IS NULL)),
  CHECK (merged_into_id IS NULL OR merged_into_id <> id)
);
CREATE INDEX reports_staff_list ON reports (tenant_id, department_id, received_at DESC);
-- Public lists and Open311 GET requests: the newest reports of a city, filtered by date.
CREATE INDEX reports_received ON reports (tenant_id, received_at DESC) WHERE NOT hidden_by_staff;
CREATE INDEX reports_open_nearby ON reports (tenant_id, category_id, lat) WHERE status_category = 'open' AND merged_into_id IS NULL;
CREATE INDEX reports_resident ON reports (resident_id) WHERE resident_id IS NOT NULL;
-- The public map's street-level query: points in a box (btree_gist gives the tenant its place in the index).
CREATE INDEX reports_public_point ON reports USING gist (tenant_id, point(public_lng, public_lat))
  WHERE public_lat IS NOT NULL AND merged_into_id IS NULL;

CREATE TABLE report_photos (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  report_id uuid NOT NULL,
  file_id uuid NOT NULL REFERENCES stored_files(id),
  position integer NOT NULL CHECK (position BETWEEN 1 AND 3),
  -- Photos can show faces and number plates: only staff see them unless staff publish one.
  public boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (report_id, position),
  FOREIGN KEY (tenant_id, report_id) REFERENCES reports (tenant_id, id)
);

-- The report's history, append-only: received, routed, assigned, status changes, public replies, internal
-- notes, merges, reopenings. `public` entries make the public timeline.
CREATE TABLE report_entries (
  id bigserial PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  report_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('received', 'routed', 'assigned', 'status_changed', 'reply', 'note',
    'merged', 'merged_from', 'reopened', 'hidden', 'photo_published')),
  actor_type text NOT NULL,
  actor_id text,
  staff_id uuid REFERENCES staff_accounts(id),
  from_status text,
  to_status text,
  body text,
  public boolean NOT NULL,
  data jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, report_id) REFERENCES reports (tenant_id, id)
);
CREATE INDEX report_entries_report ON report_entries (report_id, id);
CREATE FUNCTION report_entries_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'report_entries is append-only';
END $$;
CREATE TRIGGER report_entries_no_update BEFORE UPDATE OR DELETE ON report_entries
  FOR EACH ROW EXECUTE FUNCTION report_entries_are_append_only();
CREATE TRIGGER report_entries_no_truncate BEFORE TRUNCATE ON report_entries
  FOR EACH STATEMENT EXECUTE FUNCTION report_entries_are_append_only();

-- Who hears about a report's progress: signed-in residents, or an e-mail address given with the report.
CREATE TABLE report_followers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  report_id uuid NOT NULL,
  resident_id uuid REFERENCES residents(id) ON DELETE CASCADE,
  email text,
  -- Where the follower came from: the reporter, "follow instead", or carried over from a merged duplicate.
  source text NOT NULL CHECK (source IN ('reporter', 'follow', 'merge')),
  -- The language updates are written in (a resident follower's own setting wins).
  locale text NOT NULL DEFAULT 'ja' CHECK (locale IN ('ja', 'en')),
  -- SHA-256 (hex) of the unsubscribe link in the newest e-mail to an e-mail follower; residents unfollow on
  -- the report page, so theirs stays null.
  unsubscribe_token_hash text UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, report_id) REFERENCES reports (tenant_id, id),
  CHECK ((resident_id IS NULL) <> (email IS NULL))
);
CREATE UNIQUE INDEX report_followers_resident ON report_followers (report_id, resident_id) WHERE resident_id IS NOT NULL;
CREATE UNIQUE INDEX report_followers_email ON report_followers (report_id, lower(email)) WHERE email IS NOT NULL;

-- Open311 API keys: only the SHA-256 is kept; the key is shown once when created.
CREATE TABLE report_api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  name text NOT NULL,
  key_hash text NOT NULL UNIQUE,
  key_prefix text NOT NULL,
  created_by_staff_id uuid REFERENCES staff_accounts(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  UNIQUE (tenant_id, id)
);
ALTER TABLE reports ADD FOREIGN KEY (tenant_id, open311_key_id) REFERENCES report_api_keys (tenant_id, id);

-- The public map at city scale reads counts per grid cell instead of 100,000 rows. Cells are Web Mercator
-- tiles at zoom 10, 13 and 16; a trigger keeps them in step with every insert, move, status change, merge
-- and hiding, in the same transaction.
CREATE TABLE report_map_cells (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  level smallint NOT NULL,
  cx integer NOT NULL,
  cy integer NOT NULL,
  stage text NOT NULL,
  count integer NOT NULL,
  sum_lat double precision NOT NULL,
  sum_lng double precision NOT NULL,
  PRIMARY KEY (tenant_id, level, cx, cy, stage)
);

CREATE FUNCTION report_map_cells_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  lv integer;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.public_lat IS NOT NULL AND OLD.merged_into_id IS NULL THEN
    FOREACH lv IN ARRAY ARRAY[10, 13, 16] LOOP
      UPDATE report_map_cells
        SET count = count - 1, sum_lat = sum_lat - OLD.public_lat, sum_lng = sum_lng - OLD.public_lng
        WHERE tenant_id = OLD.tenant_id AND level = lv AND cx = OLD.public_tile_x >> (20 - lv)
          AND cy = OLD.public_tile_y >> (20 - lv) AND stage = OLD.stage;
    END LOOP;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.public_lat IS NOT NULL AND NEW.merged_into_id IS NULL THEN
    FOREACH lv IN ARRAY ARRAY[10, 13, 16] LOOP
      INSERT INTO report_map_cells (tenant_id, level, cx, cy, stage, count, sum_lat, sum_lng)
        VALUES (NEW.tenant_id, lv, NEW.public_tile_x >> (20 - lv), NEW.public_tile_y >> (20 - lv), NEW.stage, 1,
          NEW.public_lat, NEW.public_lng)
        ON CONFLICT (tenant_id, level, cx, cy, stage) DO UPDATE
          SET count = report_map_cells.count + 1, sum_lat = report_map_cells.sum_lat + EXCLUDED.sum_lat,
            sum_lng = report_map_cells.sum_lng + EXCLUDED.sum_lng;
    END LOOP;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER reports_map_cells AFTER INSERT OR DELETE OR UPDATE OF public_lat, public_lng, public_tile_x,
  public_tile_y, stage, merged_into_id ON reports
  FOR EACH ROW EXECUTE FUNCTION report_map_cells_sync();
