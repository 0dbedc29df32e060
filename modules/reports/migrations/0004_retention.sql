-- Reporters' personal data is kept only as long as the city needs it (docs/reports.md, "Retention"): this many
-- months after a report was closed, its contact, e-mail followers and unpublished photos are deleted.
ALTER TABLE report_categories
  ADD COLUMN retention_months integer NOT NULL DEFAULT 36 CHECK (retention_months BETWEEN 1 AND 120);

-- When the retention job deleted the report's personal data; null while it is kept.
ALTER TABLE reports ADD COLUMN personal_data_deleted_at timestamptz;

-- The deletion is written to the report's (internal) timeline like every other change.
ALTER TABLE report_entries DROP CONSTRAINT report_entries_kind_check;
ALTER TABLE report_entries ADD CONSTRAINT report_entries_kind_check CHECK (kind IN ('received', 'routed',
  'assigned', 'status_changed', 'reply', 'note', 'merged', 'merged_from', 'reopened', 'hidden', 'photo_published',
  'personal_data_deleted'));

-- The job's daily search: closed reports whose personal data is still kept.
CREATE INDEX reports_personal_data_kept ON reports (tenant_id, closed_at)
  WHERE personal_data_deleted_at IS NULL AND status_category <> 'open';
