-- A guest: someone using a service that needs no account (a survey, a report), known only by a draft's key.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_actor_type_check;
ALTER TABLE audit_log
  ADD CONSTRAINT audit_log_actor_type_check CHECK (actor_type IN ('staff', 'resident', 'guest', 'system', 'api'));
