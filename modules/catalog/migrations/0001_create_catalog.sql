-- 手続き案内: the procedures a city offers, shown to residents and published as open data.
CREATE TABLE catalog_services (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9-]{2,60}$'),
  name_ja text NOT NULL CHECK (length(name_ja) BETWEEN 1 AND 120),
  name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 120),
  summary_ja text NOT NULL DEFAULT '',
  summary_en text NOT NULL DEFAULT '',
  department_id uuid REFERENCES departments(id),
  channels text[] NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
  published_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, slug)
);
CREATE INDEX catalog_services_published ON catalog_services (tenant_id, name_ja) WHERE status = 'published';
