-- 電子申請: form definitions (an editable draft plus immutable numbered versions) and residents' applications.

CREATE TABLE forms_forms (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  department_id uuid REFERENCES departments(id),
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9-]{2,60}$'),
  -- The definition staff are editing; always valid against the format, never seen by residents.
  draft jsonb NOT NULL,
  draft_updated_at timestamptz NOT NULL DEFAULT now(),
  draft_updated_by uuid REFERENCES staff_accounts(id),
  -- published: residents can start the current version; unpublished: no new starts, drafts still finish.
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'unpublished')),
  current_version_id uuid,
  copied_from_id uuid REFERENCES forms_forms(id),
  template_key text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, slug),
  UNIQUE (tenant_id, id)
);

CREATE TABLE forms_versions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  form_id uuid NOT NULL,
  number integer NOT NULL CHECK (number >= 1),
  schema_version integer NOT NULL,
  definition jsonb NOT NULL,
  content_hash text NOT NULL,
  published_by uuid REFERENCES staff_accounts(id),
  published_at timestamptz NOT NULL DEFAULT now(),
  app_release text NOT NULL,
  FOREIGN KEY (tenant_id, form_id) REFERENCES forms_forms(tenant_id, id),
  UNIQUE (form_id, number),
  UNIQUE (tenant_id, id)
);

ALTER TABLE forms_forms
  ADD FOREIGN KEY (tenant_id, current_version_id) REFERENCES forms_versions(tenant_id, id);

-- One resident's application: a draft while they fill it in, pinned to the version they started.
CREATE TABLE forms_applications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  form_id uuid NOT NULL,
  form_version_id uuid NOT NULL,
  -- NULL for a guest on a form that needs no account.
  resident_id uuid REFERENCES residents(id) ON DELETE SET NULL,
  -- A guest's draft is reached with a secret held in a cookie or a resume link; only its hash is kept.
  guest_key_hash text,
  guest_email text,
  resume_expires_at timestamptz,
  answers jsonb NOT NULL DEFAULT '{}',
  provenance jsonb NOT NULL DEFAULT '{}',
  current_page text,
  locale text NOT NULL CHECK (locale IN ('ja', 'en')),
  channel text NOT NULL DEFAULT 'web' CHECK (channel IN ('web', 'line', 'counter')),
  reference_number text,
  submit_key text,
  fee_amount integer CHECK (fee_amount >= 0),
  payment_status text NOT NULL DEFAULT 'not_required'
    CHECK (payment_status IN ('not_required', 'unpaid', 'paid')),
  receipt_file_id uuid REFERENCES stored_files(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  submitted_at timestamptz,
  FOREIGN KEY (tenant_id, form_id) REFERENCES forms_forms(tenant_id, id),
  FOREIGN KEY (tenant_id, form_version_id) REFERENCES forms_versions(tenant_id, id),
  UNIQUE (tenant_id, reference_number),
  CHECK ((submitted_at IS NULL) = (reference_number IS NULL)),
  CHECK (resident_id IS NOT NULL OR guest_key_hash IS NOT NULL OR submitted_at IS NOT NULL)
);
CREATE INDEX forms_applications_resident ON forms_applications (tenant_id, resident_id, updated_at DESC);
CREATE INDEX forms_applications_form ON forms_applications (tenant_id, form_id, submitted_at DESC);

-- Files attached to an application (and drawn signatures), after type sniffing, re-encoding and scanning.
CREATE TABLE forms_attachments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  application_id uuid NOT NULL REFERENCES forms_applications(id) ON DELETE CASCADE,
  field_key text NOT NULL,
  file_id uuid NOT NULL REFERENCES stored_files(id),
  scan_result text NOT NULL CHECK (scan_result IN ('clean', 'not_scanned')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX forms_attachments_application ON forms_attachments (application_id);

-- Pages the resident has saved without problems, so the check-answers page knows nothing was skipped.
ALTER TABLE forms_applications ADD COLUMN completed_pages text[] NOT NULL DEFAULT '{}';
