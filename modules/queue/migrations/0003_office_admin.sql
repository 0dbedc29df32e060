-- Offices, counters and categories are edited from the staff pages now.
-- A counter has a name besides its number (e.g. 「証明書窓口」); empty means it is shown as 窓口N.
ALTER TABLE queue_counters ADD COLUMN name_ja text NOT NULL DEFAULT '';
ALTER TABLE queue_counters ADD COLUMN name_en text NOT NULL DEFAULT '';
-- Removing a counter or a category keeps its row, because past tickets refer to it; the number or the
-- prefix is free again for a new one.
ALTER TABLE queue_counters ADD COLUMN removed_at timestamptz;
ALTER TABLE queue_categories ADD COLUMN removed_at timestamptz;
ALTER TABLE queue_counters DROP CONSTRAINT queue_counters_office_id_number_key;
CREATE UNIQUE INDEX queue_counters_current_number ON queue_counters (office_id, number) WHERE removed_at IS NULL;
ALTER TABLE queue_categories DROP CONSTRAINT queue_categories_office_id_prefix_key;
CREATE UNIQUE INDEX queue_categories_current_prefix ON queue_categories (office_id, prefix)
  WHERE removed_at IS NULL;
