-- The map summary gains the category, so a map filtered to one category (potholes only, say) is read from
-- the summary too instead of being grouped from the reports of the box on every request.
DROP TRIGGER reports_map_cells ON reports;
DROP TABLE report_map_cells;

CREATE TABLE report_map_cells (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  level smallint NOT NULL,
  cx integer NOT NULL,
  cy integer NOT NULL,
  category_id uuid NOT NULL,
  stage text NOT NULL,
  count integer NOT NULL,
  sum_lat double precision NOT NULL,
  sum_lng double precision NOT NULL,
  PRIMARY KEY (tenant_id, level, cx, cy, category_id, stage)
);

CREATE OR REPLACE FUNCTION report_map_cells_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  lv integer;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.public_lat IS NOT NULL AND OLD.merged_into_id IS NULL THEN
    FOREACH lv IN ARRAY ARRAY[10, 13, 16] LOOP
      UPDATE report_map_cells
        SET count = count - 1, sum_lat = sum_lat - OLD.public_lat, sum_lng = sum_lng - OLD.public_lng
        WHERE tenant_id = OLD.tenant_id AND level = lv AND cx = OLD.public_tile_x >> (20 - lv)
          AND cy = OLD.public_tile_y >> (20 - lv) AND category_id = OLD.category_id AND stage = OLD.stage;
    END LOOP;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.public_lat IS NOT NULL AND NEW.merged_into_id IS NULL THEN
    FOREACH lv IN ARRAY ARRAY[10, 13, 16] LOOP
      INSERT INTO report_map_cells (tenant_id, level, cx, cy, category_id, stage, count, sum_lat, sum_lng)
        VALUES (NEW.tenant_id, lv, NEW.public_tile_x >> (20 - lv), NEW.public_tile_y >> (20 - lv), NEW.category_id,
          NEW.stage, 1, NEW.public_lat, NEW.public_lng)
        ON CONFLICT (tenant_id, level, cx, cy, category_id, stage) DO UPDATE
          SET count = report_map_cells.count + 1, sum_lat = report_map_cells.sum_lat + EXCLUDED.sum_lat,
            sum_lng = report_map_cells.sum_lng + EXCLUDED.sum_lng;
    END LOOP;
  END IF;
  RETURN NULL;
END $$;

-- Recomputes one city's summary from its reports: after a bulk load made with the trigger disabled, or to
-- check the trigger's work.
CREATE FUNCTION report_map_cells_rebuild(city uuid) RETURNS void LANGUAGE sql AS $$
  DELETE FROM report_map_cells WHERE tenant_id = city;
  INSERT INTO report_map_cells (tenant_id, level, cx, cy, category_id, stage, count, sum_lat, sum_lng)
    SELECT r.tenant_id, lv.level, r.public_tile_x >> (20 - lv.level), r.public_tile_y >> (20 - lv.level),
      r.category_id, r.stage, count(*), sum(r.public_lat), sum(r.public_lng)
    FROM reports r CROSS JOIN (VALUES (10::smallint), (13::smallint), (16::smallint)) AS lv(level)
    WHERE r.tenant_id = city AND r.public_lat IS NOT NULL AND r.merged_into_id IS NULL
    GROUP BY 1, 2, 3, 4, 5, 6;
$$;

SELECT report_map_cells_rebuild(id) FROM tenants;

CREATE TRIGGER reports_map_cells AFTER INSERT OR DELETE OR UPDATE OF public_lat, public_lng, public_tile_x,
  public_tile_y, stage, category_id, merged_into_id ON reports
  FOR EACH ROW EXECUTE FUNCTION report_map_cells_sync();
