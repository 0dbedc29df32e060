-- An e-mail address typed into a report gets updates only once its owner has opened the link mailed to it:
-- otherwise anyone could make the city mail a stranger. Residents follow with their signed-in account and
-- never need this, so on their rows both columns stay null.
ALTER TABLE report_followers ADD COLUMN confirmed_at timestamptz;
-- SHA-256 (hex) of the confirmation link's secret while the confirmation is pending; cleared once used.
ALTER TABLE report_followers ADD COLUMN confirm_token_hash text UNIQUE;
ALTER TABLE report_followers
  ADD CHECK (email IS NOT NULL OR (confirmed_at IS NULL AND confirm_token_hash IS NULL));

-- Addresses already getting updates keep getting them.
UPDATE report_followers SET confirmed_at = created_at WHERE email IS NOT NULL;
