-- The identity assurance a resident needs to use the service online (none < email < line < card).
ALTER TABLE catalog_services
  ADD COLUMN assurance_level text NOT NULL DEFAULT 'none'
  CHECK (assurance_level IN ('none', 'email', 'line', 'card'));
