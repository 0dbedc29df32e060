-- Issue 5: applications taken on paper or by phone are entered by staff, 事後決済 waits for staff to set the
-- amount, fully refunded fees are shown as such, and a returned application can be corrected and resubmitted.
ALTER TABLE forms_applications DROP CONSTRAINT forms_applications_channel_check;
ALTER TABLE forms_applications
  ADD CONSTRAINT forms_applications_channel_check CHECK (channel IN ('web', 'line', 'counter', 'paper', 'phone'));
ALTER TABLE forms_applications DROP CONSTRAINT forms_applications_payment_status_check;
ALTER TABLE forms_applications
  ADD CONSTRAINT forms_applications_payment_status_check
  CHECK (payment_status IN ('not_required', 'awaiting_amount', 'unpaid', 'paid', 'refunded'));
ALTER TABLE forms_applications ADD COLUMN resubmitted_at timestamptz;
ALTER TABLE forms_applications ADD COLUMN entered_by uuid REFERENCES staff_accounts (id);
-- The answers as last submitted, so staff see what a correction changed.
ALTER TABLE forms_applications ADD COLUMN submitted_answers jsonb;
